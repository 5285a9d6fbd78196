/**
 * 签收 of a rectification notice (core/use-cases/signing.ts): its deadline from the official calendar (调休
 * weekends, holidays), and the ladder an unsigned notice climbs, on the memory adapters in the order the
 * unit's execution drives it (IssueRectification, then EscalateIfUnsigned before each read of the record).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeMemoryMailer } from '../../core/adapters/memory/mailer';
import { makeMemoryRepository } from '../../core/adapters/memory/repository';
import { makeMemoryWorkflow } from '../../core/adapters/memory/workflow';
import { planDays } from '../../core/plan/schedule';
import { planSchema, type PlanInput } from '../../core/plan/schema';
import { validatePlan } from '../../core/plan/validate';
import { makeContext } from '../../core/use-cases/context';
import { startCycle } from '../../core/use-cases/cycle';
import { listProposals } from '../../core/use-cases/proposals';
import { sendUnitNotice } from '../../core/use-cases/notices';
import { decideReview, issueRectification, prepareReviewStep } from '../../core/use-cases/review';
import { RECHECK_SECONDS } from '../../core/use-cases/review-record';
import { signingDeadline } from '../../core/use-cases/signing';
import { submitDeliverable } from '../../core/use-cases/submissions';
import { messageIdOf, signNotice, unitMessages } from '../../core/use-cases/unit-messages';
import { dashboard } from '../../core/use-cases/views';
import { exampleSelfAssessment } from '../../local/scenario';

const NANPING_JSON: PlanInput = JSON.parse(readFileSync(new URL('../../plans/nanping-2016.json', import.meta.url), 'utf8'));
const withReview = (review: Partial<PlanInput['review']>, notices: Partial<PlanInput['notices']> = {}, calendar?: PlanInput['calendar']): PlanInput => ({
  ...NANPING_JSON,
  review: { ...NANPING_JSON.review, ...review },
  notices: { ...NANPING_JSON.notices, ...notices },
  ...(calendar ? { calendar } : {}),
});
const loadedOf = (input: PlanInput) => {
  const plan = planSchema.parse(input);
  return { plan, days: planDays(plan) };
};
/** A Beijing wall-clock time as epoch milliseconds. */
const beijing = (local: string) => Date.parse(`${local}+08:00`);
const utc = (local: string) => new Date(beijing(local)).toISOString().replace('.000', '');

describe('the 签收 deadline (signingDeadline)', () => {
  it('ends 23:59:59 Beijing on the N-th working day after the day the notice went out, and the ladder follows it', () => {
    // Sent Fri 11 Nov 2016: Mon 14 (1), Tue 15 (2).
    const d = signingDeadline(loadedOf(NANPING_JSON), utc('2016-11-11T10:00:00'));
    expect(d.lastDay).toBe('2016-11-15');
    expect(d.deadline).toBe(utc('2016-11-15T23:59:59'));
    // The next working morning, then 3 and 5 working days after it (Nanping's ladder).
    expect(d.escalations.map((e) => [e.level, e.to, e.at])).toEqual([
      [1, 'unit-leader', utc('2016-11-16T09:00:00')],
      [2, 'city-office', utc('2016-11-21T09:00:00')],
      [3, 'criticism-draft', utc('2016-11-23T09:00:00')],
    ]);
  });

  it('counts a 调休 weekend as working days and skips a holiday: sent during National Day 2016, due Sunday 9 October', () => {
    // Tue 4 Oct is 国庆节; Sat 8 and Sun 9 Oct are 调休 working days: they are days 1 and 2.
    const d = signingDeadline(loadedOf(NANPING_JSON), utc('2016-10-04T16:30:00'));
    expect(d.lastDay).toBe('2016-10-09');
    expect(d.deadline).toBe('2016-10-09T15:59:59Z');
    expect(d.escalations[0].at).toBe(utc('2016-10-10T09:00:00'));
    // Sent Wed 14 Sep, before 中秋 (15–17 Sep off): Sun 18 Sep (调休) is day 1, Mon 19 Sep day 2.
    expect(signingDeadline(loadedOf(NANPING_JSON), utc('2016-09-14T09:00:00')).lastDay).toBe('2016-09-19');
  });

  it('in a plan that counts calendar days, a last day on a holiday moves to the next working day, or stays if the plan keeps it', () => {
    const sentAt = utc('2016-09-29T11:00:00');
    // 29 Sep + 2 days = Sat 1 Oct, 国庆节: it moves to Sat 8 Oct, a 调休 working day, where the leader's rung also goes.
    const moved = signingDeadline(loadedOf(withReview({}, { dayCounting: 'calendar' })), sentAt);
    expect(moved.lastDay).toBe('2016-10-08');
    expect(moved.escalations[0].at).toBe(utc('2016-10-09T09:00:00'));
    const kept = signingDeadline(loadedOf(withReview({}, { dayCounting: 'calendar' }, { overrides: [], nonWorkingDeadline: 'keep' })), sentAt);
    expect(kept.lastDay).toBe('2016-10-01');
    // Nothing goes out on a day off: the first rung waits for Sat 8 Oct (调休).
    expect(kept.escalations[0].at).toBe(utc('2016-10-08T09:00:00'));
  });

  it('follows the plan: 1 working day; a cycle stored before plans had the field gets the default of 2', () => {
    expect(signingDeadline(loadedOf(withReview({ signingDays: 1 })), utc('2016-11-11T10:00:00')).lastDay).toBe('2016-11-14');
    const stored = loadedOf(NANPING_JSON);
    const { signingDays: _omitted, ...olderReview } = stored.plan.review;
    expect(signingDeadline({ ...stored, plan: { ...stored.plan, review: olderReview as typeof stored.plan.review } }, utc('2016-11-11T10:00:00')).lastDay).toBe(
      '2016-11-15',
    );
  });
});

describe('review.signingDays in a plan', () => {
  it('defaults to 2 when the plan does not say, and refuses 0 with a message in zh and en', () => {
    const { signingDays: _stated, ...review } = NANPING_JSON.review;
    const defaulted = validatePlan({ ...NANPING_JSON, review });
    expect(defaulted.ok && defaulted.plan.review.signingDays).toBe(2);
    const zero = validatePlan(withReview({ signingDays: 0 }));
    expect(zero.ok).toBe(false);
    if (zero.ok) return;
    expect(zero.problems).toEqual([
      expect.objectContaining({ path: 'review.signingDays', rule: 'too-small', message: { zh: expect.stringContaining('review.signingDays'), en: expect.stringContaining('review.signingDays') } }),
    ]);
  });

  it('warns when the signing period is not shorter than the rectification period (nothing would ever be escalated)', () => {
    const checked = validatePlan(withReview({ signingDays: 7, rectificationDays: 7 }));
    expect(checked.ok).toBe(true);
    expect(checked.warnings.filter((w) => w.path === 'review.signingDays')).toEqual([
      expect.objectContaining({ rule: 'review.signing-not-before-rectification', message: expect.objectContaining({ zh: expect.stringContaining('7 个工作日') }) }),
    ]);
    expect(validatePlan(NANPING_JSON).warnings.filter((w) => w.path.startsWith('review'))).toEqual([]);
  });
});

const REPORT = 'self-assessment-report';
const ids = { cycleId: 'nanping-2016', unitId: 'jianyang' };
const NANPING = planSchema.parse(NANPING_JSON);
const jianyang = NANPING.units.find((u) => u.id === 'jianyang')!;
const CITY_LEADER = NANPING.city.leaderEmail!;

/** 建阳区's report returned on Fri 11 Nov 2016 at 10:00 (Beijing), its rectification notice sent at once. */
async function returned(plan: PlanInput = NANPING_JSON) {
  const clock = { t: beijing('2016-11-07T10:00:00'), now() { return this.t; } };
  const repo = makeMemoryRepository();
  const mailer = makeMemoryMailer();
  const ctx = makeContext({ repo, mailer, workflow: makeMemoryWorkflow(), clock });
  await startCycle(ctx, { plan, startedBy: 'city-admin' });
  const submit = () => submitDeliverable(ctx, { ...ids, deliverableId: REPORT, submittedBy: 'jy', selfAssessment: exampleSelfAssessment(NANPING) });
  await submit();
  clock.t = beijing('2016-11-11T10:00:00');
  await decideReview(ctx, { ...ids, round: 1, outcome: 'returned', reason: '台账不完整。', decidedBy: 'city-a' });
  expect((await issueRectification(ctx, { ...ids, round: 1 })).notice).toBe('sent');
  /** What EscalateIfUnsigned does at `local` (Beijing). */
  const check = (local: string) => {
    clock.t = beijing(local);
    return sendUnitNotice(ctx, { ...ids, notice: { kind: 'signing-escalation', round: 1 } });
  };
  const escalations = () => mailer.sent.filter((m) => m.tags?.kind === 'escalation');
  const noticeId = messageIdOf({ kind: 'rectification', milestone: 'round-1', recipient: jianyang.office.email });
  return { clock, repo, mailer, ctx, check, escalations, submit, noticeId };
}

describe('a rectification notice left unsigned (EscalateIfUnsigned)', () => {
  it('signed in time: escalates nothing, and the resubmission wait no longer wakes for the ladder', async () => {
    const s = await returned();
    s.clock.t = beijing('2016-11-14T16:00:00');
    await signNotice(s.ctx, { ...ids, messageId: s.noticeId, signedBy: 'jy-staff' });
    for (const at of ['2016-11-16T09:00:00', '2016-11-21T09:00:00', '2016-11-22T12:00:00']) {
      expect(await s.check(at)).toEqual({ status: 'not-needed', messages: 0 });
    }
    expect(s.escalations()).toEqual([]);
    s.clock.t = beijing('2016-11-15T10:00:00');
    expect((await prepareReviewStep(s.ctx, { ...ids, step: 'await-submission', round: 2 })).timeoutSeconds).toBe(RECHECK_SECONDS);
  });

  it('left unsigned: the leader in charge (office in copy), then the city office, each at its rung and once', async () => {
    const s = await returned();
    // The wait wakes for the first rung: Tue 10:00 to Wed 09:00.
    s.clock.t = beijing('2016-11-15T10:00:00');
    expect((await prepareReviewStep(s.ctx, { ...ids, step: 'await-submission', round: 2 })).timeoutSeconds).toBe(23 * 3600);
    expect(await s.check('2016-11-15T23:59:59')).toEqual({ status: 'not-needed', messages: 0 });

    expect(await s.check('2016-11-16T09:00:00')).toEqual({ status: 'sent', messages: 1 });
    const [leader] = s.escalations();
    expect([leader.to, leader.cc]).toEqual([[jianyang.leader.email], [jianyang.office.email]]);
    expect(leader.subject).toContain('督办：建阳区未按期签收自评报告限期整改通知');
    // What was not signed, since when, and by when it was due.
    expect(leader.text).toContain('于2016年11月11日（星期五）10:00向建阳区发出自评报告限期整改通知');
    expect(leader.text).toContain('应于2016年11月15日（星期二）23:59前签收');
    // A duplicate event, or a retry after the send: nothing twice.
    expect(await s.check('2016-11-16T09:00:05')).toEqual({ status: 'already-sent', messages: 0 });
    expect(s.escalations()).toHaveLength(1);

    expect(await s.check('2016-11-21T09:00:00')).toEqual({ status: 'sent', messages: 1 });
    expect(s.escalations().map((m) => m.to[0])).toEqual([jianyang.leader.email, CITY_LEADER]);

    // Both are the unit's messages, as every email; the leader's is a notice the unit signs for.
    const city = await unitMessages(s.ctx, { ...ids, role: 'city' });
    expect(city.messages.filter((m) => m.milestone.startsWith('signing#')).map((m) => [m.milestone, m.recipient, m.notice])).toEqual([
      ['signing#round-1#L1', jianyang.leader.email, true],
      ['signing#round-1#L2', CITY_LEADER, false],
    ]);
    // Nanping's third rung (Wed 23 Nov) comes after the rectification deadline (Tue 22 Nov): the missed
    // rectification's own ladder takes over there.
    expect(await s.check('2016-11-23T09:00:00')).toEqual({ status: 'already-sent', messages: 0 });
    expect(s.escalations()).toHaveLength(2);
  });

  it('with a longer rectification period, the top rung drafts 通报批评 / 挂牌督办 about the unsigned notice, once', async () => {
    const s = await returned(withReview({ rectificationDays: 10 }));
    await s.check('2016-11-16T09:00:00');
    await s.check('2016-11-21T09:00:00');
    expect(await s.check('2016-11-23T09:00:00')).toEqual({ status: 'sent', messages: 1 });
    expect(await s.check('2016-11-23T09:01:00')).toEqual({ status: 'already-sent', messages: 0 });
    const draft = s.escalations()[2];
    expect(draft.to).toEqual([CITY_LEADER]);
    expect(draft.subject).toContain('拟对建阳区通报批评并挂牌督办（未按期签收自评报告限期整改通知）');
    const { proposals } = await listProposals(s.ctx, { cycleId: ids.cycleId });
    expect(proposals.map((p) => [p.unit.unitId, p.about, p.dueAt.beijing, p.level])).toEqual([['jianyang', 'signing', '2016-11-15T23:59:59+08:00', 3]]);
    expect(proposals[0].text.zh).toContain('未在2016年11月15日（星期二）23:59前签收自评报告限期整改通知');
    const audit = (await s.repo.listAudit(ids.cycleId)).filter((a) => a.action === 'propose-supervision');
    expect(audit.map((a) => a.why)).toEqual(['自评报告限期整改通知未按期签收']);
  });

  it('a unit that resubmitted has answered the notice: the ladder stops, before or after the period ends', async () => {
    const early = await returned();
    early.clock.t = beijing('2016-11-14T11:00:00');
    await early.submit();
    expect(await early.check('2016-11-16T09:00:00')).toEqual({ status: 'not-needed', messages: 0 });

    const late = await returned();
    await late.check('2016-11-16T09:00:00');
    late.clock.t = beijing('2016-11-17T11:00:00');
    await late.submit();
    expect(await late.check('2016-11-21T09:00:00')).toEqual({ status: 'not-needed', messages: 0 });
    expect(late.escalations().map((m) => m.to[0])).toEqual([jianyang.leader.email]);
  });

  it('catching up (a restart after the rungs): every rung that came due goes, once', async () => {
    const s = await returned();
    expect(await s.check('2016-11-21T12:00:00')).toEqual({ status: 'sent', messages: 2 });
    expect(await s.check('2016-11-21T12:00:00')).toEqual({ status: 'already-sent', messages: 0 });
    expect(s.escalations().map((m) => m.to[0])).toEqual([jianyang.leader.email, CITY_LEADER]);
  });

  it('a notice that never reached the unit (its address bounced) is not escalated as unsigned', async () => {
    const clock = { t: beijing('2016-11-07T10:00:00'), now() { return this.t; } };
    const repo = makeMemoryRepository();
    const mailer = makeMemoryMailer();
    const ctx = makeContext({ repo, mailer, workflow: makeMemoryWorkflow(), clock });
    await startCycle(ctx, { plan: NANPING_JSON, startedBy: 'city-admin' });
    await submitDeliverable(ctx, { ...ids, deliverableId: REPORT, submittedBy: 'jy', selfAssessment: exampleSelfAssessment(NANPING) });
    await repo.markContactUndeliverable({ email: jianyang.office.email, reason: 'bounce', detail: '550 user unknown', since: '2016-11-08T01:00:00.000Z' });
    clock.t = beijing('2016-11-11T10:00:00');
    await decideReview(ctx, { ...ids, round: 1, outcome: 'returned', reason: '台账不完整。', decidedBy: 'city-a' });
    expect((await issueRectification(ctx, { ...ids, round: 1 })).notice).toBe('suppressed');
    clock.t = beijing('2016-11-16T09:00:00');
    expect(await sendUnitNotice(ctx, { ...ids, notice: { kind: 'signing-escalation', round: 1 } })).toEqual({ status: 'not-needed', messages: 0 });
  });

  it('refuses a round that was not returned', async () => {
    const s = await returned();
    await expect(sendUnitNotice(s.ctx, { ...ids, notice: { kind: 'signing-escalation', round: 2 } })).rejects.toMatchObject({ name: 'InvalidTaskInputError' });
  });
});

describe("the city's 总览 counts each unit's unsigned notices", () => {
  it('counts the rectification notice until the unit signs for it', async () => {
    const s = await returned();
    const row = async () => (await dashboard(s.ctx, { cycleId: ids.cycleId })).units.find((u) => u.unitId === 'jianyang')!;
    const before = (await row()).unsignedNotices;
    expect(before).toBeGreaterThan(0);
    await signNotice(s.ctx, { ...ids, messageId: s.noticeId, signedBy: 'jy-staff' });
    expect((await row()).unsignedNotices).toBe(before - 1);
  });
});
