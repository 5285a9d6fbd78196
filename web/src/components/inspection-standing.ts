/**
 * How a unit's cross-inspection reads in one cell (the 总览 and its Excel): before the draw, the draw's
 * outcome, what is recorded so far, and what keeps the unit off the list. Words only: every figure is the
 * API's (core/use-cases/inspection-results.ts unitInspectionGlance); the rule itself is the server's.
 */
import type { paths } from '../api/schema';
import type { Lang } from '../i18n';

type Dashboard = paths['/cycles/{cycleId}/dashboard']['get']['responses'][200]['content']['application/json'];
export type InspectionGlance = NonNullable<Dashboard['units'][number]['inspection']>;

const percent = (r: number) => `${(Math.round(r * 1000) / 10).toFixed(1)}%`;

export interface InspectionShown {
  text: string;
  /** The inspection keeps the unit off the list (a failed veto item, or the sampled pass rate under the target). */
  offList: boolean;
}

export function inspectionText(g: InspectionGlance | null, lang: Lang): InspectionShown {
  const zh = lang === 'zh';
  if (!g) return { text: '—', offList: false };
  if (g.sampleStatus === null) return { text: zh ? `待抽样（${g.window.opens}）` : `Not drawn yet (${g.window.opens})`, offList: false };
  if (g.sampleStatus === 'no-roster') return { text: zh ? '未登记名单，未抽样' : 'No roster: nothing sampled', offList: false };
  const s = g.standing;
  const parts: string[] = [];
  parts.push(zh ? `已查 ${g.resultsRecorded}/${s.sampled}` : `${g.resultsRecorded} of ${s.sampled} checked`);
  if (s.sampledPassRate !== null) parts.push(zh ? `抽查合格率 ${percent(s.sampledPassRate)}` : `sampled pass rate ${percent(s.sampledPassRate)}`);
  if (s.score !== null) parts.push(zh ? `得分 ${s.score}` : `score ${s.score}`);
  if (s.disqualifiedBy.includes('veto-failed')) parts.push(zh ? '一票否决' : 'veto failed');
  const offList = s.disqualifiedBy.length > 0;
  if (offList) parts.push(zh ? '不列入上报名单' : 'off the list');
  else if (g.closed && s.recorded) parts.push(zh ? '检查通过' : 'passed');
  return { text: parts.join(zh ? '，' : ', '), offList };
}
