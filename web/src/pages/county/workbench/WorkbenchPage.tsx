/**
 * 工作台: what the unit must deliver, by phase, with each deadline in Beijing time, the days left as the
 * plan counts them, its state, and the reminders and escalations this unit received for it. All from
 * GET /cycles/{cycleId}/units/{unitId}; the city office opens the same page for any unit.
 */
import { Alert, Card, Descriptions, Empty, Skeleton, Space, Table, Tag, Typography } from 'antd';
import { Link, useParams } from 'react-router';
import { api, cycleId, ok } from '../../../api/client';
import { ApiErrorAlert } from '../../../components/ApiErrorAlert';
import type { DeliverableView, UnitOverview } from '../../../components/deliverable-state';
import { Legend } from '../../../components/Legend';
import { StateTag } from '../../../components/StateTag';
import { useLoad } from '../../../components/useLoad';
import { useAuth } from '../../../auth/AuthContext';
import { dateText, dayCount } from '../../../time';
import { GrantExtension } from '../../city/extension/GrantExtension';

const PHASE_STATE: Record<string, string> = { upcoming: '未开始', open: '进行中', closed: '已结束' };

export default function WorkbenchPage() {
  const { unitId = '' } = useParams();
  const { me } = useAuth();
  const { data, error, reload } = useLoad(
    () => ok(api().GET('/cycles/{cycleId}/units/{unitId}', { params: { path: { cycleId: cycleId(), unitId } } })),
    [unitId],
  );
  if (error) return <ApiErrorAlert error={error} title="无法读取本单位的工作台" />;
  // A reload (after an extension) keeps the page, and the confirmation, in place.
  if (!data) return <Skeleton active />;
  const days = data.dayCounting === 'working' ? '工作日' : '天';
  const county = me?.role === 'county';

  const columns = [
    { title: '应报材料', dataIndex: 'name', key: 'name' },
    {
      title: '截止时间（北京时间）',
      key: 'due',
      render: (_: unknown, d: DeliverableView) => (
        <Space orientation="vertical" size={0}>
          <span>{d.dueAt.zh}</span>
          {d.extended && <Tag color="blue">已延期</Tag>}
        </Space>
      ),
    },
    {
      title: `剩余${days}`,
      key: 'daysLeft',
      render: (_: unknown, d: DeliverableView) =>
        d.daysLeft !== null ? dayCount(d.daysLeft, data.dayCounting) : d.daysOverdue > 0 ? <Typography.Text type="danger">逾期 {dayCount(d.daysOverdue, data.dayCounting)}</Typography.Text> : '—',
    },
    { title: '状态', key: 'state', render: (_: unknown, d: DeliverableView) => <StateTag deliverable={d} review={data.review} /> },
    { title: '已收提醒', dataIndex: 'remindersSent', key: 'remindersSent' },
    { title: '督办', dataIndex: 'escalationsSent', key: 'escalationsSent' },
    {
      title: '操作',
      key: 'act',
      render: (_: unknown, d: DeliverableView) => (
        <Space wrap>
          <Link to={`/units/${unitId}/deliverables/${d.deliverableId}`} aria-label={`${county ? '报送' : '查看'}${d.name}`}>
            {county ? (d.latestVersion > 0 ? '查看/再次报送' : '报送') : '查看'}
          </Link>
          {!county && <GrantExtension unitId={unitId} deliverableId={d.deliverableId} name={d.name} onGranted={reload} />}
        </Space>
      ),
    },
  ];

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <div>
        <Typography.Title level={2} style={{ marginBottom: 4 }}>
          {data.unit.name} · 工作台
        </Typography.Title>
        <Typography.Text type="secondary">
          {data.title}；当前时间 {data.now.zh}（北京时间）
        </Typography.Text>
      </div>
      {data.unsignedNotices > 0 && (
        <Alert type="warning" showIcon title={`有 ${data.unsignedNotices} 条通知尚未签收`}
          action={<Link to={`/units/${unitId}/messages`}>{county ? '前往签收' : '查看消息'}</Link>} />
      )}
      {!county && (
        <Space>
          <Link to={`/units/${unitId}/messages`}>消息与签收</Link>
          <Link to={`/units/${unitId}/audit`}>操作日志</Link>
          <Link to={`/units/${unitId}/review`}>初评</Link>
        </Space>
      )}
      <Legend />
      {data.phases.map((phase) => (
        <Card key={phase.kind} title={<h3 style={{ margin: 0 }}>{phase.name}</h3>}
          extra={<span>{phase.opensAt.zh} 至 {phase.closesAt.zh} · {PHASE_STATE[phase.state]}</span>}>
          {phase.deliverables.length ? (
            <Table<DeliverableView> rowKey="deliverableId" columns={columns} dataSource={phase.deliverables} pagination={false} size="middle" />
          ) : (
            <Empty description="本阶段无应报材料" />
          )}
        </Card>
      ))}
      <ReviewCard review={data.review} dayCounting={data.dayCounting} />
    </Space>
  );
}

function ReviewCard({ review, dayCounting }: { review: UnitOverview['review']; dayCounting: string }) {
  if (review.decisions.length === 0 && !review.outcome) return null;
  return (
    <Card title={<h3 style={{ margin: 0 }}>初评与整改</h3>}>
      {review.outcome && <Typography.Paragraph>初评结果：{review.outcome.outcome === 'qualified' ? '合格' : '不合格'}（{review.outcome.recordedAt.zh}）</Typography.Paragraph>}
      {review.rectification && (
        <Alert style={{ marginBottom: 16 }} type={review.rectification.daysLeft === null ? 'error' : 'warning'} showIcon
          title={`限期整改：请于 ${review.rectification.dueAt.zh}（北京时间）前重新报送（第 ${review.rectification.round} 轮）`}
          description={review.rectification.daysLeft === null ? '整改期限已过' : `还剩 ${dayCount(review.rectification.daysLeft, dayCounting)}`} />
      )}
      {review.decisions.map((d) => (
        <Descriptions key={d.round} bordered size="small" column={1} title={`第 ${d.round} 轮（第 ${d.version} 版）`} style={{ marginBottom: 16 }}>
          <Descriptions.Item label="决定">{d.outcome === 'approved' ? '通过' : '退回整改'}</Descriptions.Item>
          {d.reason && <Descriptions.Item label="整改意见">{d.reason}</Descriptions.Item>}
          {d.rectificationLastDay && <Descriptions.Item label="整改截止日">{dateText(d.rectificationLastDay)}</Descriptions.Item>}
          {d.scores?.length ? (
            <Descriptions.Item label="扣分项">
              {d.scores.map((s) => `${s.itemId}：${s.score} 分${s.reason ? `（${s.reason}）` : ''}`).join('；')}
            </Descriptions.Item>
          ) : null}
          <Descriptions.Item label="决定人与时间">{d.decidedBy}，{d.decidedAt.zh}</Descriptions.Item>
        </Descriptions>
      ))}
    </Card>
  );
}
