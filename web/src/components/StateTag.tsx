import { Tag } from 'antd';
import { shownState, WARNING_COLOURS, type DeliverableView, type ReviewView } from './deliverable-state';

export function StateTag({ deliverable, review }: { deliverable: DeliverableView; review?: ReviewView }) {
  const s = shownState(deliverable, review);
  return <Tag color={WARNING_COLOURS[s.warning].tag}>{s.label}</Tag>;
}
