/**
 * A unit's cross-inspection in one window (交叉检查, issue 10): the sample (its published inputs to verify it
 * folded away), one record per sampled community (合格/不合格, notes, evidence files uploaded through the
 * presigned form and checked by the server), and the score sheet on the plan's rubric (deductions with their
 * reasons, bonus points, 一票否决 items) with the score the server computes.
 *
 * The group's inspector and the city office record while the window is open (after the draw, until its last
 * day, by the server's clock); before and after, and for the unit's own office, the page is read-only and says
 * why. A stale edit (someone recorded meanwhile) is the API's 409: who recorded and when, and a reload.
 */
import { Alert, Button, Card, Collapse, Descriptions, Form, Input, InputNumber, Radio, Skeleton, Space, Table, Tag, Typography, Upload } from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, cycleId, ok } from '../../api/client';
import type { paths } from '../../api/schema';
import { useAuth } from '../../auth/AuthContext';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { uploadFile } from '../../components/upload';
import { useLoad } from '../../components/useLoad';
import { useWrite } from '../../components/useWrite';
import { useLang, type Translate } from '../../i18n';
import { conflictOf, fieldProblems, otherProblems, type Conflict } from './problems';
import { WINDOW_STATE, windowStateLabel } from './words';

type Sample = paths['/cycles/{cycleId}/units/{unitId}/sample']['get']['responses'][200]['content']['application/json'];
type Results = paths['/cycles/{cycleId}/units/{unitId}/inspection/{windowId}/results']['get']['responses'][200]['content']['application/json'];
type Score = paths['/cycles/{cycleId}/units/{unitId}/inspection/{windowId}/score']['get']['responses'][200]['content']['application/json'];
type Sampled = Results['communities'][number];
type RubricItem = Score['rubric'][number];

export default function UnitInspectionPage() {
  const { unitId = '', windowId = '' } = useParams();
  const { t, lang, named } = useLang();
  const { me } = useAuth();
  const [resultSaved, setResultSaved] = useState<Record<number, string>>({});
  const [scoreSaved, setScoreSaved] = useState<Saved>();
  const path = { cycleId: cycleId(), unitId, windowId };
  const sample = useLoad(() => ok(api().GET('/cycles/{cycleId}/units/{unitId}/sample', { params: { path: { cycleId: cycleId(), unitId } } })), [unitId]);
  const results = useLoad(() => ok(api().GET('/cycles/{cycleId}/units/{unitId}/inspection/{windowId}/results', { params: { path } })), [unitId, windowId]);
  const score = useLoad(() => ok(api().GET('/cycles/{cycleId}/units/{unitId}/inspection/{windowId}/score', { params: { path } })), [unitId, windowId]);

  const failed = results.error ?? score.error;
  if (failed) return <ApiErrorAlert error={failed} title={t('无法读取该单位的交叉检查', "Cannot read the unit's cross-inspection")} />;
  if (!results.data || !score.data) return <Skeleton active />;
  const r = results.data;
  const { window } = r;
  const recorder = me?.role === 'city' || me?.role === 'inspector';
  const open = recorder && window.state === 'open';
  const readOnly = readOnlyReason(t, { recorder, state: window.state, drawAt: window.drawAt[lang], closes: window.closes });
  const canRecordResults = open && r.sampleStatus === 'drawn';

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <div>
        <Typography.Title level={2} style={{ marginBottom: 4 }}>
          {named(r.unit)} · {t('交叉检查', 'Cross-inspection')}
        </Typography.Title>
        <Space wrap>
          {recorder && <Link to="/inspections">{t('返回交叉检查', 'Back to the cross-inspection')}</Link>}
          <span>{named(r.group)}</span>
          <span>{named(window)} {window.opens} – {window.closes}</span>
          <Tag color={WINDOW_STATE[window.state].color}>{windowStateLabel(t, window.state)}</Tag>
        </Space>
      </div>
      {readOnly && <Alert type="info" showIcon title={readOnly} />}
      {r.sampleStatus === 'no-roster' && (
        <Alert type="warning" showIcon title={t('该单位抽样时未登记社区/村名单，没有抽查社区；考核评分表仍可记录', 'The unit had no registered roster at the draw: no community was sampled; the score sheet is still recorded')} />
      )}

      <SampleCard sample={sample.data} error={sample.error} />

      <Card title={t('抽查社区检查结果', 'Results of the sampled communities')} size="small">
        {r.communities.length === 0 ? (
          <Typography.Text type="secondary">{t('暂无抽查社区', 'No sampled community')}</Typography.Text>
        ) : (
          <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
            <Typography.Text>
              {t(`已记录 ${r.communities.filter((c) => c.result).length}/${r.communities.length}`, `${r.communities.filter((c) => c.result).length} of ${r.communities.length} recorded`)}
              {r.standing.sampledPassRate !== null && t(`，抽查合格率 ${Math.round(r.standing.sampledPassRate * 100)}%`, `, sampled pass rate ${Math.round(r.standing.sampledPassRate * 100)}%`)}
            </Typography.Text>
            {r.communities.map((c) => (
              // A new version remounts the row: its draft starts from what is stored.
              <CommunityResult key={`${c.position}:${c.result?.version ?? 0}`} community={c} editable={canRecordResults} path={path} reload={results.reload}
                saved={resultSaved[c.position]} onSaved={(m) => setResultSaved((all) => ({ ...all, [c.position]: m }))} />
            ))}
          </Space>
        )}
      </Card>

      <ScoreSheet key={score.data.sheet?.version ?? 0} score={score.data} editable={open} path={path} reload={score.reload} saved={scoreSaved} onSaved={setScoreSaved} />
    </Space>
  );
}

function readOnlyReason(t: Translate, s: { recorder: boolean; state: keyof typeof WINDOW_STATE; drawAt: string; closes: string }): string | null {
  if (!s.recorder) return t('检查结果与考核评分由检查组记录，本单位只能查看', 'The inspection group records the results and the score; the unit reads them');
  if (s.state === 'before-draw') return t(`本检查时段尚未抽样（抽取时间 ${s.drawAt}）：抽样之后才能记录`, `Not drawn yet (draw at ${s.drawAt}): results are recorded after the draw`);
  if (s.state === 'closed') return t(`检查时段已于 ${s.closes} 结束，记录只读`, `The window closed on ${s.closes}: the records are read-only`);
  return null;
}

function SampleCard({ sample, error }: { sample: Sample | undefined; error: unknown }) {
  const { t, lang } = useLang();
  if (error) return <ApiErrorAlert error={error} title={t('无法读取抽样结果', 'Cannot read the sample')} />;
  if (!sample) return <Skeleton active />;
  const drawn = sample.sample;
  if (!drawn || drawn.status !== 'drawn') return null;
  return (
    <Card title={t('抽样结果', 'The sample')} size="small">
      <ol>{drawn.sample.map((c) => <li key={c.position}>{c.name}（{c.contact.name} {c.contact.telephone}）</li>)}</ol>
      <Collapse size="small" items={[{
        key: 'verify',
        label: t('复核数据（公开的抽样输入）', 'Verify it (the published inputs of the draw)'),
        children: (
          <Descriptions size="small" column={1}>
            <Descriptions.Item label={t('抽取时间（北京时间）', 'Drawn at (Beijing)')}>{drawn.drawnAt[lang]}</Descriptions.Item>
            <Descriptions.Item label={t('名单版本', 'Roster version')}>{drawn.inputs?.rosterVersion}</Descriptions.Item>
            <Descriptions.Item label={t('名单 SHA-256', 'Roster SHA-256')}><Typography.Text code>{drawn.inputs?.rosterSha256}</Typography.Text></Descriptions.Item>
            <Descriptions.Item label={t('计划 SHA-256', 'Plan SHA-256')}><Typography.Text code>{drawn.inputs?.planSha256}</Typography.Text></Descriptions.Item>
            <Descriptions.Item label={t('随机种子', 'Seed')}><Typography.Text code>{drawn.seed}</Typography.Text></Descriptions.Item>
            <Descriptions.Item label={t('复核命令', 'Verify with')}><Typography.Text code copyable>{sample.verify}</Typography.Text></Descriptions.Item>
          </Descriptions>
        ),
      }]} />
    </Card>
  );
}

type Where = { cycleId: string; unitId: string; windowId: string };

function ConflictAlert({ conflict, reload }: { conflict: Conflict; reload: () => Promise<void> }) {
  const { t } = useLang();
  return (
    <Alert type="warning" showIcon role="alert"
      title={t('已有他人记录了新版本，未保存', 'Someone recorded a newer version: not saved')}
      description={<>
        <div>{conflict.message}</div>
        {conflict.recordedBy && <div>{t(`记录人：${conflict.recordedBy}，时间：${conflict.recordedAt?.zh ?? ''}（第 ${conflict.version} 版）`, `Recorded by ${conflict.recordedBy} on ${conflict.recordedAt?.en ?? ''} (version ${conflict.version})`)}</div>}
        <Button style={{ marginTop: 8 }} onClick={() => void reload()}>{t('重新加载', 'Reload')}</Button>
      </>}
    />
  );
}

/** One sampled community: its recorded result, and while open the form to record a (new) version. */
function CommunityResult({ community, editable, path, reload, saved, onSaved }: {
  community: Sampled; editable: boolean; path: Where; reload: () => Promise<void>;
  /** What the last save said (kept by the page: a saved version remounts this row). */
  saved?: string; onSaved(message: string): void;
}) {
  const { t } = useLang();
  const stored = community.result;
  const [passed, setPassed] = useState<boolean | undefined>(stored?.passed);
  const [notes, setNotes] = useState(stored?.notes ?? '');
  const [evidence, setEvidence] = useState<Array<{ uploadId: string; fileName: string }>>(stored?.evidence.map((e) => ({ uploadId: e.uploadId, fileName: e.fileName })) ?? []);
  const [uploading, setUploading] = useState<{ name: string; percent: number } | null>(null);
  const [uploadError, setUploadError] = useState<unknown>();
  const write = useWrite();
  const id = `community-${community.position}`;

  const addFile = (file: File) => {
    setUploading({ name: file.name, percent: 0 });
    setUploadError(undefined);
    uploadFile({ cycleId: path.cycleId, unitId: path.unitId }, file, (percent) => setUploading({ name: file.name, percent }))
      .then((check) => {
        if (check.status === 'checked') setEvidence((all) => [...all, { uploadId: check.uploadId, fileName: check.fileName }]);
        else setUploadError(new Error(check.rejection?.message ?? t('文件未通过核验', 'The file did not pass the check')));
      })
      .catch(setUploadError)
      .finally(() => setUploading(null));
    return false;
  };

  const save = async () => {
    const body = { version: stored?.version ?? 0, community: community.name, passed: passed as boolean, notes, evidence: evidence.map((e) => e.uploadId) };
    const done = await write.run(`result#${path.unitId}#${JSON.stringify(body)}`, (key) =>
      ok(api().PUT('/cycles/{cycleId}/units/{unitId}/inspection/{windowId}/results', { params: { path, header: { 'Idempotency-Key': key } }, body })));
    if (done) {
      onSaved(done.recorded ? t(`已保存为第 ${done.result.version} 版`, `Saved as version ${done.result.version}`) : t('与已记录的相同，未重复保存', 'Same as recorded: nothing saved again'));
      await reload();
    }
  };
  const conflict = conflictOf(write.error);
  const fields = ['passed', 'notes', 'evidence'];
  const rest = otherProblems(write.error, (p) => fields.some((f) => p === f || p.startsWith(`${f}[`)));

  return (
    <section aria-labelledby={`${id}-name`} style={{ borderTop: '1px solid #f0f0f0', paddingTop: 12 }}>
      <Space wrap>
        <Typography.Text strong id={`${id}-name`}>{community.position}. {community.name}</Typography.Text>
        {stored ? <Tag color={stored.passed ? 'success' : 'error'}>{stored.passed ? t('合格', 'Pass') : t('不合格', 'Fail')}</Tag> : <Tag>{t('未记录', 'Not recorded')}</Tag>}
        {stored && <Typography.Text type="secondary">{t(`第 ${stored.version} 版 · ${stored.recordedBy} · ${stored.recordedAt.zh}`, `Version ${stored.version} · ${stored.recordedBy} · ${stored.recordedAt.en}`)}</Typography.Text>}
      </Space>
      {!editable && stored && (
        <div>
          {stored.notes && <div>{stored.notes}</div>}
          {stored.evidence.length > 0 && <ul>{stored.evidence.map((e) => <li key={e.uploadId}>{e.fileName}</li>)}</ul>}
        </div>
      )}
      {editable && (
        <Form layout="vertical" style={{ marginTop: 8 }} onFinish={save}>
          <Form.Item label={t('检查结论', 'Verdict')} required {...fieldProblems(write.error, 'passed')}>
            <Radio.Group aria-label={t(`${community.name} 检查结论`, `${community.name}: verdict`)} value={passed} onChange={(e) => setPassed(e.target.value as boolean)}
              options={[{ value: true, label: t('合格', 'Pass') }, { value: false, label: t('不合格', 'Fail') }]} />
          </Form.Item>
          <Form.Item label={t('检查说明', 'Notes')} htmlFor={`${id}-notes`} {...fieldProblems(write.error, 'notes')}>
            <Input.TextArea id={`${id}-notes`} rows={2} value={notes} onChange={(e) => setNotes(e.target.value)} />
          </Form.Item>
          <Form.Item label={t('佐证材料', 'Evidence')} {...fieldProblems(write.error, 'evidence')}>
            <Space orientation="vertical" style={{ width: '100%' }}>
              {evidence.map((e) => (
                <Space key={e.uploadId}>
                  <span>{e.fileName}</span>
                  <Button size="small" onClick={() => setEvidence((all) => all.filter((x) => x.uploadId !== e.uploadId))} aria-label={t(`移除 ${e.fileName}`, `Remove ${e.fileName}`)}>{t('移除', 'Remove')}</Button>
                </Space>
              ))}
              {uploading && <Typography.Text type="secondary">{t(`正在上传 ${uploading.name}：${uploading.percent}%`, `Uploading ${uploading.name}: ${uploading.percent}%`)}</Typography.Text>}
              <Upload beforeUpload={addFile} showUploadList={false}>
                <Button aria-label={t(`为 ${community.name} 添加佐证材料`, `Add evidence for ${community.name}`)}>{t('添加佐证材料', 'Add evidence')}</Button>
              </Upload>
              {uploadError ? <ApiErrorAlert error={uploadError} title={t('文件未能上传', 'The file was not uploaded')} /> : null}
            </Space>
          </Form.Item>
          {conflict ? <ConflictAlert conflict={conflict} reload={reload} /> : write.error && !(fields.some((f) => fieldProblems(write.error, f).help) && rest.length === 0) ? (
            <ApiErrorAlert error={write.error} title={t('检查结果未保存', 'The result was not saved')} />
          ) : write.error ? <Alert type="error" showIcon role="alert" title={t('检查结果未保存：请按提示修改', 'The result was not saved: see the fields')} /> : null}
          {saved && !write.error && <Alert type="success" showIcon title={saved} />}
          <Button type="primary" htmlType="submit" loading={write.busy !== undefined} disabled={uploading !== null}>
            {t(`保存 ${community.name} 的检查结果`, `Save the result of ${community.name}`)}
          </Button>
        </Form>
      )}
    </section>
  );
}

type Draft = Record<string, { deduction?: number | null; bonus?: number | null; veto?: 'passed' | 'failed'; reason: string }>;

const KIND: Record<RubricItem['kind'], { zh: string; en: string }> = {
  standard: { zh: '标准项', en: 'Standard' },
  bonus: { zh: '加分项', en: 'Bonus' },
  deduction: { zh: '扣分项', en: 'Deduction' },
  veto: { zh: '一票否决', en: 'Veto' },
};

/** The score sheet on the plan's rubric; the score is the server's (shown after a save and on the page). */
interface Saved { score: number; total: number; recorded: boolean; vetoFailed: string[] }

function ScoreSheet({ score, editable, path, reload, saved, onSaved }: {
  score: Score; editable: boolean; path: Where; reload: () => Promise<void>; saved?: Saved; onSaved(s: Saved): void;
}) {
  const { t } = useLang();
  const sheet = score.sheet;
  const [draft, setDraft] = useState<Draft>(() => Object.fromEntries(score.rubric.map((i) => {
    const s = sheet?.items.find((x) => x.itemId === i.id);
    return [i.id, { deduction: s?.deduction ?? 0, bonus: s?.bonus ?? 0, veto: s?.veto ?? undefined, reason: s?.reason ?? '' }];
  })));
  const write = useWrite();
  const set = (id: string, patch: Partial<Draft[string]>) => setDraft((d) => ({ ...d, [id]: { ...d[id], ...patch } }));

  const save = async () => {
    const items = score.rubric.map((i) => {
      const d = draft[i.id];
      const reason = d.reason.trim();
      return {
        itemId: i.id,
        ...(i.kind === 'standard' || i.kind === 'deduction' ? { deduction: d.deduction ?? 0 } : {}),
        ...(i.kind === 'bonus' ? { bonus: d.bonus ?? 0 } : {}),
        ...(i.kind === 'veto' && d.veto ? { veto: d.veto } : {}),
        ...(reason ? { reason } : {}),
      };
    });
    const body = { version: sheet?.version ?? 0, items };
    const done = await write.run(`score#${path.unitId}#${JSON.stringify(body)}`, (key) =>
      ok(api().PUT('/cycles/{cycleId}/units/{unitId}/inspection/{windowId}/score', { params: { path, header: { 'Idempotency-Key': key } }, body })));
    if (done) {
      onSaved({ score: done.sheet.score, total: done.sheet.total, recorded: done.recorded, vetoFailed: done.sheet.vetoFailed });
      await reload();
    }
  };
  const conflict = conflictOf(write.error);
  const at = (i: number, field: string) => fieldProblems(write.error, `items[${i}].${field}`);
  const rest = otherProblems(write.error, (p) => /^items\[\d+\]\./.test(p));

  return (
    <Card title={t('考核评分表', 'Score sheet')} size="small">
      <Space orientation="vertical" style={{ width: '100%' }}>
        {sheet ? (
          <Descriptions size="small" column={1} aria-label={t('得分', 'Score')}>
            <Descriptions.Item label={t('得分（系统计算）', 'Score (computed by the server)')}>
              <Typography.Text strong data-testid="inspection-score">{sheet.score} / {sheet.total}</Typography.Text>
              {sheet.vetoFailed.length > 0 && <Tag color="error" style={{ marginInlineStart: 8 }}>{t('一票否决', 'Vetoed')}</Tag>}
            </Descriptions.Item>
            <Descriptions.Item label={t('排名', 'Rank')}>{score.rank ?? t('不排名', 'Not ranked')}</Descriptions.Item>
            <Descriptions.Item label={t('记录', 'Recorded')}>{t(`第 ${sheet.version} 版 · ${sheet.recordedBy} · ${sheet.recordedAt.zh}`, `Version ${sheet.version} · ${sheet.recordedBy} · ${sheet.recordedAt.en}`)}</Descriptions.Item>
          </Descriptions>
        ) : (
          <Typography.Text type="secondary">{t('尚未记录考核评分表', 'No score sheet recorded yet')}</Typography.Text>
        )}
        <Table<RubricItem>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={score.rubric}
          columns={[
            { title: t('评分项', 'Item'), key: 'title', render: (_, i) => <>{i.title} <Tag>{t(KIND[i.kind].zh, KIND[i.kind].en)}</Tag></> },
            { title: t('分值', 'Points'), dataIndex: 'maxPoints', width: 70 },
            {
              title: t('评定', 'Assessment'), key: 'points', width: 220,
              render: (_, i, n) => {
                const d = draft[i.id];
                const s = sheet?.items.find((x) => x.itemId === i.id);
                if (!editable) {
                  if (!s) return '—';
                  if (i.kind === 'veto') return s.veto === 'failed' ? <Tag color="error">{t('否决', 'Failed')}</Tag> : <Tag color="success">{t('未否决', 'Passed')}</Tag>;
                  if (i.kind === 'bonus') return t(`加 ${s.bonus} 分`, `+${s.bonus}`);
                  return t(`扣 ${s.deduction} 分`, `−${s.deduction}`);
                }
                if (i.kind === 'veto')
                  return (
                    <Form.Item style={{ margin: 0 }} {...at(n, 'veto')}>
                      <Radio.Group aria-label={t(`${i.title}：一票否决`, `${i.title}: veto`)} value={d.veto} onChange={(e) => set(i.id, { veto: e.target.value as 'passed' | 'failed' })}
                        options={[{ value: 'passed', label: t('未否决', 'Passed') }, { value: 'failed', label: t('否决', 'Failed') }]} />
                    </Form.Item>
                  );
                const field = i.kind === 'bonus' ? 'bonus' : 'deduction';
                return (
                  <Form.Item style={{ margin: 0 }} {...at(n, field)}>
                    <InputNumber aria-label={t(`${i.title}：${field === 'bonus' ? '加分' : '扣分'}`, `${i.title}: ${field === 'bonus' ? 'points awarded' : 'deduction'}`)}
                      min={0} step={0.5} value={d[field] ?? 0} onChange={(v) => set(i.id, { [field]: v })} style={{ width: 100 }} />
                  </Form.Item>
                );
              },
            },
            {
              title: t('理由', 'Reason'), key: 'reason',
              render: (_, i, n) => {
                if (!editable) return sheet?.items.find((x) => x.itemId === i.id)?.reason ?? '';
                return (
                  <Form.Item style={{ margin: 0 }} {...at(n, 'reason')}>
                    <Input aria-label={t(`${i.title}：理由`, `${i.title}: reason`)} value={draft[i.id].reason} onChange={(e) => set(i.id, { reason: e.target.value })} />
                  </Form.Item>
                );
              },
            },
          ]}
        />
        {conflict && <ConflictAlert conflict={conflict} reload={reload} />}
        {!conflict && write.error ? (
          rest.length === 0 && (write.error as { status?: number }).status === 400
            ? <Alert type="error" showIcon role="alert" title={t('考核评分未保存：请按各项提示修改', 'The score sheet was not saved: see the items')} />
            : <ApiErrorAlert error={write.error} title={t('考核评分未保存', 'The score sheet was not saved')} />
        ) : null}
        {saved && !write.error && (
          <Alert type="success" showIcon role="status"
            title={saved.recorded
              ? t(`已保存，得分 ${saved.score} / ${saved.total}${saved.vetoFailed.length ? '（一票否决）' : ''}`, `Saved: score ${saved.score} / ${saved.total}${saved.vetoFailed.length ? ' (vetoed)' : ''}`)
              : t('与已记录的相同，未重复保存', 'Same as recorded: nothing saved again')} />
        )}
        {editable && (
          <Button type="primary" loading={write.busy !== undefined} onClick={save}>{t('保存考核评分表', 'Save the score sheet')}</Button>
        )}
      </Space>
    </Card>
  );
}
