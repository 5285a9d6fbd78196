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
import { useLang } from '../../../i18n';
import { dateText } from '../../../time';
import { Figures } from '../../county/submit/Versions';

interface DecisionForm {
  outcome: 'approved' | 'returned';
  reason?: string;
  rectificationLastDay?: Dayjs;
}

export default function ReviewPage() {
  const { unitId = '' } = useParams();
  const { t, named } = useLang();
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
  // The PDF being read: the first one until another is chosen.
  const [read, setRead] = useState<string>();
  const pdfs = version.data?.documents.filter((d) => d.viewUrl) ?? [];
  const reading = pdfs.find((d) => d.uploadId === read) ?? pdfs[0];
  const { run, busy, error } = useWrite();
  const [form] = Form.useForm<DecisionForm>();
  const outcome = Form.useWatch('outcome', form);

  if (overview.error) return <ApiErrorAlert error={overview.error} title={t('无法读取该单位', 'Cannot read this unit')} />;
  if (!overview.data || !reviewed) return <Skeleton active />;
  const { review, unit } = overview.data;
  const v = version.data;
  const qualified = review.outcome?.outcome === 'qualified';
  const decided = (outcome: 'approved' | 'returned') =>
    (outcome === 'approved' ? t('通过', 'Approved') : t('退回整改', 'Returned for rectification'));

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
    const round = out.decision.round;
    setDone(out.decision.outcome === 'approved'
      ? t(`第 ${round} 轮初评已通过`, `Round ${round} of the preliminary review: approved`)
      : t(`第 ${round} 轮初评已退回整改`, `Round ${round} of the preliminary review: returned for rectification`));
    await overview.reload();
  };

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <div>
        <Typography.Title level={2} style={{ marginBottom: 4 }}>
          {t(`初评：${unit.name}`, `Preliminary review: ${named(unit)}`)}
        </Typography.Title>
        <Space>
          <span>
            {t(`${reviewed.name}，第 ${review.round} 轮`, `${named(reviewed)}, round ${review.round}`)}
            {review.outcome && (qualified
              ? t('（结果：合格）', ' (result: qualified)')
              : t('（结果：不合格）', ' (result: not qualified)'))}
          </span>
          <Link to="/overview">{t('返回总览', 'Back to the overview')}</Link>
        </Space>
      </div>
      <Card title={(
        <h3 style={{ margin: 0 }}>
          {latest ? t(`第 ${latest} 版`, `Version ${latest}`) : t('尚未报送', 'Nothing submitted yet')}
        </h3>
      )}>
        <ApiErrorAlert error={version.error} />
        {v && (
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Descriptions column={1} size="small" bordered>
              <Descriptions.Item label={t('收到时间', 'Received')}>
                {v.onTime
                  ? t(`${v.receivedAt.zh}（按时）`, `${v.receivedAt.en} (on time)`)
                  : t(`${v.receivedAt.zh}（逾期）`, `${v.receivedAt.en} (late)`)}
              </Descriptions.Item>
              <Descriptions.Item label={t('说明', 'Narrative')}>
                {v.narrative ?? v.selfAssessment?.narrative ?? '—'}
              </Descriptions.Item>
            </Descriptions>
            {v.selfAssessment && <Figures figures={v.selfAssessment.figures} />}
            <List header={t('文件', 'Files')} dataSource={v.documents} locale={{ emptyText: t('未附文件', 'No files') }}
              renderItem={(d) => (
                <List.Item actions={[
                  ...(d.viewUrl ? [
                    <Button key="read" type="link" disabled={reading?.uploadId === d.uploadId} onClick={() => setRead(d.uploadId)}
                      aria-label={t(`阅读 ${d.fileName}`, `Read ${d.fileName}`)}>
                      {t('阅读', 'Read')}
                    </Button>,
                  ] : []),
                  <a key="open" href={d.downloadUrl} target="_blank" rel="noreferrer"
                    aria-label={t(`下载 ${d.fileName}`, `Download ${d.fileName}`)}>
                    {t('下载', 'Download')}
                  </a>,
                ]}>
                  {t(
                    `${d.fileName}（${d.size} 字节，链接有效至 ${d.linkExpiresAt.zh}）`,
                    `${d.fileName} (${d.size} bytes; link valid until ${d.linkExpiresAt.en})`,
                  )}
                </List.Item>
              )} />
            {/* A PDF is read here, in the browser's own viewer (served from the documents bucket with an inline
                disposition); Word files and images are downloaded. */}
            {reading?.viewUrl && (
              <iframe key={reading.uploadId} src={reading.viewUrl} title={t(`正在阅读：${reading.fileName}`, `Reading: ${reading.fileName}`)}
                style={{ width: '100%', height: 640, border: '1px solid #d9d9d9', marginTop: 12 }} />
            )}
          </Space>
        )}
      </Card>
      {review.decisions.length > 0 && (
        <Card title={<h3 style={{ margin: 0 }}>{t('历轮决定', 'Decisions so far')}</h3>}>
          <List dataSource={review.decisions} renderItem={(d) => (
            <List.Item>
              {t(
                `第 ${d.round} 轮：${decided(d.outcome)}，${d.decidedBy} 于 ${d.decidedAt.zh}`,
                `Round ${d.round}: ${decided(d.outcome)}, by ${d.decidedBy} on ${d.decidedAt.en}`,
              )}
              {d.reason && t(`；意见：${d.reason}`, `; reasons: ${d.reason}`)}
              {d.rectificationLastDay
                && t(`；整改截止 ${dateText(d.rectificationLastDay)}`, `; rectify by ${dateText(d.rectificationLastDay)}`)}
            </List.Item>
          )} />
        </Card>
      )}
      {!review.outcome && latest > 0 && (
        <Card title={<h3 style={{ margin: 0 }}>{t('作出决定', 'Decide')}</h3>}>
          {done && <Alert type="success" showIcon title={done} style={{ marginBottom: 16 }} />}
          <Form form={form} layout="vertical" onFinish={decide} initialValues={{ outcome: 'approved' }}>
            <Form.Item label={t('初评决定', 'Decision')} name="outcome">
              <Radio.Group options={[
                { value: 'approved', label: decided('approved') },
                { value: 'returned', label: decided('returned') },
              ]} />
            </Form.Item>
            {outcome === 'returned' && (
              <>
                <Form.Item label={t('整改意见', 'What to rectify')} name="reason"
                  rules={[{ required: true, message: t('退回整改须写明整改意见', 'Say what to rectify') }]}>
                  <Input.TextArea rows={3} />
                </Form.Item>
                <Form.Item name="rectificationLastDay" label={t(
                  '整改截止日（北京时间，含当日；不填按计划规定）',
                  "Rectify by (Beijing time, inclusive; leave empty for the plan's period)",
                )}>
                  <DatePicker />
                </Form.Item>
              </>
            )}
            <ApiErrorAlert error={error} title={t('决定未生效', 'Decision not recorded')} />
            <Button type="primary" htmlType="submit" loading={!!busy} style={{ marginTop: 8 }}>
              {t('提交决定', 'Submit decision')}
            </Button>
          </Form>
        </Card>
      )}
    </Space>
  );
}
