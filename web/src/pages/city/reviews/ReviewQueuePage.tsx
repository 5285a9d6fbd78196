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

type Dashboard = paths['/cycles/{cycleId}/dashboard']['get']['responses'][200]['content']['application/json'];
type Row = Dashboard['units'][number];
interface Waiting {
  unit: Row;
  deliverable: Row['phases'][number]['deliverables'][number];
}

/** Every page of the filtered dashboard (a plan of 2,800 units is 28 reads). */
async function awaiting(): Promise<{ title: string; now: string; rows: Waiting[] }> {
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
  return { title: first!.title, now: first!.now.zh, rows };
}

export default function ReviewQueuePage() {
  const { data, error } = useLoad(awaiting, []);
  if (error) return <ApiErrorAlert error={error} title="无法读取初评队列" />;
  if (!data) return <Skeleton active />;
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <div>
        <Typography.Title level={2} style={{ marginBottom: 4 }}>初评队列</Typography.Title>
        <Typography.Text type="secondary">{data.title}；待决定 {data.rows.length} 份；当前时间 {data.now}（北京时间）</Typography.Text>
      </div>
      <Table<Waiting>
        rowKey={(w) => w.unit.unitId}
        dataSource={data.rows}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: <Empty description="没有待初评的材料" /> }}
        columns={[
          { title: '单位', key: 'unit', render: (_, w) => w.unit.name },
          { title: '材料', key: 'deliverable', render: (_, w) => w.deliverable.name },
          { title: '轮次', key: 'round', render: (_, w) => `第 ${w.unit.review.round} 轮` },
          { title: '版本', key: 'version', render: (_, w) => `第 ${w.deliverable.latestVersion} 版` },
          { title: '收到时间（北京时间）', key: 'received', render: (_, w) => w.deliverable.lastReceivedAt?.zh ?? '—' },
          {
            title: '首次报送',
            key: 'onTime',
            render: (_, w) => (w.deliverable.state === 'submitted-late' ? <Tag color="orange">逾期报送</Tag> : <Tag color="green">按时</Tag>),
          },
          {
            title: '操作',
            key: 'act',
            render: (_, w) => <Link to={`/units/${w.unit.unitId}/review`} aria-label={`初评 ${w.unit.name}`}>阅读并决定</Link>,
          },
        ]}
      />
    </Space>
  );
}
