/**
 * 批准延期 (city office): a new last day (Beijing, inclusive) and the reason, for one unit's deliverable. The
 * API decides whether the day can stand (after the current deadline, within the cycle) and says why not,
 * naming the field; the unit is notified and its later reminders move.
 */
import { Alert, Button, DatePicker, Form, Input, Modal } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { api, cycleId, ok } from '../../../api/client';
import { ApiErrorAlert } from '../../../components/ApiErrorAlert';
import { useWrite } from '../../../components/useWrite';
import { useLang } from '../../../i18n';
import { dateText } from '../../../time';

interface ExtensionForm {
  lastDay?: Dayjs;
  reason?: string;
}

/** `name` is the deliverable's name as the page shows it (in the interface language). */
export function GrantExtension({ unitId, deliverableId, name, onGranted }: {
  unitId: string;
  deliverableId: string;
  name: string;
  onGranted: () => void;
}) {
  const { t } = useLang();
  const [open, setOpen] = useState(false);
  const [done, setDone] = useState<string>();
  const [form] = Form.useForm<ExtensionForm>();
  const { run, busy, error } = useWrite();

  const grant = async (values: ExtensionForm) => {
    const body = { lastDay: values.lastDay?.format('YYYY-MM-DD') ?? '', reason: values.reason ?? '' };
    const out = await run(JSON.stringify(body), (key) => ok(api().POST('/cycles/{cycleId}/units/{unitId}/deliverables/{deliverableId}/extensions', {
      params: { path: { cycleId: cycleId(), unitId, deliverableId }, header: { 'Idempotency-Key': key } },
      body,
    })));
    if (!out) return;
    const lastDay = dateText(out.lastDay);
    setDone(t(`已批准延期：${name}截止日改为 ${lastDay}`, `Extension granted: ${name} is now due ${lastDay}`));
    setOpen(false);
    form.resetFields();
    onGranted();
  };

  const title = t(`批准延期：${name}`, `Grant extension: ${name}`);
  return (
    <>
      <Button size="small" onClick={() => setOpen(true)} aria-label={title}>{t('批准延期', 'Grant extension')}</Button>
      {done && <Alert type="success" showIcon title={done} style={{ marginTop: 8 }} />}
      <Modal open={open} title={title} okText={t('批准延期', 'Grant extension')} cancelText={t('取消', 'Cancel')}
        confirmLoading={!!busy}
        onOk={() => form.submit()} onCancel={() => setOpen(false)} destroyOnHidden>
        <Form form={form} layout="vertical" onFinish={grant}>
          <Form.Item label={t('新的截止日（北京时间，含当日）', 'New last day (Beijing time, inclusive)')} name="lastDay"
            rules={[{ required: true, message: t('请选择新的截止日', 'Choose the new last day') }]}>
            <DatePicker style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item label={t('延期理由', 'Reason for the extension')} name="reason"
            rules={[{ required: true, message: t('请写明延期理由', 'Give the reason for the extension') }]}>
            <Input maxLength={500} />
          </Form.Item>
          <ApiErrorAlert error={error} title={t('延期未批准', 'Extension not granted')} />
        </Form>
      </Modal>
    </>
  );
}
