/**
 * 年度计划: the city office loads the year's plan (a .json file, or pasted), sees what the server finds
 * wrong with it (field, rule and message, as the validator words them) and, for a plan that can start, the
 * year as a picture with its legend and the same dates as text; then starts the cycle, after a
 * confirmation. The new cycle joins the header's cycle selector. Every check is the API's
 * (POST /plans/validate, POST /cycles): the page sends the file's text as it is and shows the answer.
 */
import { UploadOutlined } from '@ant-design/icons';
import { Alert, Button, Descriptions, Form, Input, Modal, Space, Spin, Table, Tag, Typography, Upload } from 'antd';
import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { api, ok } from '../../../api/client';
import type { paths } from '../../../api/schema';
import { useAuth } from '../../../auth/AuthContext';
import { ApiErrorAlert } from '../../../components/ApiErrorAlert';
import { useWrite } from '../../../components/useWrite';
import { named, useLang, type Lang, type Translate } from '../../../i18n';
import { dateText } from '../../../time';
import { COLOURS } from './colours';

type Check = paths['/plans/validate']['post']['responses'][200]['content']['application/json'];
export type Timeline = NonNullable<Check['timeline']>;
type Problem = Check['problems'][number];
type Started = paths['/cycles']['post']['responses'][201]['content']['application/json'];
type Day = Timeline['calendar']['days'][number];

/** The plan's text as it is for the JSON body: the server parses and checks it, JSON syntax included. */
const asIs = (plan: string) => ({ body: {} as never, bodySerializer: () => plan });

// The picture and ECharts with it load only once there is a timeline to draw.
const TimelineChart = lazy(() => import('./Timeline'));

const STATUS: Record<NonNullable<Check['cycle']>['status'], [string, string]> = {
  stored: ['已存储，待启动执行', 'stored, its execution starting'],
  running: ['运行中', 'running'],
  forwarded: ['已上报', 'list sent up'],
  closed: ['已结束', 'closed'],
};

export default function YearPage() {
  const { me, reloadCycles } = useAuth();
  const { t, lang } = useLang();
  const [text, setText] = useState('');
  const [fileName, setFileName] = useState<string>();
  const [answer, setAnswer] = useState<Check>();
  const [checkError, setCheckError] = useState<unknown>();
  const [checking, setChecking] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [started, setStarted] = useState<Started>();
  const { run, busy, error: startError, clearError } = useWrite();
  // The last text checked: answers to an older request are dropped.
  const latest = useRef('');

  const check = useCallback(async (plan: string) => {
    latest.current = plan;
    setChecking(true);
    setCheckError(undefined);
    try {
      const checked = await ok(api().POST('/plans/validate', asIs(plan)));
      if (latest.current === plan) setAnswer(checked);
    } catch (e) {
      if (latest.current === plan) {
        setAnswer(undefined);
        setCheckError(e);
      }
    } finally {
      if (latest.current === plan) setChecking(false);
    }
  }, []);

  // The problems come in the interface language: a switch asks again.
  useEffect(() => {
    if (latest.current) void check(latest.current);
  }, [lang, check]);

  if (me?.role !== 'city') {
    return (
      <Alert type="error" showIcon role="alert" title={t('无权访问该资源', 'You may not access this resource')}
        description={t('年度计划由市打传办载入和启动。', 'The yearly plan is loaded and started by the city office.')} />
    );
  }

  const load = async (file: File) => {
    const content = await file.text();
    setFileName(file.name);
    setText(content);
    setStarted(undefined);
    await check(content);
  };

  const start = async () => {
    if (!answer?.plan) return;
    const plan = text;
    const done = await run(`start#${answer.plan.planHash}`, (key) =>
      ok(api().POST('/cycles', { params: { header: { 'Idempotency-Key': key } }, ...asIs(plan) })));
    if (!done) return;
    setStarted(done);
    setConfirming(false);
    await reloadCycles(done.cycleId);
    await check(plan);
  };

  const valid = answer?.valid === true && answer.timeline && answer.plan;
  return (
    // Sections stretch to the page's width: the picture sizes itself to its box.
    <div style={{ display: 'flex', flexDirection: 'column', gap: 24, minWidth: 0 }}>
      <div>
        <Typography.Title level={2} style={{ marginBottom: 4 }}>{t('年度计划', 'Yearly plan')}</Typography.Title>
        <Typography.Text>
          {t(
            '载入本年度的工作计划文件，系统逐项校验并列出问题；计划无误时显示全年日程，确认后启动工作周期。',
            "Load this year's plan file: the server checks it and lists every problem; a plan without problems shows its year, and starts once you confirm.",
          )}
        </Typography.Text>
      </div>

      <section aria-labelledby="year-load">
        <Typography.Title level={3} id="year-load">{t('载入计划', 'Load the plan')}</Typography.Title>
        <Form layout="vertical">
          {/* Help in full-contrast text: antd's `extra` is too pale for WCAG AA on the page's grey. */}
          <Form.Item label={t('计划文件', 'Plan file')}>
            <Space wrap>
              <Upload accept=".json,application/json" showUploadList={false} maxCount={1} beforeUpload={(file) => { void load(file); return false; }}>
                <Button icon={<UploadOutlined />} loading={checking && !!fileName}>{t('选择计划文件（.json）', 'Choose a plan file (.json)')}</Button>
              </Upload>
              <Typography.Text>
                {fileName ? t(`已载入：${fileName}`, `Loaded: ${fileName}`) : t('JSON 格式，与 npm run plan -- validate 所校验的文件相同', 'JSON, the same file npm run plan -- validate checks')}
              </Typography.Text>
            </Space>
          </Form.Item>
          <Form.Item label={t('或粘贴计划内容（JSON）', 'Or paste the plan (JSON)')} htmlFor="year-plan-text">
            <Input.TextArea id="year-plan-text" rows={6} value={text} spellCheck={false} style={{ fontFamily: 'monospace', fontSize: 12 }}
              onChange={(e) => { setText(e.target.value); setFileName(undefined); }} />
          </Form.Item>
          <Button disabled={!text.trim()} loading={checking} onClick={() => { setStarted(undefined); void check(text); }}>
            {t('校验计划', 'Check the plan')}
          </Button>
        </Form>
      </section>

      <ApiErrorAlert error={checkError} title={t('计划未能校验', 'The plan could not be checked')} />
      {answer && <Verdict answer={answer} t={t} lang={lang} />}

      {valid && (
        <>
          <section aria-labelledby="year-timeline">
            <Typography.Title level={3} id="year-timeline">{t('全年日程', 'The year')}</Typography.Title>
            <Legend t={t} today={answer.today} toSuperior={toSuperior(answer, t)} />
            <Suspense fallback={<Spin description={t('正在绘制日程图', 'Drawing the timeline')} />}>
              <TimelineChart timeline={answer.timeline!} today={answer.today} lang={lang} t={t} toSuperior={toSuperior(answer, t)} />
            </Suspense>
          </section>
          <DatesAsText timeline={answer.timeline!} today={answer.today} t={t} lang={lang} toSuperior={toSuperior(answer, t)} />
          <section aria-labelledby="year-start">
            <Typography.Title level={3} id="year-start">{t('启动工作周期', 'Start the cycle')}</Typography.Title>
            {started ? (
              <Alert type="success" showIcon role="status"
                title={started.stored === 'stored'
                  ? t(`已启动：${started.title}`, `Started: ${started.title}`)
                  : t(`此计划此前已启动，未重复启动：${started.title}`, `This plan had been started already; nothing started twice: ${started.title}`)}
                description={
                  <Space orientation="vertical" size={0}>
                    <span>{t('周期编号', 'Cycle id')}：<code>{started.cycleId}</code>；{t('执行名称', 'Execution')}：<code>{started.executionName}</code></span>
                    <span style={{ wordBreak: 'break-all' }}>{t('计划指纹（SHA-256）', 'Plan hash (SHA-256)')}：<code>{started.planHash}</code></span>
                    <Link to="/overview">{t('前往总览', 'Go to the overview')}</Link>
                  </Space>
                } />
            ) : (
              <Button type="primary" onClick={() => { clearError(); setConfirming(true); }}>{t('启动', 'Start')}</Button>
            )}
          </section>
          <Modal open={confirming} title={t('确认启动工作周期', 'Start the cycle?')} okText={t('确认启动', 'Start')} cancelText={t('取消', 'Cancel')}
            confirmLoading={!!busy} onOk={start} onCancel={() => setConfirming(false)} destroyOnHidden>
            <Typography.Paragraph>
              {t(
                `将按“${answer.plan!.title}”启动周期 ${answer.plan!.cycleId}，共 ${answer.plan!.units} 个单位。启动后，系统按上述日程自动发送通知、提醒和督办；此周期编号的计划不能再更改。`,
                `The cycle ${answer.plan!.cycleId} starts from “${answer.plan!.title}”, for ${answer.plan!.units} units. From then on the notices, reminders and escalations go out on the dates above; the plan of this cycle id cannot change.`,
              )}
            </Typography.Paragraph>
            <ApiErrorAlert error={startError} title={t('未能启动，可重试（重试不会重复启动）', 'Not started; you may try again (a retry starts nothing twice)')} />
          </Modal>
        </>
      )}
    </div>
  );
}

/** What the server found: the problems (field, rule, message), the warnings, and the plan in brief. */
function Verdict({ answer, t, lang }: { answer: Check; t: Translate; lang: Lang }) {
  const columns = [
    { title: t('字段', 'Field'), dataIndex: 'path', key: 'path', width: 260, render: (p: string) => <code>{p || t('（整个计划）', '(the whole plan)')}</code> },
    { title: t('规则', 'Rule'), dataIndex: 'rule', key: 'rule', width: 220, render: (r: string) => <code>{r}</code> },
    { title: t('说明', 'Message'), dataIndex: 'message', key: 'message' },
  ];
  const rows = (ps: Problem[]) => ps.map((p, i) => ({ ...p, key: `${i}:${p.path}:${p.rule}` }));
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      {answer.valid
        ? <Alert type="success" showIcon role="status" title={t('计划校验通过，可以启动', 'The plan passes every check and can start')} />
        : <Alert type="error" showIcon role="alert" title={t(`计划有 ${answer.problems.length} 个问题，改正后方可启动`, `The plan has ${answer.problems.length} problem(s) to fix before it can start`)} />}
      {answer.problems.length > 0 && (
        <section aria-labelledby="year-problems">
          <Typography.Title level={3} id="year-problems">{t('问题', 'Problems')}</Typography.Title>
          <Table size="small" pagination={false} columns={columns} dataSource={rows(answer.problems)} aria-labelledby="year-problems" />
        </section>
      )}
      {answer.warnings.length > 0 && (
        <section aria-labelledby="year-warnings">
          <Typography.Title level={3} id="year-warnings">{t('提示', 'Warnings')}</Typography.Title>
          <Table size="small" pagination={false} columns={columns} dataSource={rows(answer.warnings)} aria-labelledby="year-warnings" />
        </section>
      )}
      {answer.plan && (
        <Descriptions size="small" bordered column={2} title={t('计划概要', 'The plan in brief')}>
          <Descriptions.Item label={t('名称', 'Title')}>{named(lang, answer.plan)}</Descriptions.Item>
          <Descriptions.Item label={t('周期编号', 'Cycle id')}><code>{answer.plan.cycleId}</code></Descriptions.Item>
          <Descriptions.Item label={t('组织实施单位', 'Running office')}>{answer.plan.city.office}</Descriptions.Item>
          <Descriptions.Item label={t('年度与单位数', 'Year and units')}>{t(`${answer.plan.year} 年，${answer.plan.units} 个单位`, `${answer.plan.year}, ${answer.plan.units} units`)}</Descriptions.Item>
          {answer.cycle && (
            <Descriptions.Item label={t('该周期编号', 'This cycle id')} span={2}>
              <Tag color={answer.cycle.samePlan ? 'success' : 'error'}>{lang === 'en' ? STATUS[answer.cycle.status][1] : STATUS[answer.cycle.status][0]}</Tag>
              {t(`已于 ${answer.cycle.storedAt.zh} 存储${answer.cycle.samePlan ? '（同一计划）' : '（另一份计划）'}`, `stored on ${answer.cycle.storedAt.en}${answer.cycle.samePlan ? ' (this plan)' : ' (another plan)'}`)}
            </Descriptions.Item>
          )}
        </Descriptions>
      )}
    </Space>
  );
}

/** 「上报省局」 or 「上报杭州市打传办」: where the plan's list goes, in its own words. */
const toSuperior = (answer: Check, t: Translate) => {
  const up = answer.plan?.levels.superior;
  return up ? t(`上报${up.shortName}`, `To ${up.shortNameEn}`) : t('上报', 'Sent up');
};

function Swatch({ colour, shape = 'square', label }: { colour: string; shape?: 'square' | 'diamond' | 'circle' | 'line'; label: string }) {
  const style: React.CSSProperties =
    shape === 'line'
      ? { display: 'inline-block', width: 3, height: 14, background: colour }
      : { display: 'inline-block', width: 12, height: 12, background: colour, border: '1px solid rgba(0,0,0,0.25)', borderRadius: shape === 'circle' ? 6 : 2, transform: shape === 'diamond' ? 'rotate(45deg) scale(0.85)' : undefined };
  return <Space size={4}><span aria-hidden style={style} /><span>{label}</span></Space>;
}

/** The picture's legend, on the page. */
function Legend({ t, today, toSuperior }: { t: Translate; today: string; toSuperior: string }) {
  return (
    <Space wrap size="middle" role="note" aria-label={t('图例', 'Legend')} style={{ marginBottom: 8 }}>
      <Typography.Text strong>{t('图例：', 'Legend:')}</Typography.Text>
      <Swatch colour={COLOURS.phases[0]} label={t('阶段（条形，各阶段一色）', 'Phase (a bar, one colour each)')} />
      <Swatch colour={COLOURS.deadline} shape="diamond" label={t('报送截止（北京时间）', 'Deadline (Beijing time)')} />
      <Swatch colour={COLOURS.reviewOpens} shape="circle" label={t('初评开始', 'Review opens')} />
      <Swatch colour={COLOURS.forwarding} label={toSuperior} />
      <Swatch colour={COLOURS.weekend} label={t('周末休息日', 'Weekend day off')} />
      <Swatch colour={COLOURS.holiday} label={t('法定节假日', 'Public holiday')} />
      <Swatch colour={COLOURS.workingWeekend} label={t('调休上班日（标“班”）', 'Adjusted working day (marked W)')} />
      <Swatch colour={COLOURS.today} shape="line" label={t(`今天（${dateText(today)}）`, `Today (${dateText(today)})`)} />
    </Space>
  );
}

/** Consecutive dates of one name as one entry: 国庆节 2016年10月1日—10月7日. */
function runs(days: Day[]) {
  const out: Array<{ from: string; to: string; day: Day; count: number }> = [];
  for (const d of days) {
    const last = out.at(-1);
    const next = last && new Date(Date.parse(`${last.to}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    if (last && next === d.date && last.day.kind === d.kind && last.day.nameZh === d.nameZh) {
      last.to = d.date;
      last.count++;
    } else out.push({ from: d.date, to: d.date, day: d, count: 1 });
  }
  return out;
}

/** The same dates as the picture, as text (for screen readers, and for print). */
function DatesAsText({ timeline, today, t, lang, toSuperior }: { timeline: Timeline; today: string; t: Translate; lang: Lang; toSuperior: string }) {
  const when = (i: { zh: string; en: string }) => (lang === 'en' ? i.en : i.zh);
  const span = (r: { from: string; to: string }) => (r.from === r.to ? dateText(r.from) : `${dateText(r.from)}—${dateText(r.to)}`);
  const dayName = (d: Day) => named(lang, { name: d.nameZh ?? undefined, nameEn: d.nameEn });
  const holidays = runs(timeline.calendar.days.filter((d) => d.off && d.kind !== 'weekend'));
  const working = timeline.calendar.days.filter((d) => !d.off);
  const weekends = timeline.calendar.days.filter((d) => d.kind === 'weekend');
  return (
    <section aria-labelledby="year-dates">
      <Typography.Title level={3} id="year-dates">{t('日程（文字版）', 'The year as text')}</Typography.Title>
      <Typography.Paragraph>
        {t(`北京时间；${dateText(timeline.firstDay)}至${dateText(timeline.lastDay)}。今天：${dateText(today)}。`, `Beijing time; ${dateText(timeline.firstDay)} to ${dateText(timeline.lastDay)}. Today: ${dateText(today)}.`)}
      </Typography.Paragraph>
      <Typography.Title level={4}>{t('阶段与截止', 'Phases and deadlines')}</Typography.Title>
      <ul>
        {timeline.phases.map((p) => (
          <li key={p.kind}>
            {p.kind === 'preliminary-review'
              ? t(`${named(lang, p)}：${dateText(p.opens)}至${dateText(p.closes)}`, `${named(lang, p)}: ${dateText(p.opens)} to ${dateText(p.closes)}`)
              : t(`${named(lang, p)}：${dateText(p.opens)}至${dateText(p.closes)}（${when(p.opensAt)} 发出开始通知）`, `${named(lang, p)}: ${dateText(p.opens)} to ${dateText(p.closes)} (opening notice ${when(p.opensAt)})`)}
            {timeline.deadlines.filter((d) => d.phase === p.kind).length > 0 && (
              <ul>
                {timeline.deadlines.filter((d) => d.phase === p.kind).map((d) => (
                  <li key={d.deliverableId}>
                    {t(
                      `${named(lang, d)}：最后一日 ${dateText(d.lastDay)}（含），截止 ${d.dueAt.zh}${d.moved ? `；原定 ${dateText(d.due.date)}${d.due.inclusive ? '（含）' : '前'}，遇休息日顺延` : ''}`,
                      `${named(lang, d)}: last day ${dateText(d.lastDay)} (inclusive), due ${d.dueAt.en}${d.moved ? `; the plan's ${d.due.inclusive ? '' : 'before '}${dateText(d.due.date)} fell on a day off and moved` : ''}`,
                    )}
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
        <li>{t(`初评受理：${when(timeline.review.opensAt)} 开始，${when(timeline.review.closesAt)} 结束`, `Review: opens ${when(timeline.review.opensAt)}, closes ${when(timeline.review.closesAt)}`)}</li>
        <li>{`${toSuperior}${t('：', ': ')}${when(timeline.forwarding.at)}`}
          {timeline.forwarding.day !== timeline.forwarding.on && t(`（计划为 ${dateText(timeline.forwarding.on)}，遇休息日顺延）`, ` (the plan's ${dateText(timeline.forwarding.on)} is a day off)`)}</li>
      </ul>
      <Typography.Title level={4}>{t('法定节假日与单位休息日', 'Public holidays and the office\'s days off')}</Typography.Title>
      <ul>
        {holidays.length === 0 && <li>{t('无', 'None')}</li>}
        {holidays.map((r) => <li key={r.from}>{`${dayName(r.day) || t('休息日', 'Day off')}${t('：', ': ')}${span(r)}`}</li>)}
      </ul>
      <Typography.Title level={4}>{t('调休上班日', 'Adjusted working days')}</Typography.Title>
      <ul>
        {working.length === 0 && <li>{t('无', 'None')}</li>}
        {working.map((d) => <li key={d.date}>{`${dateText(d.date)}${dayName(d) ? t(`（${dayName(d)}调休）`, ` (for ${dayName(d)})`) : ''}`}</li>)}
      </ul>
      <details>
        <summary>{t(`周末休息日共 ${weekends.length} 天`, `${weekends.length} weekend days off`)}</summary>
        <p>{weekends.map((d) => dateText(d.date)).join(t('、', ', '))}</p>
      </details>
    </section>
  );
}
