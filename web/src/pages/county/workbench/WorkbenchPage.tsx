/**
 * 工作台: what the unit must deliver, by phase, with each deadline in Beijing time, the days left as the
 * plan counts them, its state, and the reminders and escalations this unit received for it. All from
 * GET /cycles/{cycleId}/units/{unitId}; the city office opens the same page for any unit.
 */
import { Alert, Card, Descriptions, Empty, Skeleton, Space, Tag, Typography } from 'antd';
import { lazy, Suspense } from 'react';
import { Link, useParams } from 'react-router';
import { api, cycleId, ok } from '../../../api/client';
import { ApiErrorAlert } from '../../../components/ApiErrorAlert';
import type { DeliverableView, UnitOverview } from '../../../components/deliverable-state';
import { Legend } from '../../../components/Legend';
import { PlainTable, type PlainColumn } from '../../../components/PlainTable';
import { StateTag } from '../../../components/StateTag';
import { useLoad } from '../../../components/useLoad';
import { useAuth } from '../../../auth/AuthContext';
import { useLang } from '../../../i18n';
import { dateText, dayCount } from '../../../time';

/** The city's 延期 dialog (a date picker and a form): fetched only when the city office opens a unit's 工作台. */
const GrantExtension = lazy(() => import('../../city/extension/GrantExtension').then((m) => ({ default: m.GrantExtension })));

const PHASE_STATE = {
  upcoming: { zh: '未开始', en: 'Not started' },
  open: { zh: '进行中', en: 'Open' },
  closed: { zh: '已结束', en: 'Closed' },
};

export default function WorkbenchPage() {
  const { unitId = '' } = useParams();
  const { me } = useAuth();
  const { t, lang, named } = useLang();
  const { data, error, reload } = useLoad(
    () => ok(api().GET('/cycles/{cycleId}/units/{unitId}', { params: { path: { cycleId: cycleId(), unitId } } })),
    [unitId],
  );
  if (error) return <ApiErrorAlert error={error} title={t('无法读取本单位的工作台', "Cannot read this unit's workbench")} />;
  // A reload (after an extension) keeps the page, and the confirmation, in place.
  if (!data) return <Skeleton active />;
  const county = me?.role === 'county';
  const unsigned = data.unsignedNotices;

  const columns: PlainColumn<DeliverableView>[] = [
    { title: t('应报材料', 'Deliverable'), key: 'name', render: (d) => named(d) },
    {
      title: t('截止时间（北京时间）', 'Deadline (Beijing time)'),
      key: 'due',
      render: (d) => (
        <Space orientation="vertical" size={0}>
          <span>{d.dueAt[lang]}</span>
          {d.extended && <Tag color="processing">{t('已延期', 'Extended')}</Tag>}
        </Space>
      ),
    },
    {
      title: data.dayCounting === 'working' ? t('剩余工作日', 'Working days left') : t('剩余天', 'Days left'),
      key: 'daysLeft',
      nowrap: true,
      render: (d) => {
        if (d.daysLeft !== null) return dayCount(d.daysLeft, data.dayCounting);
        if (d.daysOverdue === 0) return '—';
        const overdue = dayCount(d.daysOverdue, data.dayCounting);
        return <Typography.Text type="danger">{t(`逾期 ${overdue}`, `${overdue} overdue`)}</Typography.Text>;
      },
    },
    {
      title: t('状态', 'State'),
      key: 'state',
      nowrap: true,
      render: (d) => <StateTag deliverable={d} review={data.review} />,
    },
    { title: t('已收提醒', 'Reminders received'), key: 'remindersSent', nowrap: true, render: (d) => d.remindersSent },
    { title: t('督办', 'Escalations (督办)'), key: 'escalationsSent', nowrap: true, render: (d) => d.escalationsSent },
    {
      title: t('操作', 'Actions'),
      key: 'act',
      render: (d) => {
        const again = d.latestVersion > 0;
        // The roster registration is due like a deliverable but registered on the roster page (core/plan/roster-deliverable.ts).
        const roster = d.deliverableId === 'roster-registration';
        const action = !county
          ? t('查看', 'View')
          : roster
            ? again ? t('查看/修改登记', 'View / edit') : t('登记', 'Register')
            : again ? t('查看/再次报送', 'View / submit again') : t('报送', 'Submit');
        // The name starts with the link's own words (WCAG 2.5.3): 「查看/再次报送 自评报告」.
        const label = t(`${action} ${d.name}`, `${action}: ${named(d)}`);
        return (
          <Space wrap>
            <Link to={roster ? `/units/${unitId}/roster` : `/units/${unitId}/deliverables/${d.deliverableId}`} aria-label={label}>{action}</Link>
            {!county && (
              <Suspense fallback={null}>
                <GrantExtension unitId={unitId} deliverableId={d.deliverableId} name={named(d)} onGranted={reload} />
              </Suspense>
            )}
          </Space>
        );
      },
    },
  ];

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <div>
        <Typography.Title level={2} style={{ marginBottom: 4 }}>
          {named(data.unit)} · {t('工作台', 'Workbench')}
        </Typography.Title>
        <Typography.Text type="secondary">
          {t(`${named(data)}；当前时间 ${data.now.zh}（北京时间）`, `${named(data)}; now ${data.now.en} (Beijing time)`)}
        </Typography.Text>
      </div>
      {unsigned > 0 && (
        <Alert type="warning" showIcon
          title={t(`有 ${unsigned} 条通知尚未签收`, `${unsigned} notice${unsigned === 1 ? '' : 's'} not yet signed for (签收)`)}
          action={(
            <Link to={`/units/${unitId}/messages`}>
              {county ? t('前往签收', 'Sign for them') : t('查看消息', 'View messages')}
            </Link>
          )} />
      )}
      {!county && (
        <Space>
          <Link to={`/units/${unitId}/messages`}>{t('消息与签收', 'Messages and signatures')}</Link>
          <Link to={`/units/${unitId}/audit`}>{t('操作日志', 'Audit log')}</Link>
          <Link to={`/units/${unitId}/review`}>{t('初评', 'Preliminary review')}</Link>
        </Space>
      )}
      <Link to={`/units/${unitId}/roster`}>{t('社区/村名单与交叉检查抽样', 'Roster of communities and inspection sample')}</Link>
      <Legend />
      {data.phases.map((phase) => (
        <Card key={phase.kind} title={<h3 style={{ margin: 0 }}>{named(phase)}</h3>}>
          {/* The phase's dates under its title, not beside it: beside, they squeezed the title out at phone width. */}
          <Typography.Paragraph type="secondary">
            {t(`${phase.opensAt.zh} 至 ${phase.closesAt.zh}`, `${phase.opensAt.en} to ${phase.closesAt.en}`)}
            {' · '}
            {PHASE_STATE[phase.state][lang]}
          </Typography.Paragraph>
          {phase.deliverables.length ? (
            <PlainTable columns={columns} rows={phase.deliverables} rowKey={(d) => d.deliverableId}
              caption={t(`${phase.name}：应报材料`, `${named(phase)}: what is due`)} />
          ) : (
            <Empty description={t('本阶段无应报材料', 'Nothing to deliver in this phase')} />
          )}
        </Card>
      ))}
      <ReviewCard review={data.review} dayCounting={data.dayCounting} />
    </Space>
  );
}

function ReviewCard({ review, dayCounting }: { review: UnitOverview['review']; dayCounting: string }) {
  const { t, lang } = useLang();
  if (review.decisions.length === 0 && !review.outcome) return null;
  const r = review.rectification;
  return (
    <Card title={<h3 style={{ margin: 0 }}>{t('初评与整改', 'Preliminary review and rectification')}</h3>}>
      {review.outcome && (
        <Typography.Paragraph>
          {t('初评结果：', 'Preliminary review result: ')}
          {review.outcome.outcome === 'qualified' ? t('合格', 'Qualified') : t('不合格', 'Not qualified')}
          {t(`（${review.outcome.recordedAt.zh}）`, ` (${review.outcome.recordedAt.en})`)}
        </Typography.Paragraph>
      )}
      {r && (
        <Alert style={{ marginBottom: 16 }} type={r.daysLeft === null ? 'error' : 'warning'} showIcon
          title={t(
            `限期整改：请于 ${r.dueAt.zh}（北京时间）前重新报送（第 ${r.round} 轮）`,
            `Rectification (限期整改), round ${r.round}: submit again by ${r.dueAt.en} (Beijing time)`,
          )}
          description={r.daysLeft === null
            ? t('整改期限已过', 'The rectification deadline has passed')
            : t(`还剩 ${dayCount(r.daysLeft, dayCounting)}`, `${dayCount(r.daysLeft, dayCounting)} left`)} />
      )}
      {review.decisions.map((d) => (
        <Descriptions key={d.round} bordered size="small" column={1} style={{ marginBottom: 16 }}
          title={t(`第 ${d.round} 轮（第 ${d.version} 版）`, `Round ${d.round} (version ${d.version})`)}>
          <Descriptions.Item label={t('决定', 'Decision')}>
            {d.outcome === 'approved' ? t('通过', 'Approved') : t('退回整改', 'Returned for rectification')}
          </Descriptions.Item>
          {d.reason && <Descriptions.Item label={t('整改意见', 'What to rectify')}>{d.reason}</Descriptions.Item>}
          {d.rectificationLastDay && (
            <Descriptions.Item label={t('整改截止日', 'Rectify by')}>{dateText(d.rectificationLastDay)}</Descriptions.Item>
          )}
          {d.scores?.length ? (
            <Descriptions.Item label={t('扣分项', 'Points deducted')}>
              {d.scores
                .map((s) => t(
                  `${s.itemId}：${s.score} 分${s.reason ? `（${s.reason}）` : ''}`,
                  `${s.itemId}: ${s.score} points${s.reason ? ` (${s.reason})` : ''}`,
                ))
                .join(t('；', '; '))}
            </Descriptions.Item>
          ) : null}
          <Descriptions.Item label={t('决定人与时间', 'Decided by, when')}>
            {d.decidedBy}{t('，', ', ')}{d.decidedAt[lang]}
          </Descriptions.Item>
        </Descriptions>
      ))}
    </Card>
  );
}
