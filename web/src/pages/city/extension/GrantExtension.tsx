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
import { dateText } from '../../../time';

interface ExtensionForm {
  lastDay?: Dayjs;
  reason?: string;
}

export function GrantExtension({ unitId, deliverableId, name, onGranted }: { unitId: string; deliverableId: string; name: string; onGranted: () => void }) {
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
    setDone(`已批准延期：${name}截止日改为 ${dateText(out.lastDay)}`);
    setOpen(false);
    form.resetFields();
    onGranted();
  };

  return (
    <>
      <Button size="small" onClick={() => setOpen(true)} aria-label={`批准延期：${name}`}>批准延期</Button>
      {done && <Alert type="success" showIcon title={done} style={{ marginTop: 8 }} />}
      <Modal open={open} title={`批准延期：${name}`} okText="批准延期" cancelText="取消" confirmLoading={!!busy}
        onOk={() => form.submit()} onCancel={() => setOpen(false)} destroyOnHidden>
        <Form form={form} layout="vertical" onFinish={grant}>
          <Form.Item label="新的截止日（北京时间，含当日）" name="lastDay" rules={[{ required: true, message: '请选择新的截止日' }]}>
            <DatePicker style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item label="延期理由" name="reason" rules={[{ required: true, message: '请写明延期理由' }]}>
            <Input maxLength={500} />
          </Form.Item>
          <ApiErrorAlert error={error} title="延期未批准" />
        </Form>
      </Modal>
    </>
  );
}
