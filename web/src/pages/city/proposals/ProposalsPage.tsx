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
import { useLang } from '../../../i18n';
import { useLevelWords } from '../../../levels';

type Proposals = paths['/cycles/{cycleId}/proposals']['get']['responses'][200]['content']['application/json'];
type Proposal = Proposals['proposals'][number];
type Action = 'confirm' | 'withdraw';

const STATUS: Record<Proposal['status'], { zh: string; en: string; color: string }> = {
  proposed: { zh: '待确认', en: 'To confirm', color: 'warning' },
  confirmed: { zh: '已确认印发', en: 'Confirmed and issued', color: 'error' },
  withdrawn: { zh: '已撤销', en: 'Withdrawn', color: 'default' },
};
/** What the unit missed, before the deliverable's name. */
const ABOUT: Record<Proposal['about'], { zh: string; en: string }> = {
  deliverable: { zh: '逾期未报送：', en: 'Not submitted in time: ' },
  rectification: { zh: '未按期整改：', en: 'Not rectified in time: ' },
  signing: { zh: '未按期签收限期整改通知：', en: 'Rectification notice not signed for in time: ' },
};

export default function ProposalsPage() {
  const { t, lang, named } = useLang();
  const words = useLevelWords();
  const { data, error, reload } = useLoad(() => ok(api().GET('/cycles/{cycleId}/proposals', { params: { path: { cycleId: cycleId() } } })), []);
  const [deciding, setDeciding] = useState<{ proposal: Proposal; action: Action }>();
  const [reason, setReason] = useState('');
  const { run, busy, error: decideError, clearError } = useWrite();
  // Each decision as the PUT answered it: the list is read from an index that may lag a moment behind.
  const [answered, setAnswered] = useState(new Map<string, Proposal>());
  const [notice, setNotice] = useState<{ unit: string; status: string }>();

  if (error) return <ApiErrorAlert error={error} title={t('无法读取督办提议', 'Cannot read the proposals')} />;
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
    setNotice(done.notice ? { unit: named(done.proposal.unit), status: done.notice } : undefined);
    setDeciding(undefined);
    void reload();
  };
  const decide = () => deciding && send(deciding.proposal, deciding.action, reason);
  const retryable = t(
    '操作未完成，可重试（重试不会重复记录或重复发送）',
    'Not done: you may try again (a retry records and sends nothing twice)',
  );
  /** What a proposal is about, as its row and its buttons name it. */
  const about = (p: Proposal) => t(`${p.unit.name}${p.deliverable.name}`, `${named(p.unit)} ${named(p.deliverable)}`);
  const confirming = deciding?.action === 'confirm';
  const decidingUnit = deciding ? named(deciding.proposal.unit) : '';

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <div>
        <Typography.Title level={2} style={{ marginBottom: 4 }}>{t('督办提议', 'Proposals')}</Typography.Title>
        <Typography.Text type="secondary">
          {t(
            `逾期经提醒和督办仍未办结的，系统按工作方案拟稿通报批评并提请挂牌督办，由${words.office}确认印发或撤销。`,
            'Where a deadline has passed and reminders and escalations have not helped, the system drafts a public '
              + `criticism (通报批评) and proposes supervision (挂牌督办) as the plan says; ${words.office} confirms `
              + 'and issues it, or withdraws it.',
          )}
        </Typography.Text>
      </div>
      {awaiting > 0
        ? <Alert type="warning" showIcon
          title={t(`有 ${awaiting} 项督办提议待确认`, `${awaiting} proposal${awaiting === 1 ? '' : 's'} to confirm`)} />
        : <Alert type="success" showIcon title={t('没有待确认的督办提议', 'No proposals to confirm')} />}
      {notice && (notice.status === 'sent' || notice.status === 'already-sent'
        ? (
          <Alert type="success" showIcon closable title={t(
            `通报批评已发往${notice.unit}打传办（抄送分管领导），待其签收`,
            `The public criticism has been sent to the ${notice.unit} office (copied to the leader in charge), `
              + 'to be signed for',
          )} />
        ) : (
          <Alert type="error" showIcon closable title={notice.status === 'suppressed'
            ? t(
              `通报批评已确认，但邮件未能发往${notice.unit}（该邮箱已退信，请先修正通讯录），请以其他方式送达`,
              `The public criticism is confirmed, but the email to ${notice.unit} did not go out (the address bounced: `
                + 'correct the contact first); deliver it another way',
            )
            : t(
              `通报批评已确认，但邮件未能发往${notice.unit}（邮件服务拒收），请以其他方式送达`,
              `The public criticism is confirmed, but the email to ${notice.unit} did not go out `
                + '(the mail service refused it); deliver it another way',
            )} />
        ))}
      {!deciding && <ApiErrorAlert error={decideError} title={retryable} />}
      {/* One row per proposal, its draft text under it: 1366 px wide, a screen holds a dozen. */}
      <Table<Proposal>
        rowKey="proposalId"
        dataSource={proposals}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        locale={{ emptyText: <Empty description={t('尚无督办提议', 'No proposals yet')} /> }}
        size="middle"
        expandable={{
          expandedRowRender: (p) => (
            <Typography.Paragraph style={{ margin: 0, textIndent: lang === 'zh' ? '2em' : 0 }}>
              {p.text[lang]}
            </Typography.Paragraph>
          ),
          defaultExpandAllRows: false,
          expandRowByClick: false,
        }}
        columns={[
          {
            title: t('单位', 'Unit'),
            key: 'unit',
            width: 110,
            render: (_, p) => <Link to={`/units/${p.unit.unitId}`}>{named(p.unit)}</Link>,
          },
          {
            title: t('事项', 'About'),
            key: 'what',
            render: (_, p) => t(`${ABOUT[p.about].zh}${p.deliverable.name}`, `${ABOUT[p.about].en}${named(p.deliverable)}`),
          },
          {
            title: t('截止时间（北京时间）', 'Deadline (Beijing time)'),
            key: 'dueAt',
            width: 190,
            render: (_, p) => p.dueAt[lang],
          },
          { title: t('拟稿时间', 'Drafted'), key: 'proposedAt', width: 170, render: (_, p) => p.proposedAt[lang] },
          {
            title: t('状态', 'State'),
            key: 'status',
            width: 100,
            render: (_, p) => <Tag color={STATUS[p.status].color}>{STATUS[p.status][lang]}</Tag>,
          },
          {
            title: t('操作', 'Actions'),
            key: 'actions',
            width: 260,
            render: (_, p) =>
              p.status === 'proposed' ? (
                <Space>
                  <Button size="small" type="primary" danger onClick={() => open(p, 'confirm')}
                    aria-label={t(`确认印发：${about(p)}`, `Confirm and issue: ${about(p)}`)}>
                    {t('确认印发', 'Confirm and issue')}
                  </Button>
                  <Button size="small" onClick={() => open(p, 'withdraw')}
                    aria-label={t(`撤销：${about(p)}`, `Withdraw: ${about(p)}`)}>
                    {t('撤销', 'Withdraw')}
                  </Button>
                </Space>
              ) : (
                <Space orientation="vertical" size={0}>
                  <Typography.Text type="secondary">
                    {p.decidedBy}{t('，', ', ')}{p.decidedAt?.[lang]}
                    {p.reason && (p.status === 'confirmed'
                      ? t(`；意见：${p.reason}`, `; note: ${p.reason}`)
                      : t(`；理由：${p.reason}`, `; reason: ${p.reason}`))}
                  </Typography.Text>
                  {p.status === 'confirmed' && (
                    <Button size="small" type="link" style={{ padding: 0 }} loading={busy?.startsWith(p.proposalId)}
                      aria-label={t(`补发通报：${about(p)}`, `Send again: ${about(p)}`)}
                      onClick={() => send(p, 'confirm')}>
                      {t('补发通报', 'Send again')}
                    </Button>
                  )}
                </Space>
              ),
          },
        ]}
      />
      <Modal open={!!deciding}
        title={confirming
          ? t(`确认印发：对${decidingUnit}的通报批评`, `Confirm and issue: public criticism (通报批评) of ${decidingUnit}`)
          : t(`撤销督办提议：${decidingUnit}`, `Withdraw the proposal: ${decidingUnit}`)}
        okText={confirming ? t('确认印发', 'Confirm and issue') : t('撤销提议', 'Withdraw proposal')}
        cancelText={t('取消', 'Cancel')}
        confirmLoading={!!busy}
        okButtonProps={{ danger: confirming, disabled: deciding?.action === 'withdraw' && !reason.trim() }}
        onOk={decide} onCancel={() => setDeciding(undefined)} destroyOnHidden>
        <Form layout="vertical">
          <Form.Item htmlFor="proposal-reason" required={deciding?.action === 'withdraw'} label={confirming
            ? t('意见（可选，随通报发给该单位）', 'Note (optional, sent to the unit with the criticism)')
            : t('撤销理由（必填）', 'Reason for withdrawing (required)')}>
            <Input.TextArea id="proposal-reason" rows={3} maxLength={500} showCount value={reason} onChange={(e) => setReason(e.target.value)} />
          </Form.Item>
        </Form>
        {confirming && (
          <Typography.Text type="secondary">
            {t(
              '确认后，通报批评即发往该单位打传办（抄送分管领导），并须签收。',
              "Once confirmed, the public criticism goes to the unit's office (copied to the leader in charge), "
                + 'which must sign for it.',
            )}
          </Typography.Text>
        )}
        <ApiErrorAlert error={decideError} title={retryable} />
      </Modal>
    </Space>
  );
}
