/**
 * 修改通讯录: one unit's office and leader (name, email, phone) as they should be, and why. The API checks the
 * input and names each field it refuses, refuses an edit made from a version someone else changed since
 * (saying who and when), keeps every version, and marks a replaced address that had bounced as fixed.
 */
import { Form, Input, Modal, Typography } from 'antd';
import { api, cycleId, ok } from '../../../api/client';
import { ApiErrorAlert } from '../../../components/ApiErrorAlert';
import { useWrite } from '../../../components/useWrite';
import { useLang } from '../../../i18n';
import { roleLabel, type DirectoryUnit } from './roles';

type Role = 'office' | 'leader';
type Values = Record<`${Role}${'Name' | 'Email' | 'Phone'}` | 'reason', string | undefined>;

export function EditContactsDialog({ unit, onClose, onSaved }: { unit: DirectoryUnit; onClose: () => void; onSaved: (message: string) => void }) {
  const { t, named } = useLang();
  const [form] = Form.useForm<Values>();
  const { run, busy, error } = useWrite();
  const contact = (role: Role) => unit.contacts.find((c) => c.role === role);
  const initial = Object.fromEntries((['office', 'leader'] as const).flatMap((role) => [
    [`${role}Name`, contact(role)?.name ?? ''], [`${role}Email`, contact(role)?.email ?? ''], [`${role}Phone`, contact(role)?.phone ?? ''],
  ]));

  const save = async (v: Values) => {
    const trimmed = (s: string | undefined) => s?.trim() || undefined;
    const as = (role: Role) => ({
      ...(trimmed(v[`${role}Name`]) ? { name: trimmed(v[`${role}Name`]) } : {}),
      email: trimmed(v[`${role}Email`]) ?? '',
      ...(trimmed(v[`${role}Phone`]) ? { phone: trimmed(v[`${role}Phone`]) } : {}),
    });
    const body = { version: unit.version, office: as('office'), leader: as('leader'), ...(trimmed(v.reason) ? { reason: trimmed(v.reason) } : {}) };
    const done = await run(`edit#${unit.unitId}#${JSON.stringify(body)}`, (key) => ok(api().PUT('/cycles/{cycleId}/units/{unitId}/contacts', {
      params: { path: { cycleId: cycleId(), unitId: unit.unitId }, header: { 'Idempotency-Key': key } },
      body,
    })));
    if (!done) return;
    const name = named(unit);
    const fixed = done.fixed.length ? t(`；退信地址 ${done.fixed.join('、')} 已标记为已更正`, `; ${done.fixed.join(', ')}, which bounced, is marked fixed`) : '';
    onSaved(done.changed
      ? t(`已保存${name}的通讯录（第 ${done.unit.version} 版）${fixed}`, `Saved the contacts of ${name} (version ${done.unit.version})${fixed}`)
      : t(`${name}的通讯录没有变化，未保存新版本`, `Nothing changed in the contacts of ${name}; no new version`));
  };

  const fields = (role: Role) => (
    <fieldset style={{ border: 0, padding: 0, margin: 0, display: 'grid', gridTemplateColumns: '1fr 1.6fr 1fr', columnGap: 12 }}>
      <legend style={{ fontWeight: 600, fontSize: 14, marginBottom: 8 }}>{roleLabel(t, role)}</legend>
      <Form.Item label={role === 'office' ? t('办公室名称', 'Office name') : t('分管领导姓名', 'Leader’s name')} name={`${role}Name`}>
        <Input maxLength={60} />
      </Form.Item>
      <Form.Item label={t(`${roleLabel(t, role)}邮箱`, `${roleLabel(t, role)} email`)} name={`${role}Email`}>
        <Input maxLength={254} inputMode="email" autoComplete="off" />
      </Form.Item>
      <Form.Item label={t(`${roleLabel(t, role)}电话`, `${roleLabel(t, role)} phone`)} name={`${role}Phone`}>
        <Input maxLength={30} inputMode="tel" autoComplete="off" />
      </Form.Item>
    </fieldset>
  );

  const title = t(`修改通讯录：${unit.name}`, `Edit contacts: ${named(unit)}`);
  return (
    <Modal open title={title} okText={t('保存', 'Save')} cancelText={t('取消', 'Cancel')} confirmLoading={!!busy}
      onOk={() => form.submit()} onCancel={onClose} destroyOnHidden width={760}>
      <Typography.Paragraph type="secondary">
        {t(`在第 ${unit.version} 版上修改；保存后，此后的提醒、督办、回执和通知都发往新地址。`,
          `Editing version ${unit.version}; once saved, every later reminder, escalation, receipt and notice goes to the new address.`)}
      </Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={save} initialValues={initial}>
        {fields('office')}
        {fields('leader')}
        <Form.Item label={t('修改理由（记入操作日志）', 'Why (kept in the audit log)')} name="reason">
          <Input maxLength={200} />
        </Form.Item>
        <ApiErrorAlert error={error} title={t('通讯录未修改', 'The contacts were not changed')} />
      </Form>
    </Modal>
  );
}
