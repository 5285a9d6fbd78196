/**
 * 总览: every unit × every deliverable, coloured by the warning colours (三色预警) with the legend, the
 * cycle's totals, the notices each unit has not signed for (签收) yet, and the review's state per unit.
 * Paged and filtered by the API (cursor, limit, filter).
 */
import { Alert, Button, Select, Skeleton, Space, Statistic, Table, Tag, theme, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, cycleId, ok } from '../../../api/client';
import type { paths } from '../../../api/schema';
import { ApiErrorAlert } from '../../../components/ApiErrorAlert';
import { reviewStageText, shownState, WARNING_COLOURS } from '../../../components/deliverable-state';
import { inspectionText } from '../../../components/inspection-standing';
import { Legend } from '../../../components/Legend';
import { useLoad } from '../../../components/useLoad';
import { useLang } from '../../../i18n';
import { ExportOverview } from './ExportOverview';

type Query = NonNullable<paths['/cycles/{cycleId}/dashboard']['get']['parameters']['query']>;
type Dashboard = paths['/cycles/{cycleId}/dashboard']['get']['responses'][200]['content']['application/json'];
type Row = Dashboard['units'][number];

const FILTERS: Array<{ value: NonNullable<Query['filter']>; zh: string; en: string }> = [
  { value: 'missing', zh: '有逾期未报', en: 'Something missing' },
  { value: 'late', zh: '有逾期报送', en: 'Something submitted late' },
  { value: 'returned', zh: '曾退回整改', en: 'Returned for rectification' },
  { value: 'qualified', zh: '初评合格', en: 'Qualified' },
  { value: 'not-qualified', zh: '初评不合格', en: 'Not qualified' },
  { value: 'awaiting-decision', zh: '待初评决定', en: 'Awaiting a review decision' },
  { value: 'inspection-disqualified', zh: '交叉检查不合格', en: 'Kept off the list by the inspection' },
];
const PAGE_SIZE = '20';

export default function OverviewPage() {
  const { t, lang, named } = useLang();
  const { token } = theme.useToken();
  const box = { padding: token.paddingLG, border: `${token.lineWidth}px ${token.lineType} ${token.colorBorderSecondary}`, borderRadius: token.borderRadiusLG, background: token.colorBgContainer };
  const [filter, setFilter] = useState<Query['filter']>();
  // The cursors of the pages read so far: back goes to the previous one.
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const cursor = cursors.at(-1);
  const { data, error, loading } = useLoad(
    () => ok(api().GET('/cycles/{cycleId}/dashboard', { params: { path: { cycleId: cycleId() }, query: { cursor, limit: PAGE_SIZE, filter } } })),
    [cursor, filter],
  );
  if (error) return <ApiErrorAlert error={error} title={t('无法读取总览', 'Cannot read the overview')} />;
  if (!data) return <Skeleton active />;
  const deliverables = data.units[0]?.phases
    .flatMap((p) => p.deliverables.map((d) => ({ id: d.deliverableId, name: named(d) }))) ?? [];

  const columns = [
    {
      title: t('单位', 'Unit'),
      key: 'unit',
      fixed: 'left' as const,
      render: (_: unknown, u: Row) => <Link to={`/units/${u.unitId}`}>{named(u)}</Link>,
    },
    ...deliverables.map((col) => ({
      title: col.name,
      key: col.id,
      onCell: (u: Row) => {
        const d = u.phases.flatMap((p) => p.deliverables).find((x) => x.deliverableId === col.id);
        return { style: d ? { background: WARNING_COLOURS[shownState(d, u.review, lang).warning].cell } : {} };
      },
      render: (_: unknown, u: Row) => {
        const d = u.phases.flatMap((p) => p.deliverables).find((x) => x.deliverableId === col.id);
        if (!d) return '—';
        const s = shownState(d, u.review, lang);
        const n = d.escalationsSent;
        const escalated = n > 0 ? t(`（督办 ${n}）`, ` (escalated ×${n})`) : '';
        const label = t(`${u.name} ${col.name}：${s.label}`, `${named(u)} ${col.name}: ${s.label}`);
        return <span aria-label={label}>{s.label}{escalated}</span>;
      },
    })),
    {
      title: t('未签收通知', 'Notices not signed for'),
      key: 'unsigned',
      render: (_: unknown, u: Row) => {
        const shown = u.unsignedNotices > 0 ? t(`${u.unsignedNotices} 条`, String(u.unsignedNotices)) : '—';
        // The name ends with the link's own words (WCAG 2.5.3), as the review column's.
        const label = t(`${u.name} 未签收通知：${shown}`, `${named(u)} notices not signed for: ${shown}`);
        return (
          <Link to={`/units/${u.unitId}/messages`} aria-label={label}>
            {u.unsignedNotices > 0 ? <Tag color="warning">{shown}</Tag> : shown}
          </Link>
        );
      },
    },
    {
      title: t('初评', 'Preliminary review'),
      key: 'review',
      render: (_: unknown, u: Row) => {
        const shown = reviewStageText(u, lang);
        // The name ends with the link's own words (WCAG 2.5.3): 「初评 延平区：第 1 轮」.
        const label = t(`初评 ${u.name}：${shown}`, `Review ${named(u)}: ${shown}`);
        return <Link to={`/units/${u.unitId}/review`} aria-label={label}>{shown}</Link>;
      },
    },
    // Only for a plan with cross-inspection: a column of dashes says nothing.
    ...(data.units.some((u) => u.inspection) ? [{
      title: t('交叉检查', 'Cross-inspection'),
      key: 'inspection',
      render: (_: unknown, u: Row) => {
        const shown = inspectionText(u.inspection, lang);
        const label = t(`交叉检查 ${u.name}：${shown.text}`, `Cross-inspection ${named(u)}: ${shown.text}`);
        if (!u.inspection) return shown.text;
        return (
          <Link to={`/units/${u.unitId}/inspection/${u.inspection.window.id}`} aria-label={label}>
            {shown.offList ? <Tag color="error">{shown.text}</Tag> : shown.text}
          </Link>
        );
      },
    }] : []),
  ];

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <div>
        <Typography.Title level={2} style={{ marginBottom: 4 }}>{t('总览', 'Overview')}</Typography.Title>
        <Typography.Text type="secondary">
          {t(`${named(data)}；当前时间 ${data.now.zh}（北京时间）`, `${named(data)}; now ${data.now.en} (Beijing time)`)}
        </Typography.Text>
      </div>
      {/* A draw that failed after its retries (issue 10): the office sees it here, not only by an empty sample. */}
      {data.units
        .filter((u) => u.drawFailure)
        .map((u) => {
          const f = u.drawFailure!;
          const retrying = f.state === 'retrying';
          return (
            <Alert
              key={`draw-${u.unitId}`}
              type={retrying ? 'warning' : 'error'}
              title={
                retrying
                  ? t(`${u.name}交叉检查抽样出错（${f.lastFailedAt.zh}），系统将于${f.nextAttemptAt?.zh ?? ''}自动重试`, `${named(u)}: the inspection draw failed (${f.lastFailedAt.en}); retried at ${f.nextAttemptAt?.en ?? ''}`)
                  : t(`${u.name}交叉检查抽样多次重试均未完成，检查时段已结束，未能抽样`, `${named(u)}: the inspection draw failed on every attempt and the window closed: no sample`)
              }
              action={<Link to={`/units/${u.unitId}/sample`}>{t('查看', 'See')}</Link>}
            />
          );
        })}
      {/* A plain box, not antd's Card: the Card brings its tabs (13 KB gzipped) into the city's first page. */}
      <section aria-label={t('本周期统计', 'This cycle in figures')} style={box}>
        <Space size="large" wrap>
          <Statistic title={t('单位数', 'Units')} value={data.totals.units} />
          <Statistic title={t('按时报送（份）', 'Submitted on time')} value={data.totals.submittedOnTime} />
          <Statistic title={t('逾期报送（份）', 'Submitted late')} value={data.totals.submittedLate} />
          <Statistic title={t('逾期未报（份）', 'Missing (overdue)')} value={data.totals.missing} />
          <Statistic title={t('初评合格（个）', 'Qualified units')} value={data.totals.qualified} />
        </Space>
      </section>
      <Legend />
      <Space wrap>
        <label htmlFor="overview-filter">{t('筛选：', 'Filter:')}</label>
        <Select id="overview-filter" aria-label={t('筛选', 'Filter')} allowClear placeholder={t('全部单位', 'All units')}
          style={{ width: 180 }}
          options={FILTERS.map((f) => ({ value: f.value, label: f[lang] }))} value={filter}
          onChange={(v) => { setFilter(v); setCursors([undefined]); }} />
        <ExportOverview />
      </Space>
      <Table<Row> rowKey="unitId" columns={columns} dataSource={data.units} pagination={false} loading={loading} scroll={{ x: 'max-content' }} size="middle" />
      <Space>
        <Button disabled={cursors.length <= 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
          {t('上一页', 'Previous page')}
        </Button>
        <Button disabled={!data.page.next} onClick={() => setCursors((c) => [...c, data.page.next ?? undefined])}>
          {t('下一页', 'Next page')}
        </Button>
      </Space>
    </Space>
  );
}
