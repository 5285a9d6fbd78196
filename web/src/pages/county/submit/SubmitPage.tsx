/**
 * 报送: choose files (each uploaded with a progress bar and checked by the server), write the narrative,
 * for the self-assessment report the plan's score sheet (self-score and evidence per item) and the community
 * roster (typed in or imported from .xlsx/.csv), preview the server's figures and findings, then confirm. A retry of the
 * same submission sends the same Idempotency-Key, so it never makes a second version. Below: every version
 * with its receipt.
 */
import { Alert, Button, Card, Descriptions, Form, Input, List, Progress, Skeleton, Space, Typography, Upload } from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, cycleId, ok } from '../../../api/client';
import type { paths } from '../../../api/schema';
import { useAuth } from '../../../auth/AuthContext';
import { ApiErrorAlert } from '../../../components/ApiErrorAlert';
import { useWrite } from '../../../components/useWrite';
import { dayCount } from '../../../time';
import { StateTag } from '../../../components/StateTag';
import { uploadFile, type UploadCheck } from '../../../components/upload';
import { useLoad } from '../../../components/useLoad';
import { useLang } from '../../../i18n';
import { RosterEditor, type RosterRow } from './RosterEditor';
import { RubricEditor, scoresBody, type Scores } from './RubricEditor';
import { Figures, VersionsList } from './Versions';

type Preview = paths['/cycles/{cycleId}/units/{unitId}/deliverables/{deliverableId}/self-assessment/preview']['post']['responses'][200]['content']['application/json'];
type Submitted = paths['/cycles/{cycleId}/units/{unitId}/deliverables/{deliverableId}/versions']['post']['responses'][201]['content']['application/json'];
interface Uploading {
  name: string;
  percent: number;
  check?: UploadCheck;
  error?: unknown;
}

export default function SubmitPage() {
  const { unitId = '', deliverableId = '' } = useParams();
  const { me } = useAuth();
  const { t, named } = useLang();
  const where = { cycleId: cycleId(), unitId };
  const overview = useLoad(() => ok(api().GET('/cycles/{cycleId}/units/{unitId}', { params: { path: where } })), [unitId]);
  const versions = useLoad(() => ok(api().GET('/cycles/{cycleId}/units/{unitId}/submissions', { params: { path: where } })), [unitId]);
  const [files, setFiles] = useState<Uploading[]>([]);
  const [narrative, setNarrative] = useState('');
  const [roster, setRoster] = useState<RosterRow[]>([]);
  const [scores, setScores] = useState<Scores>({});
  // The preview and the exact body it was made for: confirming needs a preview of what is sent.
  const [preview, setPreview] = useState<{ body: string; result: Preview }>();
  const [previewError, setPreviewError] = useState<unknown>();
  const [result, setResult] = useState<Submitted>();
  const { run, busy, error } = useWrite();

  if (overview.error) {
    return <ApiErrorAlert error={overview.error} title={t('无法读取本单位的应报材料', "Cannot read this unit's deliverables")} />;
  }
  if (!overview.data) return <Skeleton active />;
  const data = overview.data;
  const deliverable = data.phases.flatMap((p) => p.deliverables).find((d) => d.deliverableId === deliverableId);
  if (!deliverable) {
    const missing = t(`本周期没有应报材料“${deliverableId}”`, `This cycle has no deliverable "${deliverableId}"`);
    return <ApiErrorAlert error={new Error(missing)} />;
  }
  const isSelfAssessment = data.review.deliverableId === deliverableId;
  const county = me?.role === 'county';
  const checked = files.filter((f) => f.check?.status === 'checked').map((f) => f.check!.uploadId);

  const choose = (file: File) => {
    const index = files.length;
    const update = (patch: Partial<Uploading>) => setFiles((all) => all.map((f, i) => (i === index ? { ...f, ...patch } : f)));
    setFiles((all) => [...all, { name: file.name, percent: 0 }]);
    uploadFile(where, file, (percent) => update({ percent }))
      .then((check) => update({ check, percent: 100 }))
      .catch((e: unknown) => update({ error: e }));
    return false;
  };

  const selfAssessment = { narrative: narrative || '（未填写）', scores: scoresBody(data.rubric, scores), roster };
  const body = {
    narrative: narrative || undefined,
    documents: checked,
    ...(isSelfAssessment ? { selfAssessment } : {}),
  };
  const previewed = preview?.body === JSON.stringify(body) ? preview.result : undefined;
  const runPreview = async () => {
    setPreviewError(undefined);
    const text = JSON.stringify(body);
    try {
      const result = await ok(api().POST('/cycles/{cycleId}/units/{unitId}/deliverables/{deliverableId}/self-assessment/preview', {
        params: { path: { ...where, deliverableId } },
        body: { selfAssessment },
      }));
      setPreview({ body: text, result });
    } catch (e) {
      setPreview(undefined);
      setPreviewError(e);
    }
  };
  const submit = async () => {
    const out = await run(JSON.stringify(body), (key) => ok(
      api().POST('/cycles/{cycleId}/units/{unitId}/deliverables/{deliverableId}/versions', {
        params: { path: { ...where, deliverableId }, header: { 'Idempotency-Key': key } },
        body,
      }),
    ));
    if (!out) return;
    setResult(out);
    setFiles([]);
    await Promise.all([versions.reload(), overview.reload()]);
  };

  // Returned for rectification: the deadline that counts now is the rectification's (the API's to say).
  const rectifying = deliverable.deliverableId === data.review.deliverableId ? data.review.rectification : null;
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <div>
        <Typography.Title level={2} style={{ marginBottom: 4 }}>
          {named(deliverable)}
        </Typography.Title>
        <Space>
          {rectifying ? (
            <span>
              {t(
                `第 ${rectifying.round} 轮整改截止：${rectifying.dueAt.zh}（北京时间）`,
                `Rectification (限期整改) round ${rectifying.round} due: ${rectifying.dueAt.en} (Beijing time)`,
              )}
              {rectifying.daysLeft !== null
                ? t(`，还剩 ${dayCount(rectifying.daysLeft, data.dayCounting)}`,
                  `, ${dayCount(rectifying.daysLeft, data.dayCounting)} left`)
                : t('，已过期', ', overdue')}
              <Typography.Text type="secondary">
                {t(`（原截止 ${deliverable.dueAt.zh}）`, ` (first due ${deliverable.dueAt.en})`)}
              </Typography.Text>
            </span>
          ) : <span>{t(`截止：${deliverable.dueAt.zh}（北京时间）`, `Due: ${deliverable.dueAt.en} (Beijing time)`)}</span>}
          <StateTag deliverable={deliverable} review={data.review} />
          <Link to={`/units/${unitId}`}>{t('返回工作台', 'Back to the workbench')}</Link>
        </Space>
      </div>
      {county && (
        <Card title={<h3 style={{ margin: 0 }}>{t('报送新版本', 'Submit a new version')}</h3>}>
          <Form layout="vertical" onFinish={submit}>
            <Form.Item label={t('上传文件', 'Upload files')}>
              <Upload beforeUpload={choose} showUploadList={false} multiple>
                <Button>{t('选择文件', 'Choose files')}</Button>
              </Upload>
              <List
                dataSource={files}
                locale={{ emptyText: t('尚未选择文件', 'No files chosen yet') }}
                renderItem={(f) => (
                  <List.Item>
                    <Space orientation="vertical" style={{ width: '100%' }}>
                      <span>{f.name}</span>
                      {!f.error && (
                        <Progress percent={f.percent} size="small"
                          status={f.check?.status === 'rejected' ? 'exception' : undefined}
                          aria-label={t(`${f.name} 上传进度`, `${f.name} upload progress`)} />
                      )}
                      {f.check?.status === 'checked' && (
                        <Typography.Text type="success">
                          {t(
                            `已核验：${f.check.size} 字节，SHA-256 ${f.check.sha256}`,
                            `Checked: ${f.check.size} bytes, SHA-256 ${f.check.sha256}`,
                          )}
                        </Typography.Text>
                      )}
                      {f.check?.rejection && <ApiErrorAlert error={new Error(f.check.rejection.message)} />}
                      {f.error ? <ApiErrorAlert error={f.error} /> : null}
                    </Space>
                  </List.Item>
                )}
              />
            </Form.Item>
            <Form.Item htmlFor="narrative"
              label={isSelfAssessment ? t('自评说明', 'Self-assessment narrative') : t('报送说明', 'Notes')}>
              <Input.TextArea id="narrative" rows={4} value={narrative} onChange={(e) => setNarrative(e.target.value)} />
            </Form.Item>
            {isSelfAssessment && (
              <Form.Item>
                <RubricEditor rubric={data.rubric} scores={scores} onChange={setScores}
                  files={files.filter((f) => f.check?.status === 'checked').map((f) => ({ uploadId: f.check!.uploadId, name: f.name }))} />
              </Form.Item>
            )}
            {isSelfAssessment && <RosterEditor rows={roster} onChange={setRoster} />}
            {isSelfAssessment && <PreviewResult preview={previewed} error={previewError} stale={Boolean(preview) && !previewed} />}
            <ApiErrorAlert error={error} title={t('报送未成功', 'Not submitted')} />
            <Space>
              {isSelfAssessment && <Button onClick={runPreview}>{t('预览自评结果', 'Preview the self-assessment')}</Button>}
              <Button type="primary" htmlType="submit" loading={!!busy}
                disabled={files.some((f) => !f.check && !f.error) || (isSelfAssessment && !previewed?.canSubmit)}>
                {t('确认报送', 'Confirm and submit')}
              </Button>
            </Space>
          </Form>
        </Card>
      )}
      {result && (
        <Card title={(
          <h3 style={{ margin: 0 }}>{t(`已收到第 ${result.version} 版`, `Version ${result.version} received`)}</h3>
        )}>
          <Descriptions column={1} size="small">
            <Descriptions.Item label={t('是否按时', 'On time')}>
              {result.onTime ? t('按时', 'On time') : t('逾期', 'Late')}
            </Descriptions.Item>
            <Descriptions.Item label={t('回执', 'Receipt')}>
              <Link to={`/units/${unitId}/deliverables/${deliverableId}/versions/${result.version}/receipt`}>
                {t('查看并打印回执', 'View and print the receipt')}
              </Link>
            </Descriptions.Item>
          </Descriptions>
          {result.figures && <Figures figures={result.figures} />}
          {result.findings.length > 0 && (
            <List header={t('不足之处', 'Shortcomings')} dataSource={result.findings}
              renderItem={(p) => <List.Item>{p.message}</List.Item>} />
          )}
        </Card>
      )}
      <VersionsList unitId={unitId} deliverableId={deliverableId} data={versions.data} error={versions.error} />
    </Space>
  );
}

/** The server's preview: figures, where the county falls short (it may still submit), what it must fix first. */
function PreviewResult({ preview, error, stale }: { preview?: Preview; error: unknown; stale: boolean }) {
  const { t } = useLang();
  if (error) return <ApiErrorAlert error={error} title={t('预览未成功', 'Preview failed')} />;
  if (stale) {
    return (
      <Alert type="info" showIcon style={{ marginBottom: 16 }}
        title={t('内容已修改，请重新预览后再确认报送', 'Changed since the preview: preview again before you submit')} />
    );
  }
  if (!preview) {
    return (
      <Typography.Paragraph type="secondary">
        {t(
          '请先预览：服务器计算覆盖率、合格率与自评得分，并列出不足之处。',
          'Preview first: the server computes the coverage, the pass rate and the self-score, '
            + 'and lists any shortcomings.',
        )}
      </Typography.Paragraph>
    );
  }
  return (
    <Card size="small" title={t('预览（未保存）', 'Preview (not saved)')} style={{ marginBottom: 16 }} role="region"
      aria-label={t('预览结果', 'Preview result')}>
      <Figures figures={preview.figures} />
      {preview.errors.length > 0 && (
        <List
          header={<Typography.Text type="danger">{t('须改正后才能报送', 'To correct before you can submit')}</Typography.Text>}
          dataSource={preview.errors} renderItem={(p) => <List.Item><code>{p.path}</code> {p.message}</List.Item>} />
      )}
      {preview.findings.length > 0 && (
        <List header={t('不足之处（仍可报送）', 'Shortcomings (you may still submit)')} dataSource={preview.findings}
          renderItem={(p) => <List.Item>{p.message}</List.Item>} />
      )}
    </Card>
  );
}
