import { Tag } from 'antd';
import { useLang } from '../i18n';
import { shownState, WARNING_COLOURS, type DeliverableView, type ReviewView } from './deliverable-state';

export function StateTag({ deliverable, review }: { deliverable: DeliverableView; review?: ReviewView }) {
  const { lang } = useLang();
  const s = shownState(deliverable, review, lang);
  return <Tag color={WARNING_COLOURS[s.warning].tag}>{s.label}</Tag>;
}
