/**
 * The use cases against in-memory adapters, driven in the order the unit state machine drives them.
 */
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeMemoryDocumentStore } from '../../core/adapters/memory/documents';
import { makeMemoryMailer } from '../../core/adapters/memory/mailer';
import { makeMemoryRepository } from '../../core/adapters/memory/repository';
import { makeMemoryWorkflow } from '../../core/adapters/memory/workflow';
import { DecisionConflictError, PlanConflictError, ReviewClosedError, TransientError, ValidationError } from '../../core/errors';
import { makeContext, type Context } from '../../core/use-cases/context';
import { forwardToProvince, registerCycle, startCycle, startUnitWorkflows } from '../../core/use-cases/cycle';
import { sendUnitNotice } from '../../core/use-cases/notices';
import { awaitSubmission, decideReview, issueRectification, prepareReviewStep, recordOutcome, requestReview } from '../../core/use-cases/review';
import { submitDeliverable } from '../../core/use-cases/submissions';
import { planSchema } from '../../core/plan/schema';
import { exampleSelfAssessment } from '../../local/scenario';
import { grantExtension } from '../../core/use-cases/extensions';

const NANPING = planSchema.parse(JSON.parse(readFileSync(new URL('../../plans/nanping-2016.json', import.meta.url), 'utf8')));
const planJson = JSON.parse(readFileSync(new URL('../../plans/nanping-2016.json', import.meta.url), 'utf8'));
const at = (iso: string) => Date.parse(iso);

function setup(startIso = '2016-03-31T16:00:00Z') {
  const clock = { t: at(startIso), now() { return this.t; } };
  const repo = makeMemoryRepository();
  const mailer = makeMemoryMailer();
  const workflow = makeMemoryWorkflow();
  const documents = makeMemoryDocumentStore();
  const ctx: Context = makeContext({ repo, mailer, workflow, documents, clock });
  return { clock, repo, mailer, workflow, documents, ctx };
}

describe('cycle use cases', () => {
  let s: ReturnType<typeof setup>;
  beforeEach(async () => {
    s = setup();
    await startCycle(s.ctx, { plan: planJson, startedBy: 'city-admin' });
  });

  it('refuses an invalid plan and stores and starts nothing', async () => {
    // Prepare
    const fresh = setup();
    const bad = { ...planJson, cycleId: 'other-2016', units: [] };
    // Act
    const act = startCycle(fresh.ctx, { plan: bad, startedBy: 'city-admin' });
    // Assess
    await expect(act).rejects.toBeInstanceOf(ValidationError);
    expect(await fresh.repo.getCycle('other-2016')).toBeNull();
    expect(fresh.workflow.started.size).toBe(0);
  });

  it('refuses a different plan under the same cycle id, and accepts the same plan again', async () => {
    const changed = { ...planJson, title: `${planJson.title}（修订）` };
    await expect(startCycle(s.ctx, { plan: changed, startedBy: 'x' })).rejects.toBeInstanceOf(PlanConflictError);
    const again = await startCycle(s.ctx, { plan: planJson, startedBy: 'x' });
    expect(again.stored).toBe('same');
    expect(again.started).toBe('exists');
  });

  it('starts one unit execution per unit, page by page, and never twice', async () => {
    const { schedule } = await registerCycle(s.ctx, { cycleId: 'nanping-2016', executionName: 'nanping-2016' });
    const first = await startUnitWorkflows(s.ctx, { cycleId: 'nanping-2016', executionName: 'nanping-2016', schedule, cursor: null });
    expect(first).toEqual({ started: 10, cursor: null });
    const again = await startUnitWorkflows(s.ctx, { cycleId: 'nanping-2016', executionName: 'nanping-2016', schedule, cursor: null });
    expect(again.started).toBe(0);
    expect([...s.workflow.started.keys()]).toContain('nanping-2016--yanping');
  });
});

describe('notices', () => {
  it('sends a reminder once, and none after the unit submitted', async () => {
    const s = setup('2016-11-02T01:00:00Z');
    await startCycle(s.ctx, { plan: planJson, startedBy: 'city-admin' });
    const notice = { kind: 'reminder', deliverableId: 'self-assessment-report', milestone: 'D-7' } as const;
    const first = await sendUnitNotice(s.ctx, { cycleId: 'nanping-2016', unitId: 'yanping', notice });
    const retry = await sendUnitNotice(s.ctx, { cycleId: 'nanping-2016', unitId: 'yanping', notice });
    expect(first.status).toBe('sent');
    expect(retry.status).toBe('already-sent');
    expect(s.mailer.sent.filter((m) => m.subject.includes('提醒'))).toHaveLength(1);
    expect(s.mailer.sent[0].to).toEqual([planJson.units.find((u: { id: string }) => u.id === 'yanping').office.email]);

    await submitDeliverable(s.ctx, { cycleId: 'nanping-2016', unitId: 'yanping', deliverableId: 'self-assessment-report', submittedBy: 'yanping-staff', selfAssessment: exampleSelfAssessment(NANPING) });
    s.clock.t = at('2016-11-05T01:00:00Z');
    const later = await sendUnitNotice(s.ctx, {
      cycleId: 'nanping-2016', unitId: 'yanping', notice: { ...notice, milestone: 'D-3' },
    });
    expect(later.status).toBe('not-needed');
  });

  it('climbs the escalation ladder: the leader in charge (office in copy), the city office, then a criticism draft for the city to confirm', async () => {
    const s = setup('2016-11-10T01:00:00Z');
    await startCycle(s.ctx, { plan: planJson, startedBy: 'city-admin' });
    const escalate = (level: number) =>
      sendUnitNotice(s.ctx, { cycleId: 'nanping-2016', unitId: 'songxi', notice: { kind: 'escalation', deliverableId: 'self-assessment-report', level } });
    expect(await escalate(1)).toEqual({ status: 'sent', messages: 1 });
    s.clock.t = at('2016-11-15T01:00:00Z');
    expect(await escalate(2)).toEqual({ status: 'sent', messages: 1 });
    s.clock.t = at('2016-11-17T01:00:00Z');
    expect(await escalate(3)).toEqual({ status: 'sent', messages: 1 });
    expect(await escalate(3)).toEqual({ status: 'already-sent', messages: 0 });
    const unit = planJson.units.find((u: { id: string }) => u.id === 'songxi');
    const city = planJson.city.leaderEmail ?? planJson.city.email;
    expect(s.mailer.sent.map((m) => [m.to, m.cc])).toEqual([
      [[unit.leader.email], [unit.office.email]],
      [[city], []],
      [[city], []],
    ]);
    expect(s.mailer.sent[0].subject).toContain('督办');
    expect(s.mailer.sent[0].text).toContain('2016年11月9日（星期三）23:59');
    expect(s.mailer.sent[2].subject).toContain('通报批评');
    expect(s.mailer.sent[2].text).toContain('挂牌督办');
    const proposals = (await s.repo.listAudit('nanping-2016')).filter((a) => a.action === 'propose-supervision');
    expect(proposals).toHaveLength(1);
    expect(proposals[0]).toMatchObject({ unitId: 'songxi', what: { deliverableId: 'self-assessment-report', status: 'awaiting-city-confirmation' } });
  });

  it('does not escalate a deliverable that arrived, and refuses a level the plan does not have', async () => {
    const s = setup('2016-11-09T02:00:00Z');
    await startCycle(s.ctx, { plan: planJson, startedBy: 'city-admin' });
    await submitDeliverable(s.ctx, { cycleId: 'nanping-2016', unitId: 'songxi', deliverableId: 'self-assessment-report', submittedBy: 'sx', selfAssessment: exampleSelfAssessment(NANPING) });
    const notice = { kind: 'escalation', deliverableId: 'self-assessment-report', level: 1 } as const;
    expect((await sendUnitNotice(s.ctx, { cycleId: 'nanping-2016', unitId: 'songxi', notice })).status).toBe('not-needed');
    const fresh = setup('2016-11-10T01:00:00Z');
    await startCycle(fresh.ctx, { plan: planJson, startedBy: 'city-admin' });
    await expect(sendUnitNotice(fresh.ctx, { cycleId: 'nanping-2016', unitId: 'songxi', notice: { ...notice, level: 4 } })).rejects.toMatchObject({ name: 'InvalidTaskInputError' });
  });

  it('gives a refused send its claim back, so the retry sends at once; a live claim of another attempt is in-flight', async () => {
    const s = setup('2016-04-01T01:00:00Z');
    await startCycle(s.ctx, { plan: planJson, startedBy: 'city-admin' });
    const notice = { kind: 'phase-opened', phase: 'mobilisation' } as const;
    s.mailer.failNext(new TransientError({ zh: '限流', en: 'throttled' }));
    await expect(sendUnitNotice(s.ctx, { cycleId: 'nanping-2016', unitId: 'yanping', notice })).rejects.toBeInstanceOf(TransientError);
    expect((await sendUnitNotice(s.ctx, { cycleId: 'nanping-2016', unitId: 'yanping', notice })).status).toBe('sent');
    expect(s.mailer.sent).toHaveLength(1);

    // Another attempt holds the key (it claimed and has not finished): this one must not send.
    const key = { cycleId: 'nanping-2016', unitId: 'jianou', kind: 'phase-opened' as const, milestone: 'mobilisation', recipient: planJson.units[3].office.email };
    await s.repo.claimMessage({ ...key, subject: 's', cc: [], claimedAt: new Date(s.clock.t).toISOString() }, new Date(0).toISOString());
    await expect(sendUnitNotice(s.ctx, { cycleId: 'nanping-2016', unitId: 'jianou', notice })).rejects.toBeInstanceOf(TransientError);
    expect(s.mailer.sent).toHaveLength(1);
  });

  it('once SES accepted a message, a failing mark-as-sent is retried and never makes the step fail (no second send)', async () => {
    const s = setup('2016-04-01T01:00:00Z');
    let failures = 1;
    const flaky = { ...s.repo, markMessageSent: async (...a: Parameters<typeof s.repo.markMessageSent>) => {
      if (failures-- > 0) throw new TransientError({ zh: '限流', en: 'throttled' });
      return s.repo.markMessageSent(...a);
    } };
    const ctx = makeContext({ repo: flaky, mailer: s.mailer, workflow: s.workflow, clock: s.clock });
    await startCycle(ctx, { plan: planJson, startedBy: 'city-admin' });
    const notice = { kind: 'phase-opened', phase: 'mobilisation' } as const;
    expect((await sendUnitNotice(ctx, { cycleId: 'nanping-2016', unitId: 'yanping', notice })).status).toBe('sent');
    s.clock.t += 10 * 60 * 1000; // past the whole retry window of a task
    expect((await sendUnitNotice(ctx, { cycleId: 'nanping-2016', unitId: 'yanping', notice })).status).toBe('already-sent');
    expect(s.mailer.sent).toHaveLength(1);
  });
});

describe('the review loop', () => {
  it('returned, rectified, approved: tokens complete once and the outcome is recorded once', async () => {
    const s = setup('2016-11-07T02:00:00Z');
    await startCycle(s.ctx, { plan: planJson, startedBy: 'city-admin' });
    const ids = { cycleId: 'nanping-2016', unitId: 'jianyang' };
    const v1 = await submitDeliverable(s.ctx, { ...ids, deliverableId: 'self-assessment-report', submittedBy: 'jy', selfAssessment: exampleSelfAssessment(NANPING) });
    expect(v1).toMatchObject({ version: 1, onTime: true });

    s.clock.t = at('2016-11-10T01:00:00Z');
    const wait1 = await awaitSubmission(s.ctx, { ...ids, round: 1, taskToken: 't-sub-1' });
    expect(wait1.waiting).toBe(false);
    expect(s.workflow.completed.get('t-sub-1')).toEqual({ version: 1, onTime: true });

    expect((await requestReview(s.ctx, { ...ids, round: 1, version: 1, taskToken: 't-rev-1' })).waiting).toBe(true);
    s.clock.t = at('2016-11-11T02:00:00Z');
    const d1 = await decideReview(s.ctx, { ...ids, round: 1, outcome: 'returned', reason: '台账<不完整>', decidedBy: 'city-a' });
    expect(d1.workflow).toBe('continued');
    await expect(decideReview(s.ctx, { ...ids, round: 1, outcome: 'approved', decidedBy: 'city-b' })).rejects.toBeInstanceOf(DecisionConflictError);
    const repeat = await decideReview(s.ctx, { ...ids, round: 1, outcome: 'returned', decidedBy: 'city-a' });
    expect(repeat).toMatchObject({ repeated: true, workflow: 'task-already-closed' });

    const rect = await issueRectification(s.ctx, { ...ids, round: 1 });
    // 7 working days after Fri 11 Nov: 14, 15, 16, 17, 18, 21, Tue 22 Nov.
    expect(rect).toMatchObject({ round: 2, exhausted: false, deadline: '2016-11-22T15:59:59Z' });
    const notice = s.mailer.sent.find((m) => m.subject.includes('限期整改'))!;
    expect(notice.html).toContain('台账&lt;不完整&gt;');
    expect(notice.text).toContain('2016年11月22日（星期二）23:59');

    expect((await awaitSubmission(s.ctx, { ...ids, round: 2, taskToken: 't-sub-2' })).waiting).toBe(true);
    s.clock.t = at('2016-11-14T02:00:00Z');
    const v2 = await submitDeliverable(s.ctx, { ...ids, deliverableId: 'self-assessment-report', submittedBy: 'jy', selfAssessment: exampleSelfAssessment(NANPING) });
    // In time for the rectification deadline (Tue 22 Nov), though after the report's own deadline.
    expect(v2).toMatchObject({ version: 2, onTime: true });
    expect(s.workflow.completed.get('t-sub-2')).toEqual({ version: 2, onTime: true });

    await requestReview(s.ctx, { ...ids, round: 2, version: 2, taskToken: 't-rev-2' });
    await decideReview(s.ctx, { ...ids, round: 2, outcome: 'approved', decidedBy: 'city-a' });
    expect(s.workflow.completed.get('t-rev-2')).toEqual({ round: 2, outcome: 'approved' });

    // A decision's outcome is noticed at once; the workflow then sends the notice (SendOutcomeNotice), once.
    const now = new Date(s.clock.t).toISOString().replace('.000', '');
    expect(await recordOutcome(s.ctx, { ...ids, outcome: 'qualified' })).toEqual({ outcome: 'qualified', recorded: true, noticeAt: now });
    expect(await recordOutcome(s.ctx, { ...ids, outcome: 'not-qualified' })).toEqual({ outcome: 'qualified', recorded: false, noticeAt: now });
    await sendUnitNotice(s.ctx, { ...ids, notice: { kind: 'outcome' } });
    await sendUnitNotice(s.ctx, { ...ids, notice: { kind: 'outcome' } });
    expect(s.mailer.sent.filter((m) => m.subject.includes('初评结果'))).toHaveLength(1);

    const forwarded = await forwardToProvince(s.ctx, { cycleId: 'nanping-2016' });
    expect(forwarded.qualified).toEqual(['jianyang']);
    await forwardToProvince(s.ctx, { cycleId: 'nanping-2016' });
    expect(s.mailer.sent.filter((m) => m.to[0] === planJson.province.email)).toHaveLength(1);
  });

  it('a restarted review task finds the decision already made and completes its own new token', async () => {
    const s = setup('2016-11-07T02:00:00Z');
    await startCycle(s.ctx, { plan: planJson, startedBy: 'city-admin' });
    const ids = { cycleId: 'nanping-2016', unitId: 'guangze' };
    await submitDeliverable(s.ctx, { ...ids, deliverableId: 'self-assessment-report', submittedBy: 'gz', selfAssessment: exampleSelfAssessment(NANPING) });
    s.clock.t = at('2016-11-10T01:00:00Z');
    await requestReview(s.ctx, { ...ids, round: 1, version: 1, taskToken: 'old' });
    await decideReview(s.ctx, { ...ids, round: 1, outcome: 'approved', decidedBy: 'city-a' });
    const rerun = await requestReview(s.ctx, { ...ids, round: 1, version: 1, taskToken: 'new' });
    expect(rerun).toEqual({ waiting: false, completed: 'completed' });
    expect(s.workflow.completed.get('new')).toEqual({ round: 1, outcome: 'approved' });
  });
});

describe('the review record is the one source of truth', () => {
  const ids = { cycleId: 'nanping-2016', unitId: 'jianyang' };
  const submitReport = (s: ReturnType<typeof setup>) =>
    submitDeliverable(s.ctx, { ...ids, deliverableId: 'self-assessment-report', submittedBy: 'jy', selfAssessment: exampleSelfAssessment(NANPING) });
  /** Returned in round 1 (v1) on 11 Nov, resubmitted (v2) on 14 Nov; round 2 awaits its decision. */
  async function roundTwoUnderReview() {
    const s = setup('2016-11-07T02:00:00Z');
    await startCycle(s.ctx, { plan: planJson, startedBy: 'city-admin' });
    await submitReport(s);
    s.clock.t = at('2016-11-10T01:00:00Z');
    await awaitSubmission(s.ctx, { ...ids, round: 1, taskToken: 'sub-1' });
    await requestReview(s.ctx, { ...ids, round: 1, version: 1, taskToken: 'rev-1' });
    s.clock.t = at('2016-11-11T02:00:00Z');
    await decideReview(s.ctx, { ...ids, round: 1, outcome: 'returned', reason: '台账不完整', decidedBy: 'city-a' });
    await issueRectification(s.ctx, { ...ids, round: 1 });
    await awaitSubmission(s.ctx, { ...ids, round: 2, taskToken: 'sub-2' });
    s.clock.t = at('2016-11-14T02:00:00Z');
    await submitReport(s);
    await requestReview(s.ctx, { ...ids, round: 2, version: 2, taskToken: 'rev-2' });
    return s;
  }
  /** The workflow port, with SendTaskSuccess failing once (after the use case wrote its record). */
  function completionFailsOnce(s: ReturnType<typeof setup>) {
    let failed = false;
    const workflow = {
      ...s.workflow,
      async completeTask(token: string, output: unknown) {
        if (failed) return s.workflow.completeTask(token, output);
        failed = true;
        throw new TransientError({ zh: '工作流服务繁忙', en: 'SendTaskSuccess throttled' });
      },
    };
    return makeContext({ repo: s.repo, mailer: s.mailer, workflow, clock: s.clock });
  }

  it('a restarted execution replays the review from the record: round 1 on v1, round 2 on v2, not a v3', async () => {
    const s = await roundTwoUnderReview();
    s.clock.t = at('2016-11-14T04:00:00Z');
    // The restarted execution walks the same steps again, each with a new token.
    expect(await awaitSubmission(s.ctx, { ...ids, round: 1, taskToken: 'again-sub-1' })).toMatchObject({ waiting: false });
    expect(s.workflow.completed.get('again-sub-1')).toEqual({ version: 1, onTime: true });
    await requestReview(s.ctx, { ...ids, round: 1, version: 1, taskToken: 'again-rev-1' });
    expect(s.workflow.completed.get('again-rev-1')).toEqual({ round: 1, outcome: 'returned' });
    expect(await awaitSubmission(s.ctx, { ...ids, round: 2, taskToken: 'again-sub-2' })).toMatchObject({ waiting: false });
    expect(s.workflow.completed.get('again-sub-2')).toEqual({ version: 2, onTime: true });
    expect(await requestReview(s.ctx, { ...ids, round: 2, version: 2, taskToken: 'again-rev-2' })).toEqual({ waiting: true });
    // The city's real decision goes through and reaches the new execution.
    const d = await decideReview(s.ctx, { ...ids, round: 2, outcome: 'approved', version: 2, decidedBy: 'city-a' });
    expect(d).toMatchObject({ repeated: false, workflow: 'continued', decision: { version: 2 } });
    expect(s.workflow.completed.get('again-rev-2')).toEqual({ round: 2, outcome: 'approved' });
  });

  it('a submission whose completion fails is answered as stored; the wait finds it in the record', async () => {
    const s = setup('2016-11-10T01:00:00Z');
    await startCycle(s.ctx, { plan: planJson, startedBy: 'city-admin' });
    await awaitSubmission(s.ctx, { ...ids, round: 1, taskToken: 'sub-1' });
    s.clock.t = at('2016-11-10T04:00:00Z');
    const v = await submitDeliverable(completionFailsOnce(s), { ...ids, deliverableId: 'self-assessment-report', submittedBy: 'jy', selfAssessment: exampleSelfAssessment(NANPING) });
    expect(v).toMatchObject({ version: 1, onTime: false });
    expect(s.workflow.completed.has('sub-1')).toBe(false);
    // The wait's next slice (or its last re-read at the deadline) sees the version and continues.
    s.clock.t = at('2016-11-11T01:00:00Z');
    expect(await prepareReviewStep(s.ctx, { ...ids, step: 'await-submission', round: 1 })).toMatchObject({ expired: false });
    await awaitSubmission(s.ctx, { ...ids, round: 1, taskToken: 'sub-1-next' });
    expect(s.workflow.completed.get('sub-1-next')).toEqual({ version: 1, onTime: false });
    expect((await s.repo.listUnitSubmissions('nanping-2016', 'jianyang')).map((x) => x.version)).toEqual([1]);
  });

  it('a decision whose completion fails stands; another decider gets a 409 and the waiting task still learns the decision', async () => {
    const s = await roundTwoUnderReview();
    const first = await decideReview(completionFailsOnce(s), { ...ids, round: 2, outcome: 'approved', decidedBy: 'city-a' });
    expect(first).toMatchObject({ repeated: false, workflow: 'will-follow' });
    expect(s.workflow.completed.has('rev-2')).toBe(false);
    await expect(decideReview(s.ctx, { ...ids, round: 2, outcome: 'returned', reason: '不同意', decidedBy: 'city-b' })).rejects.toBeInstanceOf(
      DecisionConflictError,
    );
    expect(s.workflow.completed.get('rev-2')).toEqual({ round: 2, outcome: 'approved' });
    expect((await s.repo.listDecisions('nanping-2016')).filter((d) => d.round === 2)).toHaveLength(1);
  });

  it('past a deadline, the step re-reads the record before any timeout outcome', async () => {
    const s = await roundTwoUnderReview();
    // No decision for round 2 by the review's end: overdue. With one, the wait goes on to it.
    s.clock.t = at('2016-11-30T16:00:00Z');
    expect(await prepareReviewStep(s.ctx, { ...ids, step: 'await-decision', round: 2 })).toMatchObject({ expired: true });
    const other = await roundTwoUnderReview();
    await decideReview(other.ctx, { ...ids, round: 2, outcome: 'approved', decidedBy: 'city-a' });
    other.clock.t = at('2016-11-30T16:00:00Z');
    expect(await prepareReviewStep(other.ctx, { ...ids, step: 'await-decision', round: 2 })).toMatchObject({ expired: false });
  });

  it('refuses a new version of the report once the outcome is recorded (409), and sends no receipt', async () => {
    const s = await roundTwoUnderReview();
    await decideReview(s.ctx, { ...ids, round: 2, outcome: 'approved', decidedBy: 'city-a' });
    s.clock.t = at('2016-11-15T02:00:00Z');
    await recordOutcome(s.ctx, { ...ids, outcome: 'qualified' });
    const sent = s.mailer.sent.length;
    const act = submitReport(s);
    await expect(act).rejects.toBeInstanceOf(ReviewClosedError);
    await expect(act).rejects.toMatchObject({ status: 409 });
    expect((await s.repo.listUnitSubmissions('nanping-2016', 'jianyang')).map((x) => x.version)).toEqual([1, 2]);
    expect(s.mailer.sent.length).toBe(sent);
  });
});

describe('reminder wording', () => {
  it('counts working days left in Beijing, and says 今日截止 on the last day', async () => {
    const s = setup('2016-11-02T01:00:00Z');
    await startCycle(s.ctx, { plan: planJson, startedBy: 'city-admin' });
    const remind = (milestone: string) =>
      sendUnitNotice(s.ctx, { cycleId: 'nanping-2016', unitId: 'yanping', notice: { kind: 'reminder', deliverableId: 'self-assessment-report', milestone } });
    await remind('D-7');
    s.clock.t = at('2016-11-09T01:00:00Z');
    await remind('D-0');
    // From Wed 2 Nov: 3, 4, 7, 8, 9 Nov.
    expect(s.mailer.sent[0].subject).toContain('还剩 5 个工作日');
    expect(s.mailer.sent[0].subject).toContain('2016年11月9日（星期三）23:59');
    expect(s.mailer.sent[1].subject).toContain('今日截止');
  });
});

describe('delivery failures', () => {
  it('reports a notice that failed after every retry to the city office, once', async () => {
    const s = setup('2016-05-20T01:05:00Z');
    await startCycle(s.ctx, { plan: planJson, startedBy: 'city-admin' });
    const report = {
      cycleId: 'nanping-2016',
      unitId: 'pucheng',
      notice: { kind: 'delivery-failure', failed: { kind: 'reminder', deliverableId: 'implementation-plan', milestone: 'D-7' }, error: 'EmailRejectedError' },
    } as const;
    expect(await sendUnitNotice(s.ctx, report)).toEqual({ status: 'sent', messages: 1 });
    expect(await sendUnitNotice(s.ctx, report)).toEqual({ status: 'already-sent', messages: 0 });
    expect(s.mailer.sent).toHaveLength(1);
    expect(s.mailer.sent[0].to).toEqual([planJson.city.email]);
    expect(s.mailer.sent[0].subject).toContain('发送失败');
    expect(s.mailer.sent[0].text).toContain('reminder#implementation-plan#D-7');
    expect(s.mailer.sent[0].text).toContain('EmailRejectedError');
  });
});

describe('extensions (延期)', () => {
  const grant = (ctx: Context, over: Partial<Parameters<typeof grantExtension>[1]> = {}) =>
    grantExtension(ctx, {
      cycleId: 'nanping-2016', unitId: 'songxi', deliverableId: 'self-assessment-report', lastDay: '2016-11-16',
      grantedBy: 'city-reviewer', reason: '县领导班子调整', ...over,
    });
  async function running() {
    const s = setup();
    await startCycle(s.ctx, { plan: planJson, startedBy: 'city-admin' });
    const { schedule } = await registerCycle(s.ctx, { cycleId: 'nanping-2016', executionName: 'nanping-2016' });
    await startUnitWorkflows(s.ctx, { cycleId: 'nanping-2016', executionName: 'nanping-2016', schedule, cursor: null });
    s.clock.t = at('2016-11-03T07:00:00Z');
    return { ...s, schedule };
  }

  it('records and audits the extension, tells the unit once, and restarts its execution with the moved schedule', async () => {
    // Prepare
    const s = await running();
    const unit = planJson.units.find((u: { id: string }) => u.id === 'songxi');
    // Act
    const result = await grant(s.ctx);
    // Assess
    expect(await s.repo.listExtensions('nanping-2016', 'songxi')).toEqual([
      {
        cycleId: 'nanping-2016', unitId: 'songxi', deliverableId: 'self-assessment-report', lastDay: '2016-11-16', previousLastDay: '2016-11-09',
        grantedBy: 'city-reviewer', grantedAt: '2016-11-03T07:00:00.000Z', reason: '县领导班子调整',
      },
    ]);
    expect((await s.repo.listAudit('nanping-2016')).filter((a) => a.action === 'extend')).toEqual([
      expect.objectContaining({ unitId: 'songxi', actor: 'city-reviewer', role: 'city', why: '县领导班子调整' }),
    ]);
    expect(s.mailer.sent).toHaveLength(1);
    expect(s.mailer.sent[0]).toMatchObject({ to: [unit.office.email], cc: [unit.leader.email] });
    expect(s.mailer.sent[0].subject).toContain('延期');
    expect(s.mailer.sent[0].text).toContain('2016年11月16日（星期三）23:59');
    expect(s.mailer.sent[0].text).toContain('2016年11月9日（星期三）23:59');

    expect(s.workflow.stopped).toEqual(new Map([['nanping-2016--songxi', 'extension granted']]));
    const input = s.workflow.started.get('nanping-2016--songxi-x1') as { unitId: string; schedule: typeof s.schedule };
    expect(input.unitId).toBe('songxi');
    const moved = input.schedule.phases[2].deliverables.find((d) => d.deliverableId === 'self-assessment-report')!;
    expect(moved.lastDay).toBe('2016-11-16');
    expect(moved.dueAt).toBe('2016-11-16T15:59:59Z');
    expect(moved.reminders.map((r) => r.at)).toEqual(['2016-11-07T01:00:00Z', '2016-11-11T01:00:00Z', '2016-11-15T01:00:00Z', '2016-11-16T01:00:00Z']);
    expect(moved.escalations.map((e) => e.at)).toEqual(['2016-11-17T01:00:00Z', '2016-11-22T01:00:00Z', '2016-11-24T01:00:00Z']);
    expect(input.schedule.review.opensAt).toBe('2016-11-17T01:00:00Z');
    expect(result.restart).toEqual({ stopped: 'nanping-2016--songxi', stoppedStatus: 'stopped', started: 'nanping-2016--songxi-x1' });
    expect(await s.repo.getUnitRun('nanping-2016', 'songxi')).toBe('nanping-2016--songxi-x1');

    // The unit's notices and on-time flag follow the new deadline.
    s.clock.t = at('2016-11-10T01:00:00Z');
    const escalate = { kind: 'escalation', deliverableId: 'self-assessment-report', level: 1 } as const;
    await sendUnitNotice(s.ctx, { cycleId: 'nanping-2016', unitId: 'songxi', notice: { kind: 'reminder', deliverableId: 'self-assessment-report', milestone: 'D-3' } });
    expect(s.mailer.sent[1].subject).toContain('2016年11月16日');
    expect((await s.repo.listMessages('nanping-2016')).map((m) => m.milestone)).toContain('self-assessment-report#2016-11-16#D-3');
    const v = await submitDeliverable(s.ctx, { cycleId: 'nanping-2016', unitId: 'songxi', deliverableId: 'self-assessment-report', submittedBy: 'sx', selfAssessment: exampleSelfAssessment(NANPING) });
    expect(v.onTime).toBe(true);
    expect((await sendUnitNotice(s.ctx, { cycleId: 'nanping-2016', unitId: 'songxi', notice: escalate })).status).toBe('not-needed');
  });

  it('a second extension supersedes the first and restarts the execution again', async () => {
    const s = await running();
    await grant(s.ctx);
    s.clock.t = at('2016-11-08T07:00:00Z');
    const second = await grant(s.ctx, { lastDay: '2016-11-18', reason: '再次延期' });
    expect(second.extension.previousLastDay).toBe('2016-11-16');
    expect(second.restart).toMatchObject({ stopped: 'nanping-2016--songxi-x1', started: 'nanping-2016--songxi-x2' });
    expect((await s.repo.listExtensions('nanping-2016', 'songxi')).map((e) => e.lastDay)).toEqual(['2016-11-16', '2016-11-18']);
    const { lastDay } = await s.ctx.deadlineFor(await s.ctx.loadPlan('nanping-2016'), 'songxi', 'self-assessment-report');
    expect(lastDay).toBe('2016-11-18');
  });

  it('a restarted cycle starts a unit that has extensions with its own schedule', async () => {
    const s = await running();
    await grant(s.ctx);
    await startUnitWorkflows(s.ctx, { cycleId: 'nanping-2016', executionName: 'nanping-2016-restart-1', schedule: s.schedule, cursor: null });
    const own = s.workflow.started.get('nanping-2016-restart-1--songxi') as { schedule: typeof s.schedule };
    const other = s.workflow.started.get('nanping-2016-restart-1--yanping') as { schedule: typeof s.schedule };
    expect(own.schedule.phases[2].deliverables.find((d) => d.deliverableId === 'self-assessment-report')!.lastDay).toBe('2016-11-16');
    expect(other.schedule).toEqual(s.schedule);
    expect(await s.repo.getUnitRun('nanping-2016', 'songxi')).toBe('nanping-2016-restart-1--songxi');
  });

  it.each([
    ['an earlier day', { lastDay: '2016-11-08' }, 'lastDay', 'not-later'],
    ['the same day', { lastDay: '2016-11-09' }, 'lastDay', 'not-later'],
    ['an unknown deliverable', { deliverableId: 'no-such-report' }, 'deliverableId', 'unknown-deliverable'],
    ['an unknown unit', { unitId: 'nowhere' }, 'unitId', 'unknown-unit'],
    ['a date that does not exist', { lastDay: '2016-11-31' }, 'lastDay', 'date'],
    ['a day after the review closes', { lastDay: '2016-12-01' }, 'lastDay', 'after-review'],
  ] as const)('refuses %s with a ValidationError and changes nothing', async (_what, over, path, rule) => {
    const s = await running();
    const before = { started: s.workflow.started.size, audit: (await s.repo.listAudit('nanping-2016')).length };
    const act = grant(s.ctx, over);
    await expect(act).rejects.toBeInstanceOf(ValidationError);
    await expect(act).rejects.toMatchObject({ problems: [expect.objectContaining({ path, rule })] });
    expect(await s.repo.listExtensions('nanping-2016', 'unitId' in over ? over.unitId : 'songxi')).toEqual([]);
    expect(s.mailer.sent).toHaveLength(0);
    expect(s.workflow.stopped.size).toBe(0);
    expect(s.workflow.started.size).toBe(before.started);
    expect((await s.repo.listAudit('nanping-2016')).length).toBe(before.audit);
  });

  it('refuses any extension once the unit\'s outcome is recorded (409), and changes nothing', async () => {
    // Prepare: songxi's review ended (qualified) before the review closed.
    const s = await running();
    s.clock.t = at('2016-11-20T02:00:00Z');
    await recordOutcome(s.ctx, { cycleId: 'nanping-2016', unitId: 'songxi', outcome: 'qualified' });
    const sent = s.mailer.sent.length;
    // Act
    const reviewed = grant(s.ctx, { lastDay: '2016-11-28' });
    const other = grant(s.ctx, { deliverableId: 'implementation-plan', lastDay: '2016-11-28' });
    // Assess
    await expect(reviewed).rejects.toBeInstanceOf(ReviewClosedError);
    await expect(reviewed).rejects.toMatchObject({ status: 409, details: { outcome: 'qualified' } });
    await expect(other).rejects.toBeInstanceOf(ReviewClosedError);
    expect(await s.repo.listExtensions('nanping-2016', 'songxi')).toEqual([]);
    expect(s.workflow.stopped.size).toBe(0);
    expect(s.mailer.sent.length).toBe(sent);
  });

  it('refuses an extension once the review has closed', async () => {
    const s = await running();
    s.clock.t = at('2016-12-01T01:00:00Z');
    await expect(grant(s.ctx, { lastDay: '2016-11-20' })).rejects.toMatchObject({ name: 'ValidationError', problems: [expect.objectContaining({ rule: 'review-closed' })] });
  });
});

describe('catching up on reminders', () => {
  it('sends only the latest reminder that has come due, not every past one at once', async () => {
    // Fri 4 Nov (D-3) and Tue 8 Nov (D-1) have passed; it is Tue 8 Nov 10:00.
    const s = setup('2016-11-08T02:00:00Z');
    await startCycle(s.ctx, { plan: planJson, startedBy: 'city-admin' });
    const remind = (milestone: string) =>
      sendUnitNotice(s.ctx, { cycleId: 'nanping-2016', unitId: 'yanping', notice: { kind: 'reminder', deliverableId: 'self-assessment-report', milestone } });
    expect((await remind('D-3')).status).toBe('not-needed');
    expect((await remind('D-1')).status).toBe('sent');
    expect(s.mailer.sent).toHaveLength(1);
  });
});
