/**
 * 签收 of a rectification notice, played in the twin on the simulated clock: three units returned on the same
 * morning; one signs for its notice in time, one resubmits without signing, one does neither. Only the last
 * climbs the escalation ladder, each rung at its instant and once, whatever duplicate events and restarts
 * happen. Asserted on the emails (the ledger and the SES emulator's inbox), the unit's messages, the 总览 and
 * the execution's history.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanInput } from '../../core/plan/schema';
import { validatePlan } from '../../core/plan/validate';
import { atLocalTime, formatBeijing } from '../../core/time';
import { startCycle } from '../../core/use-cases/cycle';
import { listProposals } from '../../core/use-cases/proposals';
import { decideReview } from '../../core/use-cases/review';
import { submitDeliverable } from '../../core/use-cases/submissions';
import { signNotice, unitMessages } from '../../core/use-cases/unit-messages';
import { dashboard } from '../../core/use-cases/views';
import { exampleSelfAssessment } from '../../local/scenario';
import { restartCycle } from '../../local/simulate';
import { readTimeline, type TimelineEvent } from '../../local/timeline';
import { startTwin, type Twin } from '../../local/twin';
import { UnitCycleState as S } from '../../workflows/unit-cycle/states';

const NANPING: PlanInput = JSON.parse(readFileSync(new URL('../../plans/nanping-2016.json', import.meta.url), 'utf8'));
// Three of Nanping's counties, and 10 working days to rectify so that the whole ladder (up to the criticism
// draft, 5 working days after the first rung) fits before the rectification deadline.
const checked = validatePlan({
  ...NANPING,
  units: NANPING.units.filter((u) => ['jianyang', 'pucheng', 'wuyishan'].includes(u.id)),
  review: { ...NANPING.review, rectificationDays: 10, signingDays: 2 },
});
if (!checked.ok) throw new Error('test plan invalid');
const plan = checked.plan;
const unit = (id: string) => plan.units.find((u) => u.id === id)!;
const CITY = plan.city.leaderEmail ?? plan.city.email;
const REPORT = 'self-assessment-report';
const beijing = (local: string) => Date.parse(`${local}+08:00`);
const signingEmails = (events: TimelineEvent[], unitId: string) =>
  events.filter((e) => e.unit === unitId && e.kind === 'escalation' && e.subject.includes('签收'));

describe('a rectification notice: signed in time, answered by a resubmission, or left unsigned', () => {
  let twin: Twin;
  let events: TimelineEvent[];
  const run = (local: string) => twin.clock.runUntil(beijing(local));
  const track = <T>(fn: () => Promise<T>) => twin.clock.track(fn);
  const ids = (unitId: string) => ({ cycleId: plan.cycleId, unitId });
  const submit = (unitId: string) =>
    track(() => submitDeliverable(twin.ctx, { ...ids(unitId), deliverableId: REPORT, submittedBy: `${unitId}-staff`, selfAssessment: exampleSelfAssessment(plan) }));
  const rectificationNotice = async (unitId: string) =>
    (await track(() => unitMessages(twin.ctx, { ...ids(unitId), role: 'county' }))).messages.find((m) => m.kind === 'rectification')!;

  beforeAll(async () => {
    twin = await startTwin({ startAt: atLocalTime(plan.phases[0].opens, '00:00').toMillis(), mode: { kind: 'simulated' } });
    await track(() => startCycle(twin.ctx, { plan, startedBy: 'city-admin' }));
    await run('2016-11-07T10:00:00');
    for (const u of plan.units) await submit(u.id);
    // Fri 11 Nov, 10:00: the city returns all three; the 签收 period (2 working days) ends Tue 15 Nov, 23:59:59.
    await run('2016-11-11T10:00:00');
    for (const u of plan.units) {
      await track(() => decideReview(twin.ctx, { ...ids(u.id), round: 1, outcome: 'returned', reason: '台账不完整。', decidedBy: 'city-reviewer' }));
    }
    await run('2016-11-14T10:00:00');
    // 建阳区 signs for its notice; 武夷山市 resubmits without signing; 浦城县 does neither.
    await track(async () => signNotice(twin.ctx, { ...ids('jianyang'), messageId: (await rectificationNotice('jianyang')).messageId, signedBy: 'jianyang-staff' }));
    await submit('wuyishan');
    await run('2016-11-24T12:00:00');
    events = await readTimeline(twin.ctx.repo, plan.cycleId);
  }, 600_000);
  afterAll(() => twin?.close());

  it('sent each unit its rectification notice once, on the morning of the decision', () => {
    const notices = events.filter((e) => e.kind === 'rectification');
    expect(notices.map((e) => [e.unit, e.at.slice(0, 10)]).sort()).toEqual([
      ['jianyang', '2016-11-11'],
      ['pucheng', '2016-11-11'],
      ['wuyishan', '2016-11-11'],
    ]);
  });

  it('escalates nothing for the notice signed in time, nor for the unit that resubmitted before the period ended', async () => {
    expect(signingEmails(events, 'jianyang')).toEqual([]);
    expect(signingEmails(events, 'wuyishan')).toEqual([]);
    expect((await rectificationNotice('jianyang')).signature).toMatchObject({ signedBy: 'jianyang-staff' });
    // The resubmission is in round 2, unsigned notice or not.
    expect(await twin.ctx.repo.getWaitToken(plan.cycleId, 'wuyishan', 'review', '2')).toMatchObject({ afterVersion: 2 });
  });

  it('climbs the ladder for the notice left unsigned: its leader (office in copy), the city office, then a criticism draft', () => {
    const pucheng = unit('pucheng');
    expect(signingEmails(events, 'pucheng').map((e) => [e.at, e.to, e.cc])).toEqual([
      ['2016-11-16T09:00:00+08:00', [pucheng.leader.email], [pucheng.office.email]],
      ['2016-11-21T09:00:00+08:00', [CITY], []],
      ['2016-11-23T09:00:00+08:00', [CITY], []],
    ]);
    const [leader, city, draft] = signingEmails(events, 'pucheng');
    expect(leader.subject).toContain('督办：浦城县未按期签收自评报告限期整改通知');
    expect(city.subject).toBe(leader.subject);
    expect(draft.subject).toContain('拟对浦城县通报批评并挂牌督办（未按期签收自评报告限期整改通知）');
  });

  it('says in the email what was not signed, since when and by when', async () => {
    const inbox = await twin.inbox();
    const leader = inbox.find((m) => m.subject.includes('督办：浦城县未按期签收'))!;
    const sentAt = events.find((e) => e.unit === 'pucheng' && e.kind === 'rectification')!.at;
    expect(leader.destination).toMatchObject({ to: [unit('pucheng').leader.email], cc: [unit('pucheng').office.email] });
    expect(leader.body.text).toContain(`于${formatBeijing(sentAt, 'date')}`);
    expect(leader.body.text).toContain('自评报告限期整改通知，应于2016年11月15日（星期二）23:59前签收，截至目前尚未签收');
  });

  it('lists the escalations among the unit\'s messages, counts its unsigned notices on the 总览, and drafts one proposal', async () => {
    const county = await track(() => unitMessages(twin.ctx, { ...ids('pucheng'), role: 'county' }));
    expect(county.messages.filter((m) => m.milestone.startsWith('signing#')).map((m) => [m.milestone, m.notice])).toEqual([['signing#round-1#L1', true]]);
    const city = await track(() => unitMessages(twin.ctx, { ...ids('pucheng'), role: 'city' }));
    expect(city.messages.filter((m) => m.milestone.startsWith('signing#')).map((m) => m.milestone)).toEqual([
      'signing#round-1#L1', 'signing#round-1#L2', 'signing#round-1#L3',
    ]);
    const rows = (await track(() => dashboard(twin.ctx, { cycleId: plan.cycleId }))).units;
    for (const r of rows) {
      expect(r.unsignedNotices).toBe((await track(() => unitMessages(twin.ctx, { ...ids(r.unitId), role: 'county' }))).unsignedNotices);
    }
    const proposals = (await track(() => listProposals(twin.ctx, { cycleId: plan.cycleId }))).proposals.filter((p) => p.about === 'signing');
    expect(proposals.map((p) => [p.unit.unitId, p.dueAt.beijing])).toEqual([['pucheng', '2016-11-15T23:59:59+08:00']]);
  });

  it('checks before each read of the record, and wakes at each rung\'s instant to do so', async () => {
    const { executions } = await twin.engine.listExecutions({ stateMachineArn: twin.unitStateMachineArn });
    const pucheng = executions.find((e) => e.name.endsWith('--pucheng'))!;
    const { events: history } = await twin.engine.getExecutionHistory({ executionArn: pucheng.executionArn });
    const entered = (name: string) => history.filter((e) => (e.stateEnteredEventDetails as { name?: string } | undefined)?.name === name);
    const checks = entered(S.EscalateIfUnsigned).map((e) => formatBeijing(e.timestamp.getTime(), 'iso'));
    expect(checks).toEqual(expect.arrayContaining(['2016-11-16T09:00:00+08:00', '2016-11-21T09:00:00+08:00', '2016-11-23T09:00:00+08:00']));
    // Once right after the notice, then at least daily: many checks, three emails.
    expect(checks.length).toBeGreaterThan(10);
    expect(entered(S.ReportSigningEscalationFailure)).toEqual([]);
  });

  it('sends nothing twice: a duplicate event, and a restart of every execution (as a redeploy) replaying the review', async () => {
    const before = (await twin.inbox()).length;
    // The same task input the state machine gives, delivered once more (a duplicated or retried invocation).
    const fn = twin.assembly.functions.find((f) => f.handlerFile === 'functions/send-unit-notice/handler.ts')!;
    const again = await track(() => twin.lambda.invoke(fn.arn, { ...ids('pucheng'), notice: { kind: 'signing-escalation', round: 1 } }));
    expect(again).toEqual({ status: 'already-sent', messages: 0 });

    await track(() => restartCycle(twin, plan));
    await run('2016-11-24T15:00:00');
    const { executions } = await twin.engine.listExecutions({ stateMachineArn: twin.unitStateMachineArn });
    expect(executions.filter((e) => e.name.includes('-restart-1--')).map((e) => e.status)).toEqual(['RUNNING', 'RUNNING', 'RUNNING']);
    expect((await twin.inbox()).length).toBe(before);

    const ledger = await twin.ctx.repo.listMessages(plan.cycleId);
    const keys = ledger.map((m) => [m.unitId, m.kind, m.milestone, m.recipient].join('|'));
    expect(new Set(keys).size).toBe(keys.length);
    expect(ledger.filter((m) => m.milestone.startsWith('signing#')).map((m) => `${m.unitId} ${m.milestone}`).sort()).toEqual([
      'pucheng signing#round-1#L1', 'pucheng signing#round-1#L2', 'pucheng signing#round-1#L3',
    ]);
  }, 300_000);
});
