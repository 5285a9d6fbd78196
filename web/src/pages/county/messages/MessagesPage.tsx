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

type Messages = paths['/cycles/{cycleId}/units/{unitId}/messages']['get']['responses'][200]['content']['application/json'];
type Message = Messages['messages'][number];

/** What each kind of message is called in the offices' words. */
export const KIND_LABEL: Record<Message['kind'], string> = {
  'phase-opened': '阶段通知',
  reminder: '报送提醒',
  escalation: '督办通知',
  receipt: '回执',
  rectification: '限期整改通知',
  outcome: '初评结果通知',
  extension: '延期通知',
  criticism: '通报批评',
  'province-forwarding': '上报省局',
  'contact-undeliverable': '邮箱退信',
  'calendar-warning': '节假日安排提示',
  'delivery-failure': '投递失败',
};

export default function MessagesPage() {
  const { unitId = '' } = useParams();
  const { me } = useAuth();
  const county = me?.role === 'county';
  const where = { cycleId: cycleId(), unitId };
  const { data, error, reload } = useLoad(() => ok(api().GET('/cycles/{cycleId}/units/{unitId}/messages', { params: { path: where } })), [unitId]);
  const { run, busy: signing, error: signError } = useWrite();

  if (error) return <ApiErrorAlert error={error} title="无法读取本单位的消息" />;
  if (!data) return <Skeleton active />;

  const sign = async (m: Message) => {
    const signed = await run(m.messageId, (key) => ok(api().POST('/cycles/{cycleId}/units/{unitId}/messages/{messageId}/sign', {
      params: { path: { ...where, messageId: m.messageId }, header: { 'Idempotency-Key': key } },
    })));
    if (signed) await reload();
  };

  const columns = [
    { title: '发送时间（北京时间）', key: 'sentAt', width: 170, render: (_: unknown, m: Message) => m.sentAt?.zh ?? <Tag>发送中</Tag> },
    { title: '类别', key: 'kind', width: 110, render: (_: unknown, m: Message) => KIND_LABEL[m.kind] },
    { title: '主题', dataIndex: 'subject', key: 'subject' },
    {
      title: '收件人',
      key: 'recipient',
      width: 250,
      render: (_: unknown, m: Message) => (
        <Space orientation="vertical" size={0}>
          <span>{m.recipient}</span>
          {m.cc.length > 0 && <Typography.Text type="secondary">抄送：{m.cc.join('、')}</Typography.Text>}
          {!m.toUnit && <Tag color="purple">发往市打传办</Tag>}
        </Space>
      ),
    },
    {
      title: '签收',
      key: 'signature',
      width: 180,
      render: (_: unknown, m: Message) => {
        if (!m.notice) return '—';
        if (m.signature) return <Typography.Text type="success">已签收：{m.signature.signedBy}，{m.signature.signedAt.zh}</Typography.Text>;
        return county ? (
          <Button size="small" type="primary" loading={signing === m.messageId} aria-label={`签收：${m.subject}`} onClick={() => sign(m)}>
            签收
          </Button>
        ) : <Tag color="orange">未签收</Tag>;
      },
    },
  ];

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <div>
        <Typography.Title level={2} style={{ marginBottom: 4 }}>{data.unit.name} · 消息</Typography.Title>
        <Link to={`/units/${unitId}`}>返回工作台</Link>
      </div>
      {data.unsignedNotices > 0 ? (
        <Alert type="warning" showIcon title={`有 ${data.unsignedNotices} 条通知尚未签收`} />
      ) : (
        <Alert type="success" showIcon title="通知均已签收" />
      )}
      <ApiErrorAlert error={signError} title="签收未成功" />
      {/* Newest first, as an inbox reads. */}
      <Table<Message> rowKey="messageId" columns={columns} dataSource={[...data.messages].reverse()} pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: '尚未收到消息' }} size="middle" tableLayout="fixed" />
    </Space>
  );
}
