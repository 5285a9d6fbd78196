/**
 * 总览: every unit × every deliverable, coloured by the warning colours (三色预警) with the legend, the
 * cycle's totals, and the review's state per unit. Paged and filtered by the API (cursor, limit, filter).
 */
import { Button, Card, Select, Skeleton, Space, Statistic, Table, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, cycleId, ok } from '../../../api/client';
import type { paths } from '../../../api/schema';
import { ApiErrorAlert } from '../../../components/ApiErrorAlert';
import { shownState, WARNING_COLOURS } from '../../../components/deliverable-state';
import { Legend } from '../../../components/Legend';
import { useLoad } from '../../../components/useLoad';
import { ExportOverview } from './ExportOverview';

type Query = NonNullable<paths['/cycles/{cycleId}/dashboard']['get']['parameters']['query']>;
type Dashboard = paths['/cycles/{cycleId}/dashboard']['get']['responses'][200]['content']['application/json'];
type Row = Dashboard['units'][number];

const FILTERS: Array<{ value: NonNullable<Query['filter']>; label: string }> = [
  { value: 'missing', label: '有逾期未报' },
  { value: 'late', label: '有逾期报送' },
  { value: 'returned', label: '曾退回整改' },
  { value: 'qualified', label: '初评合格' },
  { value: 'not-qualified', label: '初评不合格' },
  { value: 'awaiting-decision', label: '待初评决定' },
];
const PAGE_SIZE = '20';

export default function OverviewPage() {
  const [filter, setFilter] = useState<Query['filter']>();
  // The cursors of the pages read so far: back goes to the previous one.
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const cursor = cursors.at(-1);
  const { data, error, loading } = useLoad(
    () => ok(api().GET('/cycles/{cycleId}/dashboard', { params: { path: { cycleId: cycleId() }, query: { cursor, limit: PAGE_SIZE, filter } } })),
    [cursor, filter],
  );
  if (error) return <ApiErrorAlert error={error} title="无法读取总览" />;
  if (!data) return <Skeleton active />;
  const deliverables = data.units[0]?.phases.flatMap((p) => p.deliverables.map((d) => ({ id: d.deliverableId, name: d.name }))) ?? [];

  const columns = [
    { title: '单位', key: 'unit', fixed: 'left' as const, render: (_: unknown, u: Row) => <Link to={`/units/${u.unitId}`}>{u.name}</Link> },
    ...deliverables.map((col) => ({
      title: col.name,
      key: col.id,
      onCell: (u: Row) => {
        const d = u.phases.flatMap((p) => p.deliverables).find((x) => x.deliverableId === col.id);
        return { style: d ? { background: WARNING_COLOURS[shownState(d, u.review).warning].cell } : {} };
      },
      render: (_: unknown, u: Row) => {
        const d = u.phases.flatMap((p) => p.deliverables).find((x) => x.deliverableId === col.id);
        if (!d) return '—';
        const s = shownState(d, u.review);
        return <span aria-label={`${u.name} ${col.name}：${s.label}`}>{s.label}{d.escalationsSent > 0 ? `（督办 ${d.escalationsSent}）` : ''}</span>;
      },
    })),
    {
      title: '初评',
      key: 'review',
      render: (_: unknown, u: Row) => (
        <Link to={`/units/${u.unitId}/review`} aria-label={`初评 ${u.name}`}>
          {u.review.outcome ? (u.review.outcome.outcome === 'qualified' ? '合格' : '不合格') : `第 ${u.review.round} 轮`}
        </Link>
      ),
    },
  ];

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <div>
        <Typography.Title level={2} style={{ marginBottom: 4 }}>总览</Typography.Title>
        <Typography.Text type="secondary">{data.title}；当前时间 {data.now.zh}（北京时间）</Typography.Text>
      </div>
      <Card>
        <Space size="large" wrap>
          <Statistic title="单位数" value={data.totals.units} />
          <Statistic title="按时报送（份）" value={data.totals.submittedOnTime} />
          <Statistic title="逾期报送（份）" value={data.totals.submittedLate} />
          <Statistic title="逾期未报（份）" value={data.totals.missing} />
          <Statistic title="初评合格（个）" value={data.totals.qualified} />
        </Space>
      </Card>
      <Legend />
      <Space wrap>
        <label htmlFor="overview-filter">筛选：</label>
        <Select id="overview-filter" aria-label="筛选" allowClear placeholder="全部单位" style={{ width: 180 }} options={FILTERS} value={filter}
          onChange={(v) => { setFilter(v); setCursors([undefined]); }} />
        <ExportOverview />
      </Space>
      <Table<Row> rowKey="unitId" columns={columns} dataSource={data.units} pagination={false} loading={loading} scroll={{ x: 'max-content' }} size="middle" />
      <Space>
        <Button disabled={cursors.length <= 1} onClick={() => setCursors((c) => c.slice(0, -1))}>上一页</Button>
        <Button disabled={!data.page.next} onClick={() => setCursors((c) => [...c, data.page.next ?? undefined])}>下一页</Button>
      </Space>
    </Space>
  );
}
