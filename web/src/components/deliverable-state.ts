/**
 * How a deliverable's state from the API reads and which warning colour (三色预警) it takes. Words and
 * colours only: every state, date and count comes from the API. "Near its deadline" is the plan's own
 * reminder schedule: yellow once the system has sent this unit a reminder for it and it is still not in.
 */
import type { paths } from '../api/schema';

export type UnitOverview = paths['/cycles/{cycleId}/units/{unitId}']['get']['responses'][200]['content']['application/json'];
export type DeliverableView = UnitOverview['phases'][number]['deliverables'][number];
export type ReviewView = UnitOverview['review'];

export type Warning = 'green' | 'yellow' | 'red' | 'grey';

export interface ShownState {
  label: string;
  warning: Warning;
}

export const WARNING_COLOURS: Record<Warning, { tag: string; cell: string; text: string }> = {
  green: { tag: 'success', cell: '#f6ffed', text: '绿色：按期推进（已报送、合格或未到截止）' },
  yellow: { tag: 'warning', cell: '#fffbe6', text: '黄色：临近截止（已发提醒仍未报送）或退回整改中' },
  red: { tag: 'error', cell: '#fff1f0', text: '红色：超期（逾期未报或逾期报送）' },
  grey: { tag: 'default', cell: '#fafafa', text: '灰色：未开始' },
};

export function shownState(d: DeliverableView, review?: ReviewView): ShownState {
  if (review && review.deliverableId === d.deliverableId) {
    if (review.outcome?.outcome === 'qualified') return { label: '合格', warning: 'green' };
    if (review.outcome) return { label: '不合格', warning: 'red' };
    const last = review.decisions.at(-1);
    if (last?.outcome === 'returned') return { label: '退回整改', warning: 'yellow' };
  }
  switch (d.state) {
    case 'not-yet-due':
      return { label: '未开始', warning: 'grey' };
    case 'due':
      return { label: '待报送', warning: d.remindersSent > 0 ? 'yellow' : 'green' };
    case 'submitted-on-time':
      return { label: '已报送', warning: 'green' };
    case 'submitted-late':
      return { label: '逾期报送', warning: 'red' };
    case 'missing':
      return { label: '逾期未报', warning: 'red' };
  }
}
