/**
 * 初评队列: the versions awaiting the city's decision (the dashboard's `awaiting-decision` filter: the API
 * decides what waits), oldest first, each with its round and a link to read and decide it. All pages of
 * units are read, a hundred at a time.
 */
import { Empty, Skeleton, Space, Table, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { api, cycleId, ok } from '../../../api/client';
import type { paths } from '../../../api/schema';
import { ApiErrorAlert } from '../../../components/ApiErrorAlert';
import { useLoad } from '../../../components/useLoad';
import { useLang } from '../../../i18n';

type Dashboard = paths['/cycles/{cycleId}/dashboard']['get']['responses'][200]['content']['application/json'];
type Row = Dashboard['units'][number];
interface Waiting {
  unit: Row;
  deliverable: Row['phases'][number]['deliverables'][number];
}

/** Every page of the filtered dashboard (a plan of 2,800 units is 28 reads). */
async function awaiting(): Promise<{ first: Dashboard; rows: Waiting[] }> {
  const rows: Waiting[] = [];
  let cursor: string | undefined;
  let first: Dashboard | undefined;
  do {
    const page: Dashboard = await ok(api().GET('/cycles/{cycleId}/dashboard', {
      params: { path: { cycleId: cycleId() }, query: { cursor, limit: '100', filter: 'awaiting-decision' } },
    }));
    first ??= page;
    for (const unit of page.units) {
      const deliverable = unit.phases.flatMap((p) => p.deliverables).find((d) => d.deliverableId === unit.review.deliverableId);
      if (deliverable) rows.push({ unit, deliverable });
    }
    cursor = page.page.next ?? undefined;
  } while (cursor);
  rows.sort((a, b) => (a.deliverable.lastReceivedAt?.iso ?? '').localeCompare(b.deliverable.lastReceivedAt?.iso ?? ''));
  return { first: first!, rows };
}

export default function ReviewQueuePage() {
  const { t, lang, named } = useLang();
  const { data, error } = useLoad(awaiting, []);
  if (error) return <ApiErrorAlert error={error} title={t('无法读取初评队列', 'Cannot read the review queue')} />;
  if (!data) return <Skeleton active />;
  const { first, rows } = data;
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <div>
        <Typography.Title level={2} style={{ marginBottom: 4 }}>{t('初评队列', 'Reviews')}</Typography.Title>
        <Typography.Text type="secondary">
          {t(
            `${named(first)}；待决定 ${rows.length} 份；当前时间 ${first.now.zh}（北京时间）`,
            `${named(first)}; ${rows.length} awaiting a decision; now ${first.now.en} (Beijing time)`,
          )}
        </Typography.Text>
      </div>
      <Table<Waiting>
        rowKey={(w) => w.unit.unitId}
        dataSource={rows}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: <Empty description={t('没有待初评的材料', 'Nothing awaits a preliminary review')} /> }}
        columns={[
          { title: t('单位', 'Unit'), key: 'unit', render: (_, w) => named(w.unit) },
          { title: t('材料', 'Deliverable'), key: 'deliverable', render: (_, w) => named(w.deliverable) },
          {
            title: t('轮次', 'Round'),
            key: 'round',
            render: (_, w) => t(`第 ${w.unit.review.round} 轮`, `Round ${w.unit.review.round}`),
          },
          {
            title: t('版本', 'Version'),
            key: 'version',
            render: (_, w) => t(`第 ${w.deliverable.latestVersion} 版`, `Version ${w.deliverable.latestVersion}`),
          },
          {
            title: t('收到时间（北京时间）', 'Received (Beijing time)'),
            key: 'received',
            render: (_, w) => w.deliverable.lastReceivedAt?.[lang] ?? '—',
          },
          {
            title: t('首次报送', 'First submission'),
            key: 'onTime',
            render: (_, w) => (w.deliverable.state === 'submitted-late'
              ? <Tag color="warning">{t('逾期报送', 'Late')}</Tag>
              : <Tag color="success">{t('按时', 'On time')}</Tag>),
          },
          {
            title: t('操作', 'Actions'),
            key: 'act',
            render: (_, w) => (
              <Link to={`/units/${w.unit.unitId}/review`}
                aria-label={t(`初评 ${w.unit.name}：阅读并决定`, `Read and decide: ${named(w.unit)}`)}>
                {t('阅读并决定', 'Read and decide')}
              </Link>
            ),
          },
        ]}
      />
    </Space>
  );
}
