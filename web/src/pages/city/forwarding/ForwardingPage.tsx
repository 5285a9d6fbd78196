/**
 * 上报确认: the qualifying list as the recorded outcomes have it, its state (when the office is asked, when it goes
 * up, who confirmed it and when, the rungs climbed if it is late), the confirmation (after a dialog, once), and
 * 通报表扬 for qualified units. Nothing is decided here: the list, the states and the instants come from the API.
 */
import { Alert, Button, Checkbox, Descriptions, Form, Input, Modal, Skeleton, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api, cycleId, ok } from '../../../api/client';
import type { paths } from '../../../api/schema';
import { ApiErrorAlert } from '../../../components/ApiErrorAlert';
import { useLoad } from '../../../components/useLoad';
import { useWrite } from '../../../components/useWrite';
import { useLang } from '../../../i18n';
import { useLevelWords } from '../../../levels';

type Forwarding = paths['/cycles/{cycleId}/forwarding']['get']['responses'][200]['content']['application/json'];
type UnitInfo = Forwarding['list']['qualified'][number];

const STATE: Record<Forwarding['state'], { zh: string; en: string; color: string }> = {
  'not-yet-requested': { zh: '尚未提请确认', en: 'Not asked yet', color: 'default' },
  'awaiting-confirmation': { zh: '待确认', en: 'To confirm', color: 'warning' },
  overdue: { zh: '逾期未确认（未上报）', en: 'Overdue: not confirmed, not sent', color: 'error' },
  confirmed: { zh: '已确认，待上报', en: 'Confirmed, to be sent', color: 'processing' },
  forwarded: { zh: '已上报', en: 'Sent', color: 'success' },
  'not-forwarded': { zh: '未上报（周期已结束）', en: 'Not sent (the cycle closed)', color: 'default' },
};

export default function ForwardingPage() {
  const { t, lang, named } = useLang();
  const words = useLevelWords();
  const { data, error, reload } = useLoad(() => ok(api().GET('/cycles/{cycleId}/forwarding', { params: { path: { cycleId: cycleId() } } })), []);
  const [confirming, setConfirming] = useState(false);
  const [note, setNote] = useState('');
  const [commending, setCommending] = useState(false);
  const [chosen, setChosen] = useState<string[]>([]);
  const [text, setText] = useState('');
  const [done, setDone] = useState<string>();
  const { run, busy, error: writeError, clearError } = useWrite();

  if (error) return <ApiErrorAlert error={error} title={t('无法读取上报名单', 'Cannot read the list')} />;
  if (!data) return <Skeleton active />;
  const sup = t(data.superior.shortName, data.superior.shortNameEn);
  const names = (units: UnitInfo[]) => (units.length ? units.map((u) => named(u)).join(t('、', ', ')) : t('无', 'none'));

  const confirm = async () => {
    const body = note.trim() ? { note: note.trim() } : {};
    const r = await run(`confirm#${JSON.stringify(body)}`, (key) => ok(api().PUT('/cycles/{cycleId}/forwarding/confirmation', {
      params: { path: { cycleId: cycleId() }, header: { 'Idempotency-Key': key } },
      body,
    })));
    if (!r) return;
    setConfirming(false);
    setDone(r.recorded
      ? t('名单已确认，将按期上报（上报日期已过的，立即上报）', 'The list is confirmed: it goes on the forwarding date (at once if that has passed)')
      : t(`名单此前已由 ${r.confirmation.confirmedBy} 确认，未重复记录`, `The list was already confirmed by ${r.confirmation.confirmedBy}; nothing was recorded again`));
    void reload();
  };
  const commend = async () => {
    const body = { units: chosen, text: text.trim() };
    const r = await run(`commend#${JSON.stringify(body)}`, (key) => ok(api().POST('/cycles/{cycleId}/commendations', {
      params: { path: { cycleId: cycleId() }, header: { 'Idempotency-Key': key } },
      body,
    })));
    if (!r) return;
    setCommending(false);
    setChosen([]);
    setText('');
    setDone(r.issued
      ? t(`通报表扬已发往${r.units.map((u) => u.unit.name).join('、')}`, `The commendation went to ${r.units.map((u) => named(u.unit)).join(', ')}`)
      : t('该通报表扬此前已发出，未重复发送', 'This commendation was already issued; nothing was sent again'));
  };

  const rows = [
    ...data.list.qualified.map((u) => ({ unit: u, result: 'qualified' as const })),
    ...data.list.notQualified.map((u) => ({ unit: u, result: 'not-qualified' as const })),
    ...data.list.pending.map((u) => ({ unit: u, result: 'pending' as const })),
  ];
  const RESULT = {
    qualified: { zh: '初评合格', en: 'Passing', color: 'success' },
    'not-qualified': { zh: '未通过', en: 'Not passing', color: 'error' },
    pending: { zh: '尚无结果', en: 'No outcome yet', color: 'default' },
  };

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <div>
        <Typography.Title level={2} style={{ marginBottom: 4 }}>{t('上报确认', 'Sign-off')}</Typography.Title>
        <Typography.Text type="secondary">
          {t(
            `初评合格名单须经${words.office}确认后方可上报${sup}；逾期未确认的，名单不上报，并逐级督办。`,
            `The list goes to ${sup} only once ${words.office} has confirmed it; an unconfirmed list is not sent, and is escalated.`,
          )}
        </Typography.Text>
      </div>
      {done && <Alert type="success" showIcon closable title={done} onClose={() => setDone(undefined)} />}
      {!confirming && !commending && <ApiErrorAlert error={writeError} title={t('操作未完成，可重试（不会重复记录或发送）', 'Not done: you may try again (nothing is recorded or sent twice)')} />}
      <Descriptions bordered size="small" column={1} items={[
        { key: 'state', label: t('状态', 'State'), children: <Tag color={STATE[data.state].color}>{STATE[data.state][lang]}</Tag> },
        { key: 'requestAt', label: t('提请确认时间（北京时间）', 'Asked on (Beijing time)'), children: data.requestAt[lang] },
        { key: 'forwardAt', label: t('上报时间（北京时间）', 'Goes up on (Beijing time)'), children: data.forwardAt[lang] },
        ...(data.confirmation ? [{
          key: 'confirmation', label: t('确认', 'Confirmed'),
          children: `${data.confirmation.confirmedBy}${t('，', ', ')}${data.confirmation.confirmedAt[lang]}${data.confirmation.note ? t(`；意见：${data.confirmation.note}`, `; note: ${data.confirmation.note}`) : ''}`,
        }] : []),
        ...(data.forwarded ? [{ key: 'forwarded', label: t('已上报', 'Sent'), children: data.forwarded.at[lang] }] : []),
        ...(data.escalations.length ? [{
          key: 'escalations', label: t('督办', 'Escalations'),
          children: data.escalations.map((e) => `${e.milestone} → ${e.to}${e.sentAt ? `（${e.sentAt[lang]}）` : ''}`).join(t('；', '; ')),
        }] : []),
      ]} />
      {data.list.pending.length > 0 && (
        <Alert type="info" showIcon title={t(
          `尚有 ${data.list.pending.length} 个单位没有初评结果（${names(data.list.pending)}），全部产生后方可确认`,
          `${data.list.pending.length} unit(s) have no outcome yet (${names(data.list.pending)}); the list can be confirmed once all have one`,
        )} />
      )}
      <Table
        rowKey={(r) => r.unit.unitId}
        dataSource={rows}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        size="middle"
        columns={[
          { title: t('单位', 'Unit'), key: 'unit', render: (_, r) => named(r.unit) },
          { title: t('初评结果', 'Outcome'), key: 'result', render: (_, r) => <Tag color={RESULT[r.result].color}>{RESULT[r.result][lang]}</Tag> },
        ]}
      />
      <Space>
        <Button type="primary" disabled={!data.confirmable} onClick={() => { setNote(''); clearError(); setConfirming(true); }}>
          {t('确认上报名单', 'Confirm the list')}
        </Button>
        <Button disabled={data.list.qualified.length === 0} onClick={() => { clearError(); setCommending(true); }}>
          {t('通报表扬', 'Commend units')}
        </Button>
      </Space>
      <Modal open={confirming} title={t(`确认上报${sup}的初评合格名单`, `Confirm the list going to ${sup}`)}
        okText={t('确认', 'Confirm')} cancelText={t('取消', 'Cancel')} confirmLoading={!!busy}
        onOk={confirm} onCancel={() => setConfirming(false)} destroyOnHidden>
        <Typography.Paragraph>
          {t(`初评合格：${names(data.list.qualified)}`, `Passing: ${names(data.list.qualified)}`)}
          <br />
          {t(`未通过：${names(data.list.notQualified)}`, `Not passing: ${names(data.list.notQualified)}`)}
        </Typography.Paragraph>
        <Typography.Paragraph type="secondary">
          {t('名单即各单位已记录的初评结果，确认后不可更改；只确认一次。', 'The list is the recorded outcomes; once confirmed it does not change, and it is confirmed once.')}
        </Typography.Paragraph>
        <Form layout="vertical">
          <Form.Item htmlFor="confirmation-note" label={t('意见（可选）', 'Note (optional)')}>
            <Input id="confirmation-note" maxLength={500} showCount value={note} onChange={(e) => setNote(e.target.value)} />
          </Form.Item>
        </Form>
        <ApiErrorAlert error={writeError} title={t('未能确认，可重试', 'Not confirmed: you may try again')} />
      </Modal>
      <Modal open={commending} title={t('通报表扬', 'Commend units')}
        okText={t('发出通报表扬', 'Issue the commendation')} cancelText={t('取消', 'Cancel')} confirmLoading={!!busy}
        okButtonProps={{ disabled: chosen.length === 0 || !text.trim() }}
        onOk={commend} onCancel={() => setCommending(false)} destroyOnHidden>
        <Form layout="vertical">
          <Form.Item label={t('表扬单位（初评合格）', 'Units (passing)')} required>
            <Checkbox.Group value={chosen} onChange={(v) => setChosen(v as string[])}
              options={data.list.qualified.map((u) => ({ value: u.unitId, label: named(u) }))} />
          </Form.Item>
          <Form.Item htmlFor="commendation-text" label={t('表扬内容', 'Text')} required>
            <Input.TextArea id="commendation-text" rows={4} maxLength={2000} showCount value={text} onChange={(e) => setText(e.target.value)} />
          </Form.Item>
        </Form>
        <Typography.Text type="secondary">
          {t('发往所选单位打传办（抄送分管领导），列入其消息；同一表扬只发一次。', "Goes to each unit's office (the leader in copy) and into its messages; the same commendation goes once.")}
        </Typography.Text>
        <ApiErrorAlert error={writeError} title={t('未能发出，可重试', 'Not issued: you may try again')} />
      </Modal>
    </Space>
  );
}
