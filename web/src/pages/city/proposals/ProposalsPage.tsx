/**
 * 督办提议: the 通报批评 / 挂牌督办 proposals the escalation ladder drafted, those awaiting a decision first. The
 * city office reads each draft and confirms it (the unit then receives the 通报批评, a notice to sign for) or
 * withdraws it with a reason. Each is decided once; a conflict (someone else decided first) is shown in the
 * API's words, naming who and when.
 */
import { Alert, Button, Card, Empty, Form, Input, Modal, Skeleton, Space, Tag, Typography } from 'antd';
import { useRef, useState } from 'react';
import { Link } from 'react-router';
import { api, cycleId, newIntentKey, ok } from '../../../api/client';
import type { paths } from '../../../api/schema';
import { ApiErrorAlert } from '../../../components/ApiErrorAlert';
import { useLoad } from '../../../components/useLoad';

type Proposals = paths['/cycles/{cycleId}/proposals']['get']['responses'][200]['content']['application/json'];
type Proposal = Proposals['proposals'][number];
type Action = 'confirm' | 'withdraw';

const STATUS: Record<Proposal['status'], { label: string; color: string }> = {
  proposed: { label: '待确认', color: 'orange' },
  confirmed: { label: '已确认印发', color: 'red' },
  withdrawn: { label: '已撤销', color: 'default' },
};

export default function ProposalsPage() {
  const { data, error, reload } = useLoad(() => ok(api().GET('/cycles/{cycleId}/proposals', { params: { path: { cycleId: cycleId() } } })), []);
  const [deciding, setDeciding] = useState<{ proposal: Proposal; action: Action }>();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [decideError, setDecideError] = useState<unknown>();
  // One key per proposal and action until the decision succeeds: a retry after a lost answer replays it.
  const keys = useRef(new Map<string, string>());

  if (error) return <ApiErrorAlert error={error} title="无法读取督办提议" />;
  if (!data) return <Skeleton active />;

  const open = (proposal: Proposal, action: Action) => {
    setDeciding({ proposal, action });
    setReason('');
    setDecideError(undefined);
  };
  const decide = async () => {
    if (!deciding) return;
    const { proposal, action } = deciding;
    const intent = `${proposal.proposalId}#${action}`;
    const key = keys.current.get(intent) ?? newIntentKey();
    keys.current.set(intent, key);
    setBusy(true);
    setDecideError(undefined);
    try {
      await ok(api().PUT('/cycles/{cycleId}/units/{unitId}/proposals/{proposalId}/decision', {
        params: { path: { cycleId: cycleId(), unitId: proposal.unit.unitId, proposalId: proposal.proposalId }, header: { 'Idempotency-Key': key } },
        body: { action, ...(reason.trim() ? { reason: reason.trim() } : {}) },
      }));
      keys.current.delete(intent);
      setDeciding(undefined);
      await reload();
    } catch (e) {
      setDecideError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <div>
        <Typography.Title level={2} style={{ marginBottom: 4 }}>督办提议</Typography.Title>
        <Typography.Text type="secondary">
          逾期经提醒和督办仍未办结的，系统按工作方案拟稿通报批评并提请挂牌督办，由市打传办确认印发或撤销。
        </Typography.Text>
      </div>
      {data.awaiting > 0
        ? <Alert type="warning" showIcon title={`有 ${data.awaiting} 项督办提议待确认`} />
        : <Alert type="success" showIcon title="没有待确认的督办提议" />}
      {data.proposals.length === 0 && <Empty description="尚无督办提议" />}
      {data.proposals.map((p) => (
        <Card key={p.proposalId} role="region" aria-label={`督办提议：${p.unit.name}（${p.deliverable.name}）`}
          title={<Space><span>{p.unit.name}</span><span>{p.deliverable.name}{p.about === 'rectification' ? '整改' : ''}</span></Space>}
          extra={<Tag color={STATUS[p.status].color}>{STATUS[p.status].label}</Tag>}>
          <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
            截止时间 {p.dueAt.zh}（北京时间）；第 {p.level} 级督办于 {p.proposedAt.zh} 拟稿。
            <Link to={`/units/${p.unit.unitId}`}>查看该单位工作台</Link>
          </Typography.Paragraph>
          <Typography.Paragraph style={{ background: '#fafafa', padding: 12, textIndent: '2em' }}>{p.text.zh}</Typography.Paragraph>
          {p.status === 'proposed' ? (
            <Space>
              <Button type="primary" danger onClick={() => open(p, 'confirm')}>确认印发</Button>
              <Button onClick={() => open(p, 'withdraw')}>撤销</Button>
            </Space>
          ) : (
            <Typography.Text>
              {p.decidedBy} 于 {p.decidedAt?.zh} {p.status === 'confirmed' ? '确认印发' : '撤销'}
              {p.reason ? `；${p.status === 'confirmed' ? '意见' : '理由'}：${p.reason}` : ''}
            </Typography.Text>
          )}
        </Card>
      ))}
      <Modal open={!!deciding} title={deciding?.action === 'confirm' ? `确认印发：对${deciding.proposal.unit.name}的通报批评` : `撤销督办提议：${deciding?.proposal.unit.name ?? ''}`}
        okText={deciding?.action === 'confirm' ? '确认印发' : '撤销提议'} cancelText="取消" confirmLoading={busy}
        okButtonProps={{ danger: deciding?.action === 'confirm', disabled: deciding?.action === 'withdraw' && !reason.trim() }}
        onOk={decide} onCancel={() => setDeciding(undefined)} destroyOnHidden>
        <Form layout="vertical">
          <Form.Item label={deciding?.action === 'confirm' ? '意见（可选，随通报发给该单位）' : '撤销理由（必填）'} required={deciding?.action === 'withdraw'}>
            <Input.TextArea rows={3} maxLength={500} showCount value={reason} onChange={(e) => setReason(e.target.value)} />
          </Form.Item>
        </Form>
        {deciding?.action === 'confirm' && <Typography.Text type="secondary">确认后，通报批评即发往该单位打传办（抄送分管领导），并须签收。</Typography.Text>}
        <ApiErrorAlert error={decideError} title="未能记录决定" />
      </Modal>
    </Space>
  );
}
