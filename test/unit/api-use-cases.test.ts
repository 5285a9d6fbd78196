/**
 * The use cases behind the HTTP API, against in-memory adapters (repository, mailer, workflow, documents)
 * with the Nanping 2016 plan: submitting and previewing a self-assessment, the city's decision with its
 * rules and optimistic locking, and the views (a unit's overview, the dashboard, submissions, receipt, a
 * version with download links). Times are set on the context's clock; days are counted by hand on
 * China's 2016 calendar.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeMemoryDocumentStore } from '../../core/adapters/memory/documents';
import { makeMemoryMailer } from '../../core/adapters/memory/mailer';
import { makeMemoryRepository } from '../../core/adapters/memory/repository';
import { makeMemoryWorkflow } from '../../core/adapters/memory/workflow';
import { DOWNLOAD_LINK_SECONDS } from '../../core/documents';
import { DecisionConflictError, PhaseNotOpenError, ReviewClosedError, ValidationError } from '../../core/errors';
import type { Actor } from '../../core/model';
import { planSchema } from '../../core/plan/schema';
import { makeContext, type Context } from '../../core/use-cases/context';
import { startCycle } from '../../core/use-cases/cycle';
import { sendUnitNotice } from '../../core/use-cases/notices';
import { awaitSubmission, decideReview, issueRectification, recordOutcome, requestReview, type DecideInput } from '../../core/use-cases/review';
import { previewSelfAssessment, submitDeliverable } from '../../core/use-cases/submissions';
import { checkUpload, createUpload } from '../../core/use-cases/uploads';
import { dashboard, getVersion, listUnitSubmissions, receiptOf, unitOverview } from '../../core/use-cases/views';
import { exampleSelfAssessment } from '../../local/scenario';

const planJson = JSON.parse(readFileSync(new URL('../../plans/nanping-2016.json', import.meta.url), 'utf8'));
const NANPING = planSchema.parse(planJson);
const CYCLE = 'nanping-2016';
const REPORT = 'self-assessment-report';
const at = (iso: string) => Date.parse(iso);

async function started(nowIso: string) {
  const clock = { t: at('2016-03-31T16:00:00Z'), now() { return this.t; } };
  const repo = makeMemoryRepository();
  const mailer = makeMemoryMailer();
  const workflow = makeMemoryWorkflow();
  const documents = makeMemoryDocumentStore();
  const ctx: Context = makeContext({ repo, mailer, workflow, documents, clock });
  await startCycle(ctx, { plan: planJson, startedBy: 'city-admin' });
  clock.t = at(nowIso);
  return { clock, repo, mailer, workflow, documents, ctx };
}
type Setup = Awaited<ReturnType<typeof started>>;

const submit = (s: Setup, unitId: string, deliverableId: string, over: Partial<Parameters<typeof submitDeliverable>[1]> = {}) =>
  submitDeliverable(s.ctx, {
    cycleId: CYCLE, unitId, deliverableId, submittedBy: `${unitId}-staff`,
    ...(deliverableId === REPORT ? { selfAssessment: exampleSelfAssessment(NANPING) } : {}),
    ...over,
  });

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
}

async function problemsOf(promise: Promise<unknown>) {
  const err = await rejection(promise);
  expect(err).toBeInstanceOf(ValidationError);
  return (err as ValidationError).problems.map((p) => `${p.path} ${p.rule}`);
}

const decideActions = async (s: Setup) => (await s.repo.listAudit(CYCLE)).filter((a) => a.action === 'decide');

// ---- submitDeliverable and previewSelfAssessment ----------------------------------------------------

describe('submitDeliverable', () => {
  it('refuses a deliverable whose phase has not opened yet and stores and sends nothing', async () => {
    // Prepare: the self-assessment phase opens 1 Nov 2016 (from 00:00 Beijing).
    const s = await started('2016-10-20T02:00:00Z');

    // Act
    const err = await rejection(submit(s, 'yanping', REPORT));

    // Assess
    expect(err).toBeInstanceOf(PhaseNotOpenError);
    expect((err as PhaseNotOpenError).details).toEqual({ opensAt: '2016-10-31T16:00:00Z' });
    expect(await s.repo.listUnitSubmissions(CYCLE, 'yanping')).toEqual([]);
    expect(await s.repo.getDeliverableStatus(CYCLE, 'yanping', REPORT)).toBeNull();
    expect(s.mailer.sent).toHaveLength(0);
    expect((await s.repo.listAudit(CYCLE)).filter((a) => a.action === 'submit')).toEqual([]);
  });

  it('accepts the deliverable from 00:00 Beijing on its phase\'s first day', async () => {
    const s = await started('2016-10-31T15:59:59Z');
    await expect(submit(s, 'yanping', REPORT)).rejects.toBeInstanceOf(PhaseNotOpenError);
    s.clock.t = at('2016-10-31T16:00:00Z');
    expect(await submit(s, 'yanping', REPORT)).toMatchObject({ version: 1, onTime: true });
  });

  it('says when the phase opens in Beijing time, not as a UTC instant', async () => {
    const s = await started('2016-10-20T02:00:00Z');
    const err = (await rejection(submit(s, 'yanping', REPORT))) as PhaseNotOpenError;
    expect(err.text.zh).toContain('2016年11月1日');
    expect(err.text.en).toContain('1 November 2016');
    expect(`${err.text.zh} ${err.text.en}`).not.toContain('T16:00:00Z');
  });

  it('requires the self-assessment on the self-assessment report, and stores nothing without it', async () => {
    const s = await started('2016-11-07T02:00:00Z');

    const problems = await problemsOf(submitDeliverable(s.ctx, { cycleId: CYCLE, unitId: 'yanping', deliverableId: REPORT, submittedBy: 'yp', narrative: '见附件' }));

    expect(problems).toEqual(['selfAssessment required']);
    expect(await s.repo.listUnitSubmissions(CYCLE, 'yanping')).toEqual([]);
    expect(s.mailer.sent).toHaveLength(0);
  });

  it('refuses a self-assessment on the implementation plan, and stores nothing', async () => {
    const s = await started('2016-05-10T02:00:00Z');

    const problems = await problemsOf(submit(s, 'yanping', 'implementation-plan', { selfAssessment: exampleSelfAssessment(NANPING) }));

    expect(problems).toEqual(['selfAssessment not-allowed']);
    expect(await s.repo.getDeliverableStatus(CYCLE, 'yanping', 'implementation-plan')).toBeNull();
    expect(s.mailer.sent).toHaveLength(0);
  });

  it('refuses a self-assessment with errors (a score above the maximum), and stores nothing', async () => {
    const s = await started('2016-11-07T02:00:00Z');
    const sa = exampleSelfAssessment(NANPING);
    sa.scores[0] = { ...sa.scores[0], score: 99 };

    const problems = await problemsOf(submit(s, 'yanping', REPORT, { selfAssessment: sa }));

    expect(problems).toEqual(['selfAssessment.scores[0].score exceeds-max']);
    expect(await s.repo.listUnitSubmissions(CYCLE, 'yanping')).toEqual([]);
  });

  it('keeps the figures and the findings the server computed on the version', async () => {
    const s = await started('2016-11-07T02:00:00Z');
    const sa = { ...exampleSelfAssessment(NANPING, 9), roster: exampleSelfAssessment(NANPING, 9).roster.map((r, i) => (i === 8 ? { ...r, created: false, qualified: false } : r)) };

    const v = await submit(s, 'yanping', REPORT, { selfAssessment: sa });

    const stored = await s.repo.getSubmission(CYCLE, 'yanping', REPORT, v.version);
    expect(stored?.selfAssessment?.figures).toMatchObject({ communities: 9, created: 8, qualified: 8, passRate: 1, selfScore: 100 });
    expect(stored?.selfAssessment?.figures.coverage).toBeCloseTo(8 / 9, 12);
    expect(stored?.selfAssessment?.findings.map((f) => f.rule)).toEqual(['coverage-below-target']);
    expect(stored?.selfAssessment?.findings[0].message.zh).toContain('88.8%（8/9）');
    expect(stored?.selfAssessment?.roster).toHaveLength(9);
  });

  it('accepts a late submission and flags it late; a second earlier is on time', async () => {
    // The report is due 10 Nov "before" (exclusive): its last day is Wed 9 Nov, until 23:59:59.999 Beijing.
    const s = await started('2016-11-09T15:59:59.999Z');
    const onTime = await submit(s, 'songxi', REPORT);
    s.clock.t = at('2016-11-09T16:00:00Z');

    const late = await submit(s, 'yanping', REPORT);

    expect(onTime).toMatchObject({ version: 1, onTime: true });
    expect(late).toMatchObject({ version: 1, onTime: false, receivedAt: '2016-11-09T16:00:00.000Z' });
    expect(await s.repo.getDeliverableStatus(CYCLE, 'yanping', REPORT)).toMatchObject({ latestVersion: 1, onTime: false });
    expect(s.mailer.sent.filter((m) => m.to[0] === 'yanping-office@nanping.example.cn')).toHaveLength(1);
  });

  it('a request that stored its version and died before answering stores nothing more when retried with its key, and sends the receipt', async () => {
    // The crash: the version and its request key are written (one transaction), then the process dies
    // before the receipt and the answer; the idempotency record's lease runs out; the county retries.
    const s = await started('2016-11-03T02:00:00Z');
    const key = 'yanping#9f1c2d3e-retry';
    await s.repo.addSubmission(
      { cycleId: CYCLE, unitId: 'yanping', deliverableId: 'implementation-plan', receivedAt: '2016-11-03T02:00:00.000Z', onTime: false, submittedBy: 'yanping-staff', documents: [] },
      undefined,
      { key, expiresAt: at('2016-11-04T02:00:00Z') },
    );
    s.clock.t = at('2016-11-03T02:05:00Z');

    const retried = await submit(s, 'yanping', 'implementation-plan', { requestKey: key });
    const again = await submit(s, 'yanping', 'implementation-plan', { requestKey: key });

    expect(retried).toMatchObject({ version: 1, receivedAt: '2016-11-03T02:00:00.000Z' });
    expect(again.version).toBe(1);
    expect(await s.repo.getDeliverableStatus(CYCLE, 'yanping', 'implementation-plan')).toMatchObject({ latestVersion: 1 });
    expect(s.mailer.sent.filter((m) => m.to[0] === 'yanping-office@nanping.example.cn' && m.subject.includes('回执'))).toHaveLength(1);
    // Another key is another request: a new version.
    expect(await submit(s, 'yanping', 'implementation-plan', { requestKey: 'yanping#another' })).toMatchObject({ version: 2 });
  });
});

describe('previewSelfAssessment', () => {
  it('returns the figures, findings and errors and stores nothing, sends nothing, completes nothing', async () => {
    // Prepare: a unit whose execution waits for the report, so a stray store would complete its token.
    const s = await started('2016-11-07T02:00:00Z');
    await awaitSubmission(s.ctx, { cycleId: CYCLE, unitId: 'yanping', round: 1, taskToken: 'sub-1' });
    const before = structuredClone(s.repo.dump());
    const sa = exampleSelfAssessment(NANPING, 10);
    sa.roster = sa.roster.map((r, i) => (i < 3 ? { ...r, qualified: false } : r)); // 7 of 10 qualified
    sa.roster.push({ name: '第1社区', created: true, qualified: true }); // a duplicate name

    // Act
    const preview = await previewSelfAssessment(s.ctx, { cycleId: CYCLE, unitId: 'yanping', deliverableId: REPORT, selfAssessment: sa });

    // Assess
    expect(preview.canSubmit).toBe(false);
    expect(preview.errors.map((e) => `${e.path} ${e.rule}`)).toEqual(['selfAssessment.roster[10].name duplicate']);
    expect(preview.findings.map((f) => f.rule)).toEqual(['pass-rate-below-target']);
    // The duplicate is counted once (issue 8, finding 13: no figure beside the errors counts what they refuse).
    expect(preview.figures).toMatchObject({ communities: 10, created: 10, qualified: 7 });
    expect(structuredClone(s.repo.dump())).toEqual(before);
    expect(s.mailer.sent).toHaveLength(0);
    expect(s.workflow.completed.size).toBe(0);
  });

  it('says a clean self-assessment can be submitted', async () => {
    const s = await started('2016-11-07T02:00:00Z');
    const preview = await previewSelfAssessment(s.ctx, { cycleId: CYCLE, unitId: 'yanping', deliverableId: REPORT, selfAssessment: exampleSelfAssessment(NANPING) });
    expect(preview).toMatchObject({ canSubmit: true, errors: [], findings: [] });
    expect(preview.figures.selfScore).toBe(100);
  });

  it('refuses a preview on a deliverable that takes no self-assessment', async () => {
    const s = await started('2016-11-07T02:00:00Z');
    const problems = await problemsOf(previewSelfAssessment(s.ctx, { cycleId: CYCLE, unitId: 'yanping', deliverableId: 'progress-report-2', selfAssessment: exampleSelfAssessment(NANPING) }));
    expect(problems).toEqual(['selfAssessment not-allowed']);
  });
});

// ---- decideReview ------------------------------------------------------------------------------------

/** The unit submitted its report on 7 Nov; round 1 is under review (token `rev-<unit>-1`); now Fri 11 Nov, 10:00 Beijing. */
async function underReview(unitId: string, s?: Setup) {
  const setup = s ?? (await started('2016-11-07T02:00:00Z'));
  setup.clock.t = at('2016-11-07T02:00:00Z');
  await submit(setup, unitId, REPORT);
  setup.clock.t = at('2016-11-10T01:00:00Z');
  await awaitSubmission(setup.ctx, { cycleId: CYCLE, unitId, round: 1, taskToken: `sub-${unitId}-1` });
  await requestReview(setup.ctx, { cycleId: CYCLE, unitId, round: 1, version: 1, taskToken: `rev-${unitId}-1` });
  setup.clock.t = at('2016-11-11T02:00:00Z');
  return setup;
}

const decide = (s: Setup, unitId: string, over: Partial<DecideInput>) =>
  decideReview(s.ctx, { cycleId: CYCLE, unitId, round: 1, outcome: 'approved', decidedBy: 'city-a', ...over });

describe('decideReview: the rules of a decision', () => {
  it('refuses a return without a reason (blank counts as none) and records nothing', async () => {
    const s = await underReview('jianyang');

    expect(await problemsOf(decide(s, 'jianyang', { outcome: 'returned' }))).toEqual(['reason required']);
    expect(await problemsOf(decide(s, 'jianyang', { outcome: 'returned', reason: '   ' }))).toEqual(['reason required']);

    expect(await s.repo.getDecision(CYCLE, 'jianyang', 1)).toBeNull();
    expect(s.workflow.completed.has('rev-jianyang-1')).toBe(false);
    expect(await decideActions(s)).toEqual([]);
  });

  it('refuses a score above the item maximum, naming scores[i].score', async () => {
    const s = await underReview('jianyang');
    const scores = [
      { itemId: 'leadership', score: 4 },
      { itemId: 'incident-reporting', score: 2.5 }, // max 2
    ];

    const err = await rejection(decide(s, 'jianyang', { scores }));

    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).problems).toEqual([expect.objectContaining({ path: 'scores[1].score', rule: 'exceeds-max' })]);
    expect((err as ValidationError).problems[0].message.zh).toContain('评 2.5 分，超过该项满分 2 分');
    expect(await s.repo.getDecision(CYCLE, 'jianyang', 1)).toBeNull();
  });

  it('on a return, requires a reason for each item scored below its maximum; with reasons it records the city score', async () => {
    const s = await underReview('jianyang');
    const scores = [
      { itemId: 'leadership', score: 4 },
      { itemId: 'registers', score: 6 }, // max 8, no reason
      { itemId: 'late-reporting', score: 0 }, // a deduction item at 0 of 3: "below max" too
    ];

    const problems = await problemsOf(decide(s, 'jianyang', { outcome: 'returned', reason: '台账不完整', scores }));
    expect(problems).toEqual(['scores[1].reason required', 'scores[2].reason required']);

    const withReasons = scores.map((x) => (x.score < 4 || x.itemId === 'registers' ? { ...x, reason: '台账缺少参与者档案' } : x));
    const r = await decide(s, 'jianyang', { outcome: 'returned', reason: '台账不完整', scores: withReasons });
    expect(r.repeated).toBe(false);
    expect(r.decision).toMatchObject({ outcome: 'returned', cityScore: 10, version: 1 });
  });

  it('does not require item reasons on an approval', async () => {
    const s = await underReview('jianyang');
    const r = await decide(s, 'jianyang', { scores: [{ itemId: 'registers', score: 6 }] });
    expect(r.decision).toMatchObject({ outcome: 'approved', cityScore: 6 });
  });

  it('refuses a rectification day that is today or earlier, after the review ends, or set on an approval', async () => {
    const s = await underReview('jianyang');
    const returned = { outcome: 'returned' as const, reason: '台账不完整' };

    expect(await problemsOf(decide(s, 'jianyang', { ...returned, rectificationLastDay: '2016-11-11' }))).toEqual(['rectificationLastDay out-of-range']);
    expect(await problemsOf(decide(s, 'jianyang', { ...returned, rectificationLastDay: '2016-12-01' }))).toEqual(['rectificationLastDay out-of-range']);
    expect(await problemsOf(decide(s, 'jianyang', { rectificationLastDay: '2016-11-18' }))).toEqual(['rectificationLastDay not-allowed']);
    expect(await s.repo.getDecision(CYCLE, 'jianyang', 1)).toBeNull();

    // The review's last day itself is allowed.
    const r = await decide(s, 'jianyang', { ...returned, rectificationLastDay: '2016-11-30' });
    expect(r.decision.rectificationLastDay).toBe('2016-11-30');
  });

  it("uses the city's rectification day for the notice's deadline and for the resubmission's on-time flag", async () => {
    // Prepare: returned on Fri 11 Nov with Wed 16 Nov as the last day (the plan's rule would give Tue 22 Nov).
    const s = await underReview('jianyang');
    await decide(s, 'jianyang', { outcome: 'returned', reason: '台账不完整', rectificationLastDay: '2016-11-16', decidedBy: 'city-a' });

    // Act
    const rect = await issueRectification(s.ctx, { cycleId: CYCLE, unitId: 'jianyang', round: 1 });
    s.clock.t = at('2016-11-16T15:59:59.500Z');
    // The unit's page says the same deadline, on its last day 0 days left.
    expect((await overview(s, 'jianyang')).review.rectification).toMatchObject({ round: 2, lastDay: '2016-11-16', dueAt: { iso: '2016-11-16T15:59:59Z' }, daysLeft: 0 });
    const inTime = await submit(s, 'jianyang', REPORT);
    s.clock.t = at('2016-11-16T16:00:00Z');
    const tooLate = await submit(s, 'jianyang', REPORT);

    // Assess: end of 16 Nov in Beijing.
    expect(rect).toMatchObject({ round: 2, exhausted: false, deadline: '2016-11-16T15:59:59Z' });
    // Resubmitted: no rectification is open any more.
    expect((await overview(s, 'jianyang')).review.rectification).toBeNull();
    expect(s.mailer.sent.find((m) => m.subject.includes('限期整改'))?.text).toContain('2016年11月16日（星期三）23:59');
    expect(inTime).toMatchObject({ version: 2, onTime: true });
    expect(tooLate).toMatchObject({ version: 3, onTime: false });
  });

  it('moves a rectification day that falls on a day off to the next working day, as every deadline', async () => {
    const s = await underReview('jianyang');
    expect((await overview(s, 'jianyang')).review.rectification).toBeNull();
    await decide(s, 'jianyang', { outcome: 'returned', reason: '台账不完整', rectificationLastDay: '2016-11-19' }); // Saturday
    // Decided on Fri 11 Nov: Mon 14 to Mon 21 Nov is 6 working days.
    expect((await overview(s, 'jianyang')).review.rectification).toMatchObject({ round: 2, lastDay: '2016-11-21', daysLeft: 6 });
    const rect = await issueRectification(s.ctx, { cycleId: CYCLE, unitId: 'jianyang', round: 1 });
    expect(rect.deadline).toBe('2016-11-21T15:59:59Z'); // Monday
  });
});

describe('decideReview: one decision per round', () => {
  it('refuses a decision about another version than the one under review, naming it, and records nothing', async () => {
    const s = await underReview('jianyang');

    const err = await rejection(decide(s, 'jianyang', { version: 2 }));

    expect(err).toBeInstanceOf(DecisionConflictError);
    expect((err as DecisionConflictError).details).toEqual({ round: 1, versionUnderReview: 1 });
    expect(await s.repo.getDecision(CYCLE, 'jianyang', 1)).toBeNull();
    expect(s.workflow.completed.has('rev-jianyang-1')).toBe(false);
  });

  it('of two city users deciding at once, records exactly one; the other gets a conflict naming the winner', async () => {
    const s = await underReview('jianyang');

    // Act
    const results = await Promise.allSettled([
      decide(s, 'jianyang', { outcome: 'approved', decidedBy: 'city-a' }),
      decide(s, 'jianyang', { outcome: 'returned', reason: '台账不完整', decidedBy: 'city-b' }),
    ]);

    // Assess
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const recorded = await s.repo.getDecision(CYCLE, 'jianyang', 1);
    const winner = recorded!.decidedBy;
    const loser = winner === 'city-a' ? 'city-b' : 'city-a';
    const error = lost[0].reason as DecisionConflictError;
    expect(error).toBeInstanceOf(DecisionConflictError);
    expect(error.text.en).toContain(`already decided by ${winner}`);
    expect(error.text.zh).toContain(`已由 ${winner} 于 2016年11月11日 10:00 作出决定`);
    expect(error.text.en).not.toContain(loser);
    expect(error.details).toMatchObject({ decision: { decidedBy: winner, outcome: recorded!.outcome } });
    expect(await decideActions(s)).toHaveLength(1);
    expect(s.workflow.completed.get('rev-jianyang-1')).toEqual({ round: 1, outcome: recorded!.outcome });
  });

  it('answers the same user repeating the decision with the recorded one, marked repeated', async () => {
    const s = await underReview('jianyang');
    const first = await decide(s, 'jianyang', { outcome: 'returned', reason: '台账不完整' });
    s.clock.t = at('2016-11-11T03:00:00Z');

    const again = await decide(s, 'jianyang', { outcome: 'returned', reason: '台账不完整' });

    expect(first).toMatchObject({ repeated: false, workflow: 'continued' });
    expect(again).toMatchObject({ repeated: true, workflow: 'task-already-closed' });
    expect(again.decision.decidedAt).toBe(first.decision.decidedAt);
    expect(await decideActions(s)).toHaveLength(1);
  });

  it('treats the same user with another reason as another decision: a conflict, not a silent repeat', async () => {
    const s = await underReview('jianyang');
    await decide(s, 'jianyang', { outcome: 'returned', reason: '台账不完整' });

    const other = await rejection(decide(s, 'jianyang', { outcome: 'returned', reason: '另一个理由' }));

    expect(other).toBeInstanceOf(DecisionConflictError);
    expect((await s.repo.getDecision(CYCLE, 'jianyang', 1))!.reason).toBe('台账不完整');
  });

  it('once the outcome is recorded, refuses a new decision with ReviewClosedError and records nothing', async () => {
    const s = await underReview('jianyang');
    s.clock.t = at('2016-11-30T16:00:00Z');
    await recordOutcome(s.ctx, { cycleId: CYCLE, unitId: 'jianyang', outcome: 'review-overdue' });

    const err = await rejection(decide(s, 'jianyang', { outcome: 'approved' }));

    expect(err).toBeInstanceOf(ReviewClosedError);
    expect((err as ReviewClosedError).details).toMatchObject({ outcome: 'review-overdue' });
    expect(await s.repo.getDecision(CYCLE, 'jianyang', 1)).toBeNull();
    expect(await decideActions(s)).toEqual([]);
    expect(s.workflow.completed.has('rev-jianyang-1')).toBe(false);
  });
});

// ---- Views ---------------------------------------------------------------------------------------------

type Overview = Awaited<ReturnType<typeof unitOverview>>;
const deliverable = (o: Pick<Overview, 'phases'>, id: string) => o.phases.flatMap((p) => p.deliverables).find((d) => d.deliverableId === id)!;
const phase = (o: Pick<Overview, 'phases'>, kind: string) => o.phases.find((p) => p.kind === kind)!;
const overview = (s: Setup, unitId = 'yanping') => unitOverview(s.ctx, { cycleId: CYCLE, unitId });

describe('unitOverview', () => {
  it('counts the working days left to the last day: Mon 7 Nov to Wed 9 Nov is 2', async () => {
    const s = await started('2016-11-07T02:00:00Z');

    const o = await overview(s);

    expect(deliverable(o, REPORT)).toMatchObject({ state: 'due', lastDay: '2016-11-09', daysLeft: 2, daysOverdue: 0, latestVersion: 0 });
    expect(deliverable(o, REPORT).dueAt).toMatchObject({ iso: '2016-11-09T15:59:59Z', beijing: '2016-11-09T23:59:59+08:00' });
    expect(phase(o, 'self-assessment').state).toBe('open');
    // Progress report (2) was due Mon 31 Oct: 1, 2, 3, 4 and 7 Nov are working days past it.
    expect(deliverable(o, 'progress-report-2')).toMatchObject({ state: 'missing', daysLeft: null, daysOverdue: 5 });
  });

  it('says 0 days left on the last day itself, and not yet due before its phase opens', async () => {
    const s = await started('2016-10-31T02:00:00Z');

    const o = await overview(s);

    expect(deliverable(o, 'progress-report-2')).toMatchObject({ state: 'due', daysLeft: 0 });
    expect(deliverable(o, REPORT).state).toBe('not-yet-due');
    expect(phase(o, 'self-assessment').state).toBe('upcoming');
    expect(phase(o, 'mobilisation').state).toBe('closed');
  });

  // BUG (core/use-cases/views.ts deliverableView, `past = nowMs > Date.parse(slot.dueAt)`): the deadline's
  // inclusive end is 23:59:59 and a submission until …:59.999 is on time (core/time.ts isOnTime), but the
  // overview and dashboard already call the deliverable 'missing' (daysLeft null) within that last second.
  // `past` should be `!isOnTime(nowMs, slot.dueAt)`.
  it('does not call a deliverable missing while a submission would still be on time', async () => {
    const s = await started('2016-11-09T15:59:59.500Z');
    const o = await overview(s);
    const v = await submit(s, 'yanping', REPORT);
    expect(v.onTime).toBe(true);
    expect(deliverable(o, REPORT)).toMatchObject({ state: 'due', daysLeft: 0 });
  });

  it("counts days overdue on China's calendar: the Dragon Boat holiday (9-11 Jun) is off, Sun 12 Jun is a working day", async () => {
    // The implementation plan was due Tue 31 May; on Mon 13 Jun: 1, 2, 3, 6, 7, 8, 12, 13 Jun.
    const s = await started('2016-06-13T02:00:00Z');
    expect(deliverable(await overview(s), 'implementation-plan')).toMatchObject({ state: 'missing', daysOverdue: 8, daysLeft: null });
  });

  it('tells submitted on time from submitted late, with how late and the Beijing receipt times', async () => {
    const s = await started('2016-05-20T02:00:00Z');
    await submit(s, 'yanping', 'implementation-plan');
    // Progress report (1) is due Sun 31 Jul, moved to Mon 1 Aug; it arrives Wed 3 Aug.
    s.clock.t = at('2016-08-03T02:00:00Z');
    await submit(s, 'yanping', 'progress-report-1');

    const o = await overview(s);

    expect(deliverable(o, 'implementation-plan')).toMatchObject({ state: 'submitted-on-time', daysLeft: null, daysOverdue: 0, latestVersion: 1 });
    expect(deliverable(o, 'progress-report-1')).toMatchObject({ state: 'submitted-late', lastDay: '2016-08-01', daysLeft: null, daysOverdue: 2 });
    expect(deliverable(o, 'progress-report-1').firstReceivedAt).toMatchObject({ beijing: '2016-08-03T10:00:00+08:00', zh: '2016年8月3日 10:00' });
    expect(deliverable(o, 'progress-report-2')).toMatchObject({ state: 'due' });
  });

  it("counts only the reminders actually sent for that deliverable to that unit", async () => {
    const s = await started('2016-11-02T01:00:00Z');
    const reminder = (unitId: string, milestone: string) =>
      sendUnitNotice(s.ctx, { cycleId: CYCLE, unitId, notice: { kind: 'reminder', deliverableId: REPORT, milestone } });
    expect((await reminder('yanping', 'D-7')).status).toBe('sent');
    expect((await reminder('jianyang', 'D-7')).status).toBe('sent'); // another unit's
    // A reminder claimed and never sent (the attempt died): not counted.
    const office = 'yanping-office@nanping.example.cn';
    await s.repo.claimMessage(
      { cycleId: CYCLE, unitId: 'yanping', kind: 'reminder', milestone: `${REPORT}#2016-11-09#D-3`, recipient: office, subject: 's', cc: [], claimedAt: '2016-11-04T01:00:00.000Z' },
      '2016-11-04T00:00:00.000Z',
    );
    // A sent reminder of another deliverable.
    const other = { cycleId: CYCLE, unitId: 'yanping', kind: 'reminder' as const, milestone: 'progress-report-2#2016-10-31#D-1', recipient: office };
    await s.repo.claimMessage({ ...other, subject: 's', cc: [], claimedAt: '2016-10-28T01:00:00.000Z' }, '2016-10-28T00:00:00.000Z');
    await s.repo.markMessageSent(other, 'm-1', '2016-10-28T01:00:01.000Z');

    const o = await overview(s);

    expect(deliverable(o, REPORT).remindersSent).toBe(1);
    expect(deliverable(o, 'progress-report-2').remindersSent).toBe(1);
    expect(deliverable(o, 'progress-report-1').remindersSent).toBe(0);
  });
});

describe('dashboard', () => {
  it('totals every unit: on time, late, missing, qualified', async () => {
    // Prepare: on Fri 3 Jun the implementation plan (due Tue 31 May) is past.
    const s = await started('2016-05-20T02:00:00Z');
    await submit(s, 'yanping', 'implementation-plan');
    s.clock.t = at('2016-05-30T02:00:00Z');
    await submit(s, 'shaowu', 'implementation-plan');
    s.clock.t = at('2016-06-02T02:00:00Z');
    await submit(s, 'jianyang', 'implementation-plan');
    await submit(s, 'shaowu', 'implementation-plan'); // a late second version of an on-time submission
    s.clock.t = at('2016-06-03T02:00:00Z');
    await recordOutcome(s.ctx, { cycleId: CYCLE, unitId: 'yanping', outcome: 'qualified' });
    await recordOutcome(s.ctx, { cycleId: CYCLE, unitId: 'shaowu', outcome: 'not-qualified' });

    // Act
    const d = await dashboard(s.ctx, { cycleId: CYCLE });

    // Assess
    expect(d.totals).toEqual({ units: 10, submittedOnTime: 2, submittedLate: 1, missing: 7, qualified: 1 });
    const unit = (id: string) => d.units.find((u) => u.unitId === id)!;
    expect(deliverable(unit('jianyang'), 'implementation-plan')).toMatchObject({ state: 'submitted-late', daysOverdue: 2 });
    expect(deliverable(unit('shaowu'), 'implementation-plan')).toMatchObject({ state: 'submitted-on-time', latestVersion: 2 });
    expect(deliverable(unit('songxi'), 'implementation-plan')).toMatchObject({ state: 'missing', daysOverdue: 3 });
    expect(deliverable(unit('songxi'), 'progress-report-1').state).toBe('due');
  });
});

describe('listUnitSubmissions', () => {
  it("lists each deliverable the unit submitted with every version, and no other unit's", async () => {
    const s = await started('2016-05-20T02:00:00Z');
    await submit(s, 'yanping', 'implementation-plan', { narrative: '初稿' });
    s.clock.t = at('2016-05-25T02:00:00Z');
    await submit(s, 'yanping', 'implementation-plan', { narrative: '修订稿' });
    await submit(s, 'jianyang', 'implementation-plan');
    s.clock.t = at('2016-07-20T02:00:00Z');
    await submit(s, 'yanping', 'progress-report-1');

    const list = await listUnitSubmissions(s.ctx, { cycleId: CYCLE, unitId: 'yanping' });

    expect(list.deliverables.map((d) => [d.deliverableId, d.versions.map((v) => v.version)])).toEqual([
      ['implementation-plan', [1, 2]],
      ['progress-report-1', [1]],
    ]);
    expect(list.deliverables[0].versions.map((v) => v.receivedAt.iso)).toEqual(['2016-05-20T02:00:00.000Z', '2016-05-25T02:00:00.000Z']);
    expect(list.deliverables[0].versions.every((v) => v.submittedBy === 'yanping-staff')).toBe(true);
  });
});

// ---- Receipt and version, with real checked documents -------------------------------------------------

const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n', 'latin1');
const PNG_HEAD = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0, 0x90, 0x77, 0x53, 0xde]);
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function checkedUpload(s: Setup, actor: Actor, fileName: string, contentType: string, bytes: Buffer) {
  const form = await createUpload(s.ctx, { cycleId: CYCLE, unitId: actor.unitId!, actor, fileName, contentType, size: bytes.byteLength });
  s.documents.putObject(form.key, bytes);
  const checked = await checkUpload(s.ctx, { cycleId: CYCLE, unitId: actor.unitId!, uploadId: form.uploadId, actor });
  expect(checked.status).toBe('checked');
  return checked;
}

describe('receiptOf and getVersion', () => {
  async function submittedWithDocuments() {
    const s = await started('2016-11-08T02:00:00Z');
    const yanping: Actor = { id: 'yanping-staff', role: 'county', unitId: 'yanping' };
    const report = await checkedUpload(s, yanping, '自评报告.pdf', 'application/pdf', PDF);
    const photo = await checkedUpload(s, yanping, '宣传栏.png', 'image/png', PNG_HEAD);
    const sa = exampleSelfAssessment(NANPING);
    sa.scores[7] = { ...sa.scores[7], evidence: [photo.uploadId] }; // evidence is attached to the version too
    const v = await submit(s, 'yanping', REPORT, { uploadIds: [report.uploadId], selfAssessment: sa });
    return { s, v, report, photo };
  }

  it('gives the receipt: server receipt time in Beijing, on time, and the SHA-256 of every document', async () => {
    const { s, v } = await submittedWithDocuments();

    const receipt = await receiptOf(s.ctx, { cycleId: CYCLE, unitId: 'yanping', deliverableId: REPORT, version: v.version });

    expect(receipt).toMatchObject({ receiptNo: 'nanping-2016/yanping/self-assessment-report/v1', issuer: NANPING.city.office, version: 1, onTime: true, submittedBy: 'yanping-staff' });
    expect(receipt.receivedAt).toEqual({
      iso: '2016-11-08T02:00:00.000Z',
      beijing: '2016-11-08T10:00:00+08:00',
      zh: '2016年11月8日 10:00',
      en: '8 November 2016, 10:00',
    });
    expect(receipt.documents).toEqual([
      { fileName: '自评报告.pdf', size: PDF.byteLength, sha256: sha256(PDF) },
      { fileName: '宣传栏.png', size: PNG_HEAD.byteLength, sha256: sha256(PNG_HEAD) },
    ]);
    expect(receipt.figures).toMatchObject({ selfScore: 100, coverage: 1 });
  });

  it('gives one version with download links from the documents store that expire in 5 minutes', async () => {
    const { s, v, report } = await submittedWithDocuments();
    s.clock.t = at('2016-11-09T03:00:00Z');

    const view = await getVersion(s.ctx, { cycleId: CYCLE, unitId: 'yanping', deliverableId: REPORT, version: v.version });

    expect(DOWNLOAD_LINK_SECONDS).toBe(300);
    expect(view.documents).toHaveLength(2);
    const doc = view.documents[0];
    const url = new URL(doc.downloadUrl);
    // The checked copy the server wrote, not the incoming key the browser posted to.
    expect(doc.downloadUrl.startsWith(`memory://documents/${report.document!.key}?`)).toBe(true);
    expect(report.document!.key.startsWith('documents/nanping-2016/yanping/')).toBe(true);
    expect(url.searchParams.get('expiresIn')).toBe('300');
    expect(url.searchParams.get('fileName')).toBe('自评报告.pdf');
    expect(url.searchParams.get('contentType')).toBe('application/pdf');
    expect(doc.linkExpiresAt.iso).toBe('2016-11-09T03:05:00.000Z');
    expect(doc.sha256).toBe(sha256(PDF));
    expect(view.selfAssessment?.figures.selfScore).toBe(100);
    expect(view.receivedAt.iso).toBe('2016-11-08T02:00:00.000Z');
    // A PDF is also linked for reading in the page: the same checked copy, shown inline.
    const viewUrl = new URL(doc.viewUrl!);
    expect(doc.viewUrl!.startsWith(`memory://documents/${report.document!.key}?`)).toBe(true);
    expect(viewUrl.searchParams.get('inline')).toBe('true');
    expect(url.searchParams.get('inline')).toBeNull();
    const others = view.documents.filter((d) => d.contentType !== 'application/pdf');
    for (const d of others) expect(d.viewUrl).toBeNull();
  });

  it('answers NotFound for a version that does not exist', async () => {
    const { s } = await submittedWithDocuments();
    await expect(receiptOf(s.ctx, { cycleId: CYCLE, unitId: 'yanping', deliverableId: REPORT, version: 2 })).rejects.toMatchObject({ name: 'NotFoundError', status: 404 });
  });
});
