/**
 * 消息: every message the system sent this unit, newest first, when (Beijing time), and for each notice its 签收 (one
 * click, recorded once by the API with who and when). Which message is a notice and how many are still
 * unsigned is the API's to say. The city office opens the same page for any unit and also sees what went to
 * the city about it; only the county signs.
 */
import { Alert, Button, Skeleton, Space, Table, Tag, Typography } from 'antd';
import { Link, useParams } from 'react-router';
import { api, cycleId, ok } from '../../../api/client';
import type { paths } from '../../../api/schema';
import { useAuth } from '../../../auth/AuthContext';
import { ApiErrorAlert } from '../../../components/ApiErrorAlert';
import { useWrite } from '../../../components/useWrite';
import { useLoad } from '../../../components/useLoad';
import { useLang } from '../../../i18n';
import { useLevelWords } from '../../../levels';

type Messages = paths['/cycles/{cycleId}/units/{unitId}/messages']['get']['responses'][200]['content']['application/json'];
type Message = Messages['messages'][number];

/** What each kind of message is called in the offices' words, and in English. */
export const KIND_LABEL: Record<Message['kind'], { zh: string; en: string }> = {
  'phase-opened': { zh: '阶段通知', en: 'Phase notice' },
  reminder: { zh: '报送提醒', en: 'Reminder' },
  escalation: { zh: '督办通知', en: 'Escalation (督办)' },
  receipt: { zh: '回执', en: 'Receipt' },
  rectification: { zh: '限期整改通知', en: 'Rectification (限期整改)' },
  outcome: { zh: '初评结果通知', en: 'Review result' },
  extension: { zh: '延期通知', en: 'Extension' },
  criticism: { zh: '通报批评', en: 'Public criticism (通报批评)' },
  'province-forwarding': { zh: '上报合格名单', en: 'Qualifying list sent up' },
  'contact-undeliverable': { zh: '邮箱退信', en: 'Email bounced' },
  'calendar-warning': { zh: '节假日安排提示', en: 'Holiday calendar warning' },
  'delivery-failure': { zh: '投递失败', en: 'Delivery failed' },
  'inspection-sample': { zh: '交叉检查抽样结果', en: 'Cross-inspection sample' },
  'inspection-no-roster': { zh: '未能抽样（未登记名单）', en: 'No sample (no roster registered)' },
  'inspection-result': { zh: '交叉检查结果通知', en: 'Cross-inspection results' },
  'inspection-draw-failed': { zh: '抽样出错（将重试）', en: 'Draw failed (will be retried)' },
  'inspection-draw-gave-up': { zh: '未能抽样（重试均未完成）', en: 'No sample (every retry failed)' },
  'confirmation-request': { zh: '上报确认', en: 'Sign-off requested' },
  'confirmation-escalation': { zh: '上报确认督办', en: 'Sign-off overdue' },
  commendation: { zh: '通报表扬', en: 'Commendation (通报表扬)' },
};

export default function MessagesPage() {
  const { unitId = '' } = useParams();
  const { me } = useAuth();
  const { t, lang, named } = useLang();
  const words = useLevelWords();
  const county = me?.role === 'county';
  const where = { cycleId: cycleId(), unitId };
  const { data, error, reload } = useLoad(() => ok(api().GET('/cycles/{cycleId}/units/{unitId}/messages', { params: { path: where } })), [unitId]);
  const { run, busy: signing, error: signError } = useWrite();

  if (error) return <ApiErrorAlert error={error} title={t('无法读取本单位的消息', "Cannot read this unit's messages")} />;
  if (!data) return <Skeleton active />;
  const unsigned = data.unsignedNotices;

  const sign = async (m: Message) => {
    const signed = await run(m.messageId, (key) => ok(api().POST('/cycles/{cycleId}/units/{unitId}/messages/{messageId}/sign', {
      params: { path: { ...where, messageId: m.messageId }, header: { 'Idempotency-Key': key } },
    })));
    if (signed) await reload();
  };

  const columns = [
    {
      title: t('发送时间（北京时间）', 'Sent (Beijing time)'),
      key: 'sentAt',
      width: 170,
      render: (_: unknown, m: Message) => m.sentAt?.[lang] ?? <Tag>{t('发送中', 'Sending')}</Tag>,
    },
    { title: t('类别', 'Kind'), key: 'kind', width: 110, render: (_: unknown, m: Message) => KIND_LABEL[m.kind][lang] },
    // The subject as the email said it (the emails are in Chinese).
    { title: t('主题', 'Subject'), dataIndex: 'subject', key: 'subject' },
    {
      title: t('收件人', 'To'),
      key: 'recipient',
      width: 250,
      render: (_: unknown, m: Message) => (
        <Space orientation="vertical" size={0}>
          <span>{m.recipient}</span>
          {m.cc.length > 0 && (
            <Typography.Text type="secondary">{t('抄送：', 'Cc: ')}{m.cc.join(t('、', ', '))}</Typography.Text>
          )}
          {!m.toUnit && <Tag color="processing">{t(`发往${words.office}`, `To ${words.office}`)}</Tag>}
        </Space>
      ),
    },
    {
      title: t('签收', 'Signed for (签收)'),
      key: 'signature',
      width: 180,
      render: (_: unknown, m: Message) => {
        if (!m.notice) return '—';
        if (m.signature) {
          const { signedBy, signedAt } = m.signature;
          return (
            <Typography.Text type="success">
              {t(`已签收：${signedBy}，${signedAt.zh}`, `Signed for by ${signedBy}, ${signedAt.en}`)}
            </Typography.Text>
          );
        }
        return county ? (
          <Button size="small" type="primary" loading={signing === m.messageId} onClick={() => sign(m)}
            aria-label={t(`签收：${m.subject}`, `Sign for: ${m.subject}`)}>
            {t('签收', 'Sign for (签收)')}
          </Button>
        ) : <Tag color="warning">{t('未签收', 'Not signed for')}</Tag>;
      },
    },
  ];

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <div>
        <Typography.Title level={2} style={{ marginBottom: 4 }}>
          {named(data.unit)} · {t('消息', 'Messages')}
        </Typography.Title>
        <Link to={`/units/${unitId}`}>{t('返回工作台', 'Back to the workbench')}</Link>
      </div>
      {unsigned > 0 ? (
        <Alert type="warning" showIcon
          title={t(
            `有 ${unsigned} 条通知尚未签收`,
            `${unsigned} notice${unsigned === 1 ? '' : 's'} not yet signed for (签收)`,
          )} />
      ) : (
        <Alert type="success" showIcon title={t('通知均已签收', 'Every notice is signed for')} />
      )}
      <ApiErrorAlert error={signError} title={t('签收未成功', 'Could not sign for the notice')} />
      {/* Newest first, as an inbox reads. */}
      <Table<Message> rowKey="messageId" columns={columns} dataSource={[...data.messages].reverse()}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: t('尚未收到消息', 'No messages yet') }} size="middle" tableLayout="fixed" />
    </Space>
  );
}
