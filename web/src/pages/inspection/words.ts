/** The inspection pages' shared words: a window's state for recording, and a result's verdict. */
import type { paths } from '../../api/schema';
import type { Translate } from '../../i18n';

export type Overview = paths['/cycles/{cycleId}/inspections']['get']['responses'][200]['content']['application/json'];
export type WindowState = Overview['inspections'][number]['window']['state'];

export const WINDOW_STATE: Record<WindowState, { zh: string; en: string; color: string }> = {
  'before-draw': { zh: '尚未抽样', en: 'Not drawn yet', color: 'default' },
  open: { zh: '检查中', en: 'Open', color: 'processing' },
  closed: { zh: '已结束', en: 'Closed', color: 'default' },
};

export const windowStateLabel = (t: Translate, state: WindowState) => t(WINDOW_STATE[state].zh, WINDOW_STATE[state].en);

/** The unit's inspection page. */
export const inspectionPath = (unitId: string, windowId: string) => `/units/${encodeURIComponent(unitId)}/inspection/${encodeURIComponent(windowId)}`;
