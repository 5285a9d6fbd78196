/**
 * 交叉检查 (issue 10): the units each inspection group inspects, window by window: the draw, how many sampled
 * communities have a result, the score sheet (score, 一票否决) and the rank. The city office sees every group; an
 * inspector (its home page) its own group's units. Each row opens the unit's inspection page. Nothing is
 * decided here: states and figures are the API's (by the server's clock).
 */
import { Alert, Skeleton, Space, Table, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { api, cycleId, ok } from '../../api/client';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { useLoad } from '../../components/useLoad';
import { useAuth } from '../../auth/AuthContext';
import { useLang } from '../../i18n';
import { WINDOW_STATE, inspectionPath, windowStateLabel, type Overview } from './words';

type Row = Overview['inspections'][number];

export default function InspectionsPage() {
  const { t, lang, named } = useLang();
  const { me, cycle } = useAuth();
  const { data, error } = useLoad(() => ok(api().GET('/cycles/{cycleId}/inspections', { params: { path: { cycleId: cycleId() } } })), []);

  if (error) return <ApiErrorAlert error={error} title={t('无法读取交叉检查', 'Cannot read the cross-inspection')} />;
  if (!data) return <Skeleton active />;
  const group = me?.role === 'inspector' ? cycle?.group : null;

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <div>
        <Typography.Title level={2} style={{ marginBottom: 4 }}>{t('交叉检查', 'Cross-inspection')}</Typography.Title>
        {group && <Typography.Text type="secondary">{named(group)}{t('：本组负责检查的单位', ': the units your group inspects')}</Typography.Text>}
      </div>
      {data.inspections.length === 0 && <Alert type="info" title={t('本周期的计划未安排交叉检查', "This cycle's plan has no cross-inspection")} />}
      {data.windows.map((w) => (
        <section key={w.id} aria-label={named(w)}>
          <Typography.Title level={3}>{named(w)} · {w.opens} – {w.closes}</Typography.Title>
          <Table<Row>
            rowKey={(r) => `${r.group.id}:${r.unit.unitId}`}
            dataSource={data.inspections.filter((r) => r.windowId === w.id)}
            pagination={false}
            columns={[
              { title: t('被检查单位', 'Unit inspected'), key: 'unit', render: (_, r) => <Link to={inspectionPath(r.unit.unitId, r.windowId)}>{named(r.unit)}</Link> },
              { title: t('检查组', 'Group'), key: 'group', render: (_, r) => named(r.group) },
              { title: t('状态', 'State'), key: 'state', render: (_, r) => <Tag color={WINDOW_STATE[r.window.state].color}>{windowStateLabel(t, r.window.state)}</Tag> },
              {
                title: t('抽样', 'Sample'), key: 'sample',
                render: (_, r) => r.sampleStatus === 'drawn'
                  ? t(`已抽取 ${r.sampled} 个`, `${r.sampled} drawn`)
                  : r.sampleStatus === 'no-roster'
                    ? <Tag color="warning">{t('未登记名单，未能抽样', 'No roster: nothing drawn')}</Tag>
                    : t(`待抽取（${r.window.drawAt[lang]}）`, `Draw at ${r.window.drawAt[lang]}`),
              },
              { title: t('检查结果', 'Results'), key: 'results', render: (_, r) => (r.sampleStatus === 'drawn' ? `${r.recorded}/${r.sampled}` : '—') },
              {
                title: t('考核评分', 'Score'), key: 'score',
                render: (_, r) => !r.sheet
                  ? t('未记录', 'Not recorded')
                  : (
                    <Space size={4} wrap>
                      <span>{r.sheet.score}/{r.sheet.total}</span>
                      {r.sheet.vetoFailed.length > 0 && <Tag color="error">{t('一票否决', 'Vetoed')}</Tag>}
                      {r.rank !== null && <Tag>{t(`第 ${r.rank} 名`, `Rank ${r.rank}`)}</Tag>}
                    </Space>
                  ),
              },
            ]}
          />
        </section>
      ))}
    </Space>
  );
}
