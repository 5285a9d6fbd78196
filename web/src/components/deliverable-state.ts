/**
 * How a deliverable's state from the API reads and which warning colour (三色预警) it takes. Words and
 * colours only: every state, date and count comes from the API. "Near its deadline" is the plan's own
 * reminder schedule: yellow once the system has sent this unit a reminder for it and it is still not in.
 * The language is a parameter (no global read), so the words can be checked in either.
 */
import type { paths } from '../api/schema';
import type { Lang } from '../i18n';

export type UnitOverview = paths['/cycles/{cycleId}/units/{unitId}']['get']['responses'][200]['content']['application/json'];
export type DeliverableView = UnitOverview['phases'][number]['deliverables'][number];
export type ReviewView = UnitOverview['review'];

export type Warning = 'green' | 'yellow' | 'red' | 'grey';

export interface ShownState {
  label: string;
  warning: Warning;
}

type Words = Record<Lang, string>;

export const WARNING_COLOURS: Record<Warning, { tag: string; cell: string; text: Words }> = {
  green: {
    tag: 'success',
    cell: '#f6ffed',
    text: { zh: '绿色：按期推进（已报送、合格或未到截止）', en: 'Green: on track (submitted, qualified or not yet due)' },
  },
  yellow: {
    tag: 'warning',
    cell: '#fffbe6',
    text: {
      zh: '黄色：临近截止（已发提醒仍未报送）或退回整改中',
      en: 'Yellow: deadline near (reminded, still not submitted) or returned for rectification',
    },
  },
  red: {
    tag: 'error',
    cell: '#fff1f0',
    text: { zh: '红色：超期（逾期未报或逾期报送）', en: 'Red: overdue (missing or submitted late)' },
  },
  grey: { tag: 'default', cell: '#fafafa', text: { zh: '灰色：未开始', en: 'Grey: not started' } },
};

const LABEL = {
  qualified: { zh: '合格', en: 'Qualified' },
  notQualified: { zh: '不合格', en: 'Not qualified' },
  returned: { zh: '退回整改', en: 'Returned for rectification' },
  'not-yet-due': { zh: '未开始', en: 'Not started' },
  due: { zh: '待报送', en: 'Due' },
  'submitted-on-time': { zh: '已报送', en: 'Submitted' },
  'submitted-late': { zh: '逾期报送', en: 'Submitted late' },
  missing: { zh: '逾期未报', en: 'Missing (overdue)' },
} satisfies Record<string, Words>;

export function shownState(d: DeliverableView, review: ReviewView | undefined, lang: Lang): ShownState {
  const shown = (label: keyof typeof LABEL, warning: Warning) => ({ label: LABEL[label][lang], warning });
  if (review && review.deliverableId === d.deliverableId) {
    if (review.outcome?.outcome === 'qualified') return shown('qualified', 'green');
    if (review.outcome) return shown('notQualified', 'red');
    const last = review.decisions.at(-1);
    if (last?.outcome === 'returned') return shown('returned', 'yellow');
  }
  switch (d.state) {
    case 'not-yet-due':
      return shown(d.state, 'grey');
    case 'due':
      return shown(d.state, d.remindersSent > 0 ? 'yellow' : 'green');
    case 'submitted-on-time':
      return shown(d.state, 'green');
    case 'submitted-late':
    case 'missing':
      return shown(d.state, 'red');
  }
}

/**
 * The 初评 column of the 总览 and of its Excel export: the outcome once recorded, else the round a unit is
 * in; a unit whose reviewed report never came has no round to be in ("第 1 轮" read as if it awaited a
 * decision).
 */
export function reviewStageText(u: { phases: Array<{ deliverables: DeliverableView[] }>; review: ReviewView }, lang: Lang): string {
  const t = (zh: string, en: string) => (lang === 'en' ? en : zh);
  if (u.review.outcome) return u.review.outcome.outcome === 'qualified' ? t('合格', 'Qualified') : t('不合格', 'Not qualified');
  const reviewed = u.phases.flatMap((p) => p.deliverables).find((d) => d.deliverableId === u.review.deliverableId);
  if (reviewed && reviewed.latestVersion === 0 && u.review.decisions.length === 0) return t('尚未报送', 'Not submitted yet');
  return t(`第 ${u.review.round} 轮`, `Round ${u.review.round}`);
}
