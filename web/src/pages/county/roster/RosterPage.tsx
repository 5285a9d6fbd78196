/**
 * 社区/村名单 (issue 10): the unit's registered roster, its versions, and its cross-inspection sample with the
 * published inputs to verify it. The unit's office registers a new version by pasting its list, one
 * community a line (`名称,社区|村,是|否,联系人,电话`, as copied from a spreadsheet); the server checks every row.
 */
import { Alert, Button, Card, Descriptions, Input, Skeleton, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, cycleId, ok } from '../../../api/client';
import type { paths } from '../../../api/schema';
import { ApiErrorAlert } from '../../../components/ApiErrorAlert';
import { useLoad } from '../../../components/useLoad';
import { useWrite } from '../../../components/useWrite';
import { useAuth } from '../../../auth/AuthContext';
import { useLang } from '../../../i18n';

type Roster = paths['/cycles/{cycleId}/units/{unitId}/roster']['get']['responses'][200]['content']['application/json'];
type Community = NonNullable<Roster['current']>['communities'][number];
type Sample = paths['/cycles/{cycleId}/units/{unitId}/sample']['get']['responses'][200]['content']['application/json'];

/** One pasted line to a row; what cannot be read is sent as it is, and the server names the row and the rule. */
const parseLine = (line: string) => {
  const [name = '', kind = '', part = '', contact = '', telephone = ''] = line.split(/[,，\t]/).map((s) => s.trim());
  return { name, kind: kind === '村' || kind === 'village' ? 'village' : 'community', takingPart: !/^(否|no|n|0)$/i.test(part), contact: { name: contact, telephone } } as const;
};
const asLine = (c: Community) => [c.name, c.kindZh, c.takingPart ? '是' : '否', c.contact.name, c.contact.telephone].join(',');

export default function RosterPage() {
  const { unitId = '' } = useParams();
  const { t, lang, named } = useLang();
  const auth = useAuth();
  const roster = useLoad(() => ok(api().GET('/cycles/{cycleId}/units/{unitId}/roster', { params: { path: { cycleId: cycleId(), unitId } } })), [unitId]);
  const sample = useLoad(() => ok(api().GET('/cycles/{cycleId}/units/{unitId}/sample', { params: { path: { cycleId: cycleId(), unitId } } })), [unitId]);
  const write = useWrite();
  const [text, setText] = useState<string>();
  const own = auth.me?.unitId === unitId;

  if (roster.error) return <ApiErrorAlert error={roster.error} title={t('无法读取社区/村名单', 'Cannot read the roster')} />;
  if (!roster.data) return <Skeleton active />;
  const data: Roster = roster.data;
  const draft = text ?? (data.current?.communities.map(asLine).join('\n') ?? '');

  const register = async () => {
    const communities = draft.split('\n').map((l) => l.trim()).filter(Boolean).map(parseLine);
    const body = { version: data.version, communities };
    const done = await write.run(`roster#${unitId}#${JSON.stringify(body)}`, (key) =>
      ok(api().PUT('/cycles/{cycleId}/units/{unitId}/roster', { params: { path: { cycleId: cycleId(), unitId }, header: { 'Idempotency-Key': key } }, body })));
    if (done) {
      setText(undefined);
      await roster.reload();
    }
  };

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <div>
        <Typography.Title level={2} style={{ marginBottom: 4 }}>
          {named(data.unit)} · {t('社区/村名单', 'Roster of communities')}
        </Typography.Title>
        <Space>
          <Link to={`/units/${unitId}`}>{t('返回工作台', 'Back to the workbench')}</Link>
          {data.requirement && <Tag color="blue">{t(`登记截止：${data.requirement.lastDay}`, `Register by ${data.requirement.lastDay}`)}</Tag>}
          <Tag>{t(`当前第 ${data.version} 版`, `Version ${data.version}`)}</Tag>
        </Space>
      </div>

      <Table<Community>
        rowKey="name"
        dataSource={data.current?.communities ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        locale={{ emptyText: t('尚未登记', 'Nothing registered yet') }}
        columns={[
          { title: t('名称', 'Name'), dataIndex: 'name' },
          { title: t('类别', 'Kind'), key: 'kind', width: 90, render: (_, c) => (lang === 'zh' ? c.kindZh : c.kind) },
          { title: t('参与创建', 'Taking part'), key: 'part', width: 110, render: (_, c) => (c.takingPart ? <Tag color="green">{t('是', 'Yes')}</Tag> : <Tag>{t('否', 'No')}</Tag>) },
          { title: t('联系人', 'Contact'), key: 'contact', render: (_, c) => c.contact.name },
          { title: t('联系电话', 'Telephone'), key: 'tel', render: (_, c) => c.contact.telephone },
        ]}
      />

      {own && (
        <Card title={t('登记新版本', 'Register a new version')} size="small">
          <Space orientation="vertical" style={{ width: '100%' }}>
            {/* A visible label tied to the box, and the line format as its description. */}
            <label htmlFor="roster-text">{t('社区/村名单', 'Roster')}</label>
            <Typography.Text type="secondary" id="roster-format">
              {t('每行一个社区/村：名称,社区或村,是否参与创建(是/否),联系人,联系电话', 'One community a line: name, 社区 or 村, taking part (是/否), contact, telephone')}
            </Typography.Text>
            <Input.TextArea id="roster-text" aria-describedby="roster-format" rows={8} value={draft} onChange={(e) => setText(e.target.value)} />
            {write.error ? <ApiErrorAlert error={write.error} title={t('名单未保存', 'The roster was not saved')} /> : null}
            <Button type="primary" loading={write.busy !== undefined} onClick={register}>{t('保存为新版本', 'Save as a new version')}</Button>
          </Space>
        </Card>
      )}

      {data.history.length > 0 && (
        <Card title={t('历史版本', 'Earlier versions')} size="small">
          {data.history.map((h) => (
            <div key={h.version}>
              {t(`第 ${h.version} 版`, `Version ${h.version}`)} · {h.registeredAt[lang]} · {h.registeredBy} · {h.counts.communities} · SHA-256 {h.sha256.slice(0, 16)}…
            </div>
          ))}
        </Card>
      )}

      <SampleCard sample={sample.data} error={sample.error} />
    </Space>
  );
}

function SampleCard({ sample, error }: { sample: Sample | undefined; error: unknown }) {
  const { t, lang } = useLang();
  if (error) return <ApiErrorAlert error={error} title={t('无法读取抽样结果', 'Cannot read the sample')} />;
  if (!sample) return <Skeleton active />;
  if (!sample.inspection) return <Alert type="info" title={t('计划未安排对本单位的交叉检查', 'The plan has no cross-inspection of this unit')} />;
  const { inspection, sample: drawn, drawFailure: failure } = sample;
  return (
    <Card title={t('交叉检查抽样', 'Cross-inspection sample')} size="small">
      <Descriptions size="small" column={1}>
        <Descriptions.Item label={t('检查组', 'Group')}>{lang === 'zh' ? inspection.group.name : (inspection.group.nameEn ?? inspection.group.name)}</Descriptions.Item>
        <Descriptions.Item label={t('检查时段', 'Window')}>{inspection.window.opens} – {inspection.window.closes}</Descriptions.Item>
        <Descriptions.Item label={t('抽取时间（北京时间）', 'Draw instant (Beijing)')}>{inspection.drawAt[lang]}</Descriptions.Item>
        <Descriptions.Item label={t('抽样比例', 'Ratio')}>{inspection.ratio.numerator}/{inspection.ratio.denominator}</Descriptions.Item>
      </Descriptions>
      {!drawn && !failure && <Alert type="info" title={t('尚未到抽取时间', 'Not drawn yet')} />}
      {!drawn && failure?.state === 'retrying' && (
        <Alert
          type="warning"
          title={t(
            `抽样出错（${failure.lastFailedAt.zh}，${failure.error}），系统将于${failure.nextAttemptAt?.zh ?? ''}自动重试，直至检查时段结束`,
            `The draw failed (${failure.lastFailedAt.en}, ${failure.error}); the system retries at ${failure.nextAttemptAt?.en ?? ''}, until the window closes`,
          )}
        />
      )}
      {!drawn && failure?.state === 'gave-up' && (
        <Alert
          type="error"
          title={t(
            `抽样自${failure.firstFailedAt.zh}起多次重试均未完成，检查时段已结束，本期未能抽样（${failure.error}）`,
            `The draw failed on every attempt since ${failure.firstFailedAt.en} and the window closed: no sample (${failure.error})`,
          )}
        />
      )}
      {drawn?.status === 'no-roster' && <Alert type="warning" title={t('抽取时未登记名单，未能抽样', 'No roster was registered at the draw instant: nothing was drawn')} />}
      {drawn && (
        <Link to={`/units/${sample.unit.unitId}/inspection/${inspection.window.id}`}>{t('查看检查结果与考核评分', 'See the inspection results and the score')}</Link>
      )}
      {drawn?.status === 'drawn' && (
        <>
          <ol>{drawn.sample.map((c) => <li key={c.position}>{c.name}（{c.contact.name} {c.contact.telephone}）</li>)}</ol>
          <Descriptions size="small" column={1}>
            <Descriptions.Item label={t('名单版本', 'Roster version')}>{drawn.inputs?.rosterVersion}</Descriptions.Item>
            <Descriptions.Item label={t('随机种子', 'Seed')}><Typography.Text code>{drawn.seed}</Typography.Text></Descriptions.Item>
            <Descriptions.Item label={t('复核命令', 'Verify with')}><Typography.Text code copyable>{sample.verify}</Typography.Text></Descriptions.Item>
          </Descriptions>
        </>
      )}
    </Card>
  );
}
