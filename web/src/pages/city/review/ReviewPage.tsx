/**
 * 初评: the city office reads the version under review (narrative, figures, files) and approves it or
 * returns it with reasons and the last day to rectify by. The decision goes out with one Idempotency-Key per
 * intent; a decision another city user already made comes back as a 409 the API words (who, when).
 */
import { Alert, Button, Card, DatePicker, Descriptions, Form, Input, List, Radio, Skeleton, Space, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, cycleId, ok } from '../../../api/client';
import { ApiErrorAlert } from '../../../components/ApiErrorAlert';
import { useWrite } from '../../../components/useWrite';
import { useLoad } from '../../../components/useLoad';
import { dateText } from '../../../time';
import { Figures } from '../../county/submit/Versions';

interface DecisionForm {
  outcome: 'approved' | 'returned';
  reason?: string;
  rectificationLastDay?: Dayjs;
}

export default function ReviewPage() {
  const { unitId = '' } = useParams();
  const where = { cycleId: cycleId(), unitId };
  const overview = useLoad(() => ok(api().GET('/cycles/{cycleId}/units/{unitId}', { params: { path: where } })), [unitId]);
  const reviewed = overview.data?.phases.flatMap((p) => p.deliverables).find((d) => d.deliverableId === overview.data?.review.deliverableId);
  const latest = reviewed?.latestVersion ?? 0;
  const version = useLoad(
    async () => (latest > 0 && reviewed
      ? ok(api().GET('/cycles/{cycleId}/units/{unitId}/deliverables/{deliverableId}/versions/{version}', {
        params: { path: { ...where, deliverableId: reviewed.deliverableId, version: String(latest) } },
      }))
      : undefined),
    [unitId, latest, reviewed?.deliverableId],
  );
  const [done, setDone] = useState<string>();
  const { run, busy, error } = useWrite();
  const [form] = Form.useForm<DecisionForm>();
  const outcome = Form.useWatch('outcome', form);

  if (overview.error) return <ApiErrorAlert error={overview.error} title="无法读取该单位" />;
  if (!overview.data || !reviewed) return <Skeleton active />;
  const { review, unit } = overview.data;
  const v = version.data;

  const decide = async (values: DecisionForm) => {
    const body = {
      outcome: values.outcome,
      version: latest,
      ...(values.outcome === 'returned'
        ? { reason: values.reason, ...(values.rectificationLastDay ? { rectificationLastDay: values.rectificationLastDay.format('YYYY-MM-DD') } : {}) }
        : {}),
    };
    const out = await run(`${review.round}#${JSON.stringify(body)}`, (key) => ok(api().PUT('/cycles/{cycleId}/units/{unitId}/reviews/{round}/decision', {
      params: { path: { ...where, round: String(review.round) }, header: { 'Idempotency-Key': key } },
      body,
    })));
    if (!out) return;
    setDone(`第 ${out.decision.round} 轮初评已${out.decision.outcome === 'approved' ? '通过' : '退回整改'}`);
    await overview.reload();
  };

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <div>
        <Typography.Title level={2} style={{ marginBottom: 4 }}>初评：{unit.name}</Typography.Title>
        <Space>
          <span>{reviewed.name}，第 {review.round} 轮{review.outcome ? `（结果：${review.outcome.outcome === 'qualified' ? '合格' : '不合格'}）` : ''}</span>
          <Link to="/overview">返回总览</Link>
        </Space>
      </div>
      <Card title={<h3 style={{ margin: 0 }}>{latest ? `第 ${latest} 版` : '尚未报送'}</h3>}>
        <ApiErrorAlert error={version.error} />
        {v && (
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Descriptions column={1} size="small" bordered>
              <Descriptions.Item label="收到时间">{v.receivedAt.zh}（{v.onTime ? '按时' : '逾期'}）</Descriptions.Item>
              <Descriptions.Item label="说明">{v.narrative ?? v.selfAssessment?.narrative ?? '—'}</Descriptions.Item>
            </Descriptions>
            {v.selfAssessment && <Figures figures={v.selfAssessment.figures} />}
            <List header="文件" dataSource={v.documents} locale={{ emptyText: '未附文件' }}
              renderItem={(d) => (
                <List.Item actions={[<a key="open" href={d.downloadUrl} target="_blank" rel="noreferrer" aria-label={`下载 ${d.fileName}`}>下载</a>]}>
                  {d.fileName}（{d.size} 字节，链接有效至 {d.linkExpiresAt.zh}）
                </List.Item>
              )} />
          </Space>
        )}
      </Card>
      {review.decisions.length > 0 && (
        <Card title={<h3 style={{ margin: 0 }}>历轮决定</h3>}>
          <List dataSource={review.decisions} renderItem={(d) => (
            <List.Item>
              第 {d.round} 轮：{d.outcome === 'approved' ? '通过' : '退回整改'}，{d.decidedBy} 于 {d.decidedAt.zh}
              {d.reason ? `；意见：${d.reason}` : ''}{d.rectificationLastDay ? `；整改截止 ${dateText(d.rectificationLastDay)}` : ''}
            </List.Item>
          )} />
        </Card>
      )}
      {!review.outcome && latest > 0 && (
        <Card title={<h3 style={{ margin: 0 }}>作出决定</h3>}>
          {done && <Alert type="success" showIcon title={done} style={{ marginBottom: 16 }} />}
          <Form form={form} layout="vertical" onFinish={decide} initialValues={{ outcome: 'approved' }}>
            <Form.Item label="初评决定" name="outcome">
              <Radio.Group options={[{ value: 'approved', label: '通过' }, { value: 'returned', label: '退回整改' }]} />
            </Form.Item>
            {outcome === 'returned' && (
              <>
                <Form.Item label="整改意见" name="reason" rules={[{ required: true, message: '退回整改须写明整改意见' }]}>
                  <Input.TextArea rows={3} />
                </Form.Item>
                <Form.Item label="整改截止日（北京时间，含当日；不填按计划规定）" name="rectificationLastDay">
                  <DatePicker />
                </Form.Item>
              </>
            )}
            <ApiErrorAlert error={error} title="决定未生效" />
            <Button type="primary" htmlType="submit" loading={!!busy} style={{ marginTop: 8 }}>提交决定</Button>
          </Form>
        </Card>
      )}
    </Space>
  );
}
