/**
 * 督办提议: the 通报批评 / 挂牌督办 proposals the escalation ladder drafted, newest first (a decided one keeps its
 * place), one row each with its draft text to unfold. The city office reads each draft and confirms it (the unit then receives the 通报批评, a notice to sign for) or
 * withdraws it with a reason. Each is decided once; a conflict (someone else decided first) is shown in the
 * API's words, naming who and when.
 */
import { Alert, Button, Empty, Form, Input, Modal, Skeleton, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, cycleId, ok } from '../../../api/client';
import type { paths } from '../../../api/schema';
import { ApiErrorAlert } from '../../../components/ApiErrorAlert';
import { useWrite } from '../../../components/useWrite';
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
  const { run, busy, error: decideError, clearError } = useWrite();
  // Each decision as the PUT answered it: the list is read from an index that may lag a moment behind.
  const [answered, setAnswered] = useState(new Map<string, Proposal>());
  const [notice, setNotice] = useState<{ unit: string; status: string }>();

  if (error) return <ApiErrorAlert error={error} title="无法读取督办提议" />;
  if (!data) return <Skeleton active />;
  const proposals = data.proposals.map((p) => answered.get(p.proposalId) ?? p);
  const awaiting = proposals.filter((p) => p.status === 'proposed').length;

  const open = (proposal: Proposal, action: Action) => {
    setDeciding({ proposal, action });
    setReason('');
    clearError();
  };
  /** Confirm again (补发通报) finishes a confirmation whose notice did not go out; it never sends twice. */
  const send = async (proposal: Proposal, action: Action, text = '') => {
    const body = { action, ...(text.trim() ? { reason: text.trim() } : {}) };
    const done = await run(`${proposal.proposalId}#${JSON.stringify(body)}`, (key) => ok(api().PUT('/cycles/{cycleId}/units/{unitId}/proposals/{proposalId}/decision', {
      params: { path: { cycleId: cycleId(), unitId: proposal.unit.unitId, proposalId: proposal.proposalId }, header: { 'Idempotency-Key': key } },
      body,
    })));
    if (!done) return;
    setAnswered((m) => new Map(m).set(done.proposal.proposalId, done.proposal));
    setNotice(done.notice ? { unit: done.proposal.unit.name, status: done.notice } : undefined);
    setDeciding(undefined);
    void reload();
  };
  const decide = () => deciding && send(deciding.proposal, deciding.action, reason);

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <div>
        <Typography.Title level={2} style={{ marginBottom: 4 }}>督办提议</Typography.Title>
        <Typography.Text type="secondary">
          逾期经提醒和督办仍未办结的，系统按工作方案拟稿通报批评并提请挂牌督办，由市打传办确认印发或撤销。
        </Typography.Text>
      </div>
      {awaiting > 0
        ? <Alert type="warning" showIcon title={`有 ${awaiting} 项督办提议待确认`} />
        : <Alert type="success" showIcon title="没有待确认的督办提议" />}
      {notice && (notice.status === 'sent' || notice.status === 'already-sent'
        ? <Alert type="success" showIcon closable title={`通报批评已发往${notice.unit}打传办（抄送分管领导），待其签收`} />
        : <Alert type="error" showIcon closable title={`通报批评已确认，但邮件未能发往${notice.unit}（${notice.status === 'suppressed' ? '该邮箱已退信，请先修正通讯录' : '邮件服务拒收'}），请以其他方式送达`} />)}
      {!deciding && <ApiErrorAlert error={decideError} title="操作未完成，可重试（重试不会重复记录或重复发送）" />}
      {/* One row per proposal, its draft text under it: 1366 px wide, a screen holds a dozen. */}
      <Table<Proposal>
        rowKey="proposalId"
        dataSource={proposals}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        locale={{ emptyText: <Empty description="尚无督办提议" /> }}
        size="middle"
        expandable={{
          expandedRowRender: (p) => <Typography.Paragraph style={{ margin: 0, textIndent: '2em' }}>{p.text.zh}</Typography.Paragraph>,
          defaultExpandAllRows: false,
          expandRowByClick: false,
        }}
        columns={[
          { title: '单位', key: 'unit', width: 110, render: (_, p) => <Link to={`/units/${p.unit.unitId}`}>{p.unit.name}</Link> },
          { title: '事项', key: 'what', render: (_, p) => `${p.about === 'rectification' ? '未按期整改：' : '逾期未报送：'}${p.deliverable.name}` },
          { title: '截止时间（北京时间）', key: 'dueAt', width: 190, render: (_, p) => p.dueAt.zh },
          { title: '拟稿时间', key: 'proposedAt', width: 170, render: (_, p) => p.proposedAt.zh },
          { title: '状态', key: 'status', width: 100, render: (_, p) => <Tag color={STATUS[p.status].color}>{STATUS[p.status].label}</Tag> },
          {
            title: '操作',
            key: 'actions',
            width: 260,
            render: (_, p) =>
              p.status === 'proposed' ? (
                <Space>
                  <Button size="small" type="primary" danger aria-label={`确认印发：${p.unit.name}${p.deliverable.name}`} onClick={() => open(p, 'confirm')}>确认印发</Button>
                  <Button size="small" aria-label={`撤销：${p.unit.name}${p.deliverable.name}`} onClick={() => open(p, 'withdraw')}>撤销</Button>
                </Space>
              ) : (
                <Space orientation="vertical" size={0}>
                  <Typography.Text type="secondary">
                    {p.decidedBy}，{p.decidedAt?.zh}{p.reason ? `；${p.status === 'confirmed' ? '意见' : '理由'}：${p.reason}` : ''}
                  </Typography.Text>
                  {p.status === 'confirmed' && (
                    <Button size="small" type="link" style={{ padding: 0 }} loading={busy?.startsWith(p.proposalId)}
                      aria-label={`补发通报：${p.unit.name}${p.deliverable.name}`} onClick={() => send(p, 'confirm')}>补发通报</Button>
                  )}
                </Space>
              ),
          },
        ]}
      />
      <Modal open={!!deciding} title={deciding?.action === 'confirm' ? `确认印发：对${deciding.proposal.unit.name}的通报批评` : `撤销督办提议：${deciding?.proposal.unit.name ?? ''}`}
        okText={deciding?.action === 'confirm' ? '确认印发' : '撤销提议'} cancelText="取消" confirmLoading={!!busy}
        okButtonProps={{ danger: deciding?.action === 'confirm', disabled: deciding?.action === 'withdraw' && !reason.trim() }}
        onOk={decide} onCancel={() => setDeciding(undefined)} destroyOnHidden>
        <Form layout="vertical">
          <Form.Item label={deciding?.action === 'confirm' ? '意见（可选，随通报发给该单位）' : '撤销理由（必填）'} required={deciding?.action === 'withdraw'} htmlFor="proposal-reason">
            <Input.TextArea id="proposal-reason" rows={3} maxLength={500} showCount value={reason} onChange={(e) => setReason(e.target.value)} />
          </Form.Item>
        </Form>
        {deciding?.action === 'confirm' && <Typography.Text type="secondary">确认后，通报批评即发往该单位打传办（抄送分管领导），并须签收。</Typography.Text>}
        <ApiErrorAlert error={decideError} title="操作未完成，可重试（重试不会重复记录或重复发送）" />
      </Modal>
    </Space>
  );
}
