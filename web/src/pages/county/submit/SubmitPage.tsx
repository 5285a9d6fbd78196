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

  if (overview.error) return <ApiErrorAlert error={overview.error} title="无法读取本单位的应报材料" />;
  if (!overview.data) return <Skeleton active />;
  const data = overview.data;
  const deliverable = data.phases.flatMap((p) => p.deliverables).find((d) => d.deliverableId === deliverableId);
  if (!deliverable) return <ApiErrorAlert error={new Error(`本周期没有应报材料“${deliverableId}”`)} />;
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
          {deliverable.name}
        </Typography.Title>
        <Space>
          {rectifying ? (
            <span>
              第 {rectifying.round} 轮整改截止：{rectifying.dueAt.zh}（北京时间）
              {rectifying.daysLeft !== null ? `，还剩 ${dayCount(rectifying.daysLeft, data.dayCounting)}` : '，已过期'}
              <Typography.Text type="secondary">（原截止 {deliverable.dueAt.zh}）</Typography.Text>
            </span>
          ) : <span>截止：{deliverable.dueAt.zh}（北京时间）</span>}
          <StateTag deliverable={deliverable} review={data.review} />
          <Link to={`/units/${unitId}`}>返回工作台</Link>
        </Space>
      </div>
      {county && (
        <Card title={<h3 style={{ margin: 0 }}>报送新版本</h3>}>
          <Form layout="vertical" onFinish={submit}>
            <Form.Item label="上传文件">
              <Upload beforeUpload={choose} showUploadList={false} multiple>
                <Button>选择文件</Button>
              </Upload>
              <List
                dataSource={files}
                locale={{ emptyText: '尚未选择文件' }}
                renderItem={(f) => (
                  <List.Item>
                    <Space orientation="vertical" style={{ width: '100%' }}>
                      <span>{f.name}</span>
                      {!f.error && <Progress percent={f.percent} size="small" status={f.check?.status === 'rejected' ? 'exception' : undefined} aria-label={`${f.name} 上传进度`} />}
                      {f.check?.status === 'checked' && (
                        <Typography.Text type="success">已核验：{f.check.size} 字节，SHA-256 {f.check.sha256}</Typography.Text>
                      )}
                      {f.check?.rejection && <ApiErrorAlert error={new Error(f.check.rejection.message)} />}
                      {f.error ? <ApiErrorAlert error={f.error} /> : null}
                    </Space>
                  </List.Item>
                )}
              />
            </Form.Item>
            <Form.Item label={isSelfAssessment ? '自评说明' : '报送说明'} htmlFor="narrative">
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
            <ApiErrorAlert error={error} title="报送未成功" />
            <Space>
              {isSelfAssessment && <Button onClick={runPreview}>预览自评结果</Button>}
              <Button type="primary" htmlType="submit" loading={!!busy}
                disabled={files.some((f) => !f.check && !f.error) || (isSelfAssessment && !previewed?.canSubmit)}>
                确认报送
              </Button>
            </Space>
          </Form>
        </Card>
      )}
      {result && (
        <Card title={<h3 style={{ margin: 0 }}>已收到第 {result.version} 版</h3>}>
          <Descriptions column={1} size="small">
            <Descriptions.Item label="是否按时">{result.onTime ? '按时' : '逾期'}</Descriptions.Item>
            <Descriptions.Item label="回执">
              <Link to={`/units/${unitId}/deliverables/${deliverableId}/versions/${result.version}/receipt`}>查看并打印回执</Link>
            </Descriptions.Item>
          </Descriptions>
          {result.figures && <Figures figures={result.figures} />}
          {result.findings.length > 0 && (
            <List header="不足之处" dataSource={result.findings} renderItem={(p) => <List.Item>{p.message}</List.Item>} />
          )}
        </Card>
      )}
      <VersionsList unitId={unitId} deliverableId={deliverableId} data={versions.data} error={versions.error} />
    </Space>
  );
}

/** The server's preview: figures, where the county falls short (it may still submit), what it must fix first. */
function PreviewResult({ preview, error, stale }: { preview?: Preview; error: unknown; stale: boolean }) {
  if (error) return <ApiErrorAlert error={error} title="预览未成功" />;
  if (stale) return <Alert type="info" showIcon title="内容已修改，请重新预览后再确认报送" style={{ marginBottom: 16 }} />;
  if (!preview) return <Typography.Paragraph type="secondary">请先预览：服务器计算覆盖率、合格率与自评得分，并列出不足之处。</Typography.Paragraph>;
  return (
    <Card size="small" title="预览（未保存）" style={{ marginBottom: 16 }} role="region" aria-label="预览结果">
      <Figures figures={preview.figures} />
      {preview.errors.length > 0 && (
        <List header={<Typography.Text type="danger">须改正后才能报送</Typography.Text>} dataSource={preview.errors}
          renderItem={(p) => <List.Item><code>{p.path}</code> {p.message}</List.Item>} />
      )}
      {preview.findings.length > 0 && (
        <List header="不足之处（仍可报送）" dataSource={preview.findings} renderItem={(p) => <List.Item>{p.message}</List.Item>} />
      )}
    </Card>
  );
}
