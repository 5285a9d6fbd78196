/**
 * What the notifier does when a send fails (issue 8, findings 3 and 6), and when the outcome notice goes and
 * what it says (finding 7), against in-memory adapters: the memory mailer refuses senders or recipients
 * for good as SES does (MessageRejected), or fails once the way SES can.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeMemoryDocumentStore } from '../../core/adapters/memory/documents';
import { makeMemoryMailer } from '../../core/adapters/memory/mailer';
import { makeMemoryRepository } from '../../core/adapters/memory/repository';
import { makeMemoryWorkflow } from '../../core/adapters/memory/workflow';
import { EmailOutcomeUnknownError, TransientError } from '../../core/errors';
import { LEASE_MS, type Message } from '../../core/notifier/notifier';
import type { PlanInput } from '../../core/plan/schema';
import { retryWindowSeconds, TASK_FUNCTION_TIMEOUT_SECONDS, KILLED_RETRY } from '../../core/task-limits';
import { makeContext, type Context } from '../../core/use-cases/context';
import { forwardToProvince, startCycle } from '../../core/use-cases/cycle';
import { recordEmailEvent, type EmailEvent } from '../../core/use-cases/email-events';
import { sendUnitNotice } from '../../core/use-cases/notices';
import { decideReview, issueRectification, recordOutcome, requestReview, sendOutcomeNotice } from '../../core/use-cases/review';
import { submitDeliverable } from '../../core/use-cases/submissions';
import { planSchema } from '../../core/plan/schema';
import { exampleSelfAssessment } from '../../local/scenario';

const planJson: PlanInput = JSON.parse(readFileSync(new URL('../../plans/nanping-2016.json', import.meta.url), 'utf8'));
const NANPING = planSchema.parse(planJson);
const CITY = planJson.city.email;
const unit = (id: string) => NANPING.units.find((u) => u.id === id)!;
const ids = (unitId: string) => ({ cycleId: 'nanping-2016', unitId });

async function setup(startIso: string, plan: PlanInput = planJson) {
  const clock = { t: Date.parse(startIso), now() { return this.t; } };
  const repo = makeMemoryRepository();
  const mailer = makeMemoryMailer();
  const ctx: Context = makeContext({ repo, mailer, workflow: makeMemoryWorkflow(), documents: makeMemoryDocumentStore(), clock });
  await startCycle(ctx, { plan, startedBy: 'city-admin' });
  return { clock, repo, mailer, ctx };
}

const notice = (over: Partial<Message> = {}): Message => ({
  ...ids('yanping'),
  kind: 'phase-opened',
  milestone: 'mobilisation',
  recipient: unit('yanping').office.email,
  email: { from: 'noreply@nanping.example.cn', to: unit('yanping').office.email, cc: [], subject: '通知', text: '正文', html: '<p>正文</p>' },
  ...over,
});

/** Returns a unit's self-assessment in round 1, as the city office would. */
async function returnRound1(s: Awaited<ReturnType<typeof setup>>, unitId: string) {
  await submitDeliverable(s.ctx, { ...ids(unitId), deliverableId: 'self-assessment-report', submittedBy: unitId, selfAssessment: exampleSelfAssessment(NANPING) });
  s.clock.t = Date.parse('2016-11-10T02:00:00Z');
  await requestReview(s.ctx, { ...ids(unitId), round: 1, version: 1, taskToken: `t-${unitId}` });
  s.clock.t = Date.parse('2016-11-11T02:00:00Z');
  await decideReview(s.ctx, { ...ids(unitId), round: 1, outcome: 'returned', reason: '台账不完整', decidedBy: 'city-a' });
}

describe('finding 6: the claim on a message after a failed send', () => {
  it('keeps its claim after an ambiguous failure (the answer was lost), so no retry inside the lease sends it again; the first after it does', async () => {
    // Prepare
    const s = await setup('2016-04-01T01:00:00Z');
    s.mailer.failNext(new EmailOutcomeUnknownError({ zh: '超时', en: 'timed out' }));
    // Act
    const first = s.ctx.notifier.send(notice());
    await expect(first).rejects.toBeInstanceOf(TransientError);
    s.clock.t += 5_000; // the state's first retry
    const early = s.ctx.notifier.send(notice());
    await expect(early).rejects.toBeInstanceOf(TransientError);
    s.clock.t += LEASE_MS; // a later retry, after the lease
    const late = await s.ctx.notifier.send(notice());
    // Assess
    expect(s.mailer.sent.filter((m) => m.subject === '通知')).toHaveLength(1);
    expect(late).toBe('sent');
  });

  it("lets a retry send a message whose attempt was killed by its Lambda timeout, inside the state's retry window", async () => {
    // Prepare: an attempt claimed the message and died (no release, no mark).
    const s = await setup('2016-04-01T01:00:00Z');
    const m = notice();
    await s.repo.claimMessage({ ...m, subject: m.email.subject, cc: [], claimedAt: new Date(s.clock.t).toISOString() }, new Date(0).toISOString());
    const killedAt = s.clock.t + TASK_FUNCTION_TIMEOUT_SECONDS * 1000;
    // Act: the retry after the kill finds the claim live; TransientError's retries follow, the last 315 s later.
    s.clock.t = killedAt + KILLED_RETRY.intervalSeconds * 1000;
    await expect(s.ctx.notifier.send(m)).rejects.toBeInstanceOf(TransientError);
    s.clock.t += retryWindowSeconds() * 1000;
    // Assess
    expect(await s.ctx.notifier.send(m)).toBe('sent');
    expect(LEASE_MS).toBeGreaterThan(TASK_FUNCTION_TIMEOUT_SECONDS * 1000);
    expect(LEASE_MS).toBeLessThan(retryWindowSeconds() * 1000);
  });

  it('reports a message to an undeliverable address as suppressed, not already-sent', async () => {
    // Prepare: SES reported the county office's address bounced.
    const s = await setup('2016-05-20T01:05:00Z');
    await recordEmailEvent(s.ctx, {
      type: 'bounce', bounceType: 'Permanent', bounceSubType: 'General', messageId: 'ses-1', at: '2016-05-19T01:00:00.000Z',
      recipients: [{ email: unit('pucheng').office.email, detail: '550 user unknown' }], tags: { cycleId: 'nanping-2016', unitId: 'pucheng', kind: 'reminder' },
    });
    // Act
    const result = await sendUnitNotice(s.ctx, { ...ids('pucheng'), notice: { kind: 'reminder', deliverableId: 'implementation-plan', milestone: 'D-7' } });
    // Assess
    expect(result).toEqual({ status: 'suppressed', messages: 0 });
  });

  it('writes the criticism proposal to the audit log once even when the step failed after the send and is retried', async () => {
    // Prepare: the audit write fails once, after the criticism draft went out.
    const s = await setup('2016-11-17T01:00:00Z');
    let failures = 1;
    const repo = {
      ...s.repo,
      appendAudit: async (...a: Parameters<typeof s.repo.appendAudit>) => {
        if (failures-- > 0) throw new TransientError({ zh: '限流', en: 'throttled' });
        return s.repo.appendAudit(...a);
      },
    };
    const ctx = makeContext({ repo, mailer: s.mailer, workflow: makeMemoryWorkflow(), clock: s.clock });
    const criticism = { ...ids('songxi'), notice: { kind: 'escalation', deliverableId: 'self-assessment-report', level: 3 } } as const;
    // Act
    await expect(sendUnitNotice(ctx, criticism)).rejects.toBeInstanceOf(TransientError);
    const retry = await sendUnitNotice(ctx, criticism);
    const again = await sendUnitNotice(ctx, criticism);
    // Assess
    expect([retry.status, again.status]).toEqual(['already-sent', 'already-sent']);
    expect(s.mailer.sent.filter((m) => m.subject.includes('通报批评'))).toHaveLength(1);
    const proposals = (await s.repo.listAudit('nanping-2016')).filter((a) => a.action === 'propose-supervision');
    expect(proposals).toHaveLength(1);
    expect(proposals[0]).toMatchObject({ unitId: 'songxi', what: { deliverableId: 'self-assessment-report', level: 3 } });
  });
});

describe('finding 6: audit entries written after a conditional write survive a retried step', () => {
  /** A repository whose next `failures` audit writes fail, as DynamoDB throttling would. */
  function flakyAudit(repo: ReturnType<typeof makeMemoryRepository>, failures = 1) {
    return {
      ...repo,
      appendAudit: async (...a: Parameters<typeof repo.appendAudit>) => {
        if (failures-- > 0) throw new TransientError({ zh: '限流', en: 'throttled' });
        return repo.appendAudit(...a);
      },
    };
  }

  it('start-cycle: the plan was stored, the audit write failed; the retried start records it once', async () => {
    // Prepare
    const repo = makeMemoryRepository();
    const ctx = makeContext({ repo: flakyAudit(repo), mailer: makeMemoryMailer(), workflow: makeMemoryWorkflow(), clock: { now: () => Date.parse('2016-03-31T16:00:00Z') } });
    // Act
    await expect(startCycle(ctx, { plan: planJson, startedBy: 'city-admin' })).rejects.toBeInstanceOf(TransientError);
    await startCycle(ctx, { plan: planJson, startedBy: 'city-admin' });
    await startCycle(ctx, { plan: planJson, startedBy: 'city-admin' });
    // Assess
    expect((await repo.listAudit('nanping-2016')).filter((a) => a.action === 'start-cycle')).toHaveLength(1);
  });

  it('mark-undeliverable: SES redelivers the bounce after the audit write failed; it is recorded once', async () => {
    // Prepare
    const s = await setup('2016-05-20T01:05:00Z');
    const ctx = makeContext({ repo: flakyAudit(s.repo), mailer: s.mailer, workflow: makeMemoryWorkflow(), clock: s.clock });
    const event: EmailEvent = {
      type: 'bounce', bounceType: 'Permanent', bounceSubType: 'General', messageId: 'ses-1', at: '2016-05-19T01:00:00.000Z',
      recipients: [{ email: unit('pucheng').office.email, detail: '550 user unknown' }], tags: { cycleId: 'nanping-2016', unitId: 'pucheng', kind: 'reminder' },
    };
    // Act
    await expect(recordEmailEvent(ctx, event)).rejects.toBeInstanceOf(TransientError);
    await recordEmailEvent(ctx, event);
    await recordEmailEvent(ctx, event);
    // Assess
    expect((await s.repo.listAudit('nanping-2016')).filter((a) => a.action === 'mark-undeliverable')).toHaveLength(1);
  });
});

describe('finding 3: a notice the mail service refuses for good never fails the step', () => {
  it('IssueRectification: the rectification deadline stands, and the city office is told once', async () => {
    // Prepare
    const s = await setup('2016-11-07T02:00:00Z');
    await returnRound1(s, 'jianyang');
    s.mailer.refuse({ to: unit('jianyang').office.email });
    s.mailer.sent.length = 0;
    // Act
    const step = await issueRectification(s.ctx, { ...ids('jianyang'), round: 1 });
    const retried = await issueRectification(s.ctx, { ...ids('jianyang'), round: 1 });
    // Assess
    expect(step).toMatchObject({ round: 2, exhausted: false, deadline: '2016-11-22T15:59:59Z', notice: 'refused' });
    expect(retried.notice).toBe('refused');
    expect(s.mailer.sent.map((m) => [m.to, m.subject])).toEqual([[[CITY], '【南平市打传办】发送失败：致建阳区的通知被邮件服务拒收']]);
    expect(s.mailer.sent[0].text).toContain('限期整改通知：建阳区自评报告初评未通过');
    expect(s.mailer.sent[0].text).toContain(unit('jianyang').office.email);
    // The refused message left no claim: once fixed, a later run sends it.
    expect((await s.repo.listUnitMessages('nanping-2016', 'jianyang')).filter((m) => m.kind === 'rectification')).toEqual([]);
  });

  it('RecordOutcome and its notice: the outcome is recorded though its email is refused', async () => {
    // Prepare
    const s = await setup('2016-11-07T02:00:00Z');
    s.mailer.refuse({ to: unit('guangze').office.email });
    await submitDeliverable(s.ctx, { ...ids('guangze'), deliverableId: 'self-assessment-report', submittedBy: 'gz', selfAssessment: exampleSelfAssessment(NANPING) });
    s.mailer.sent.length = 0;
    // Act
    const recorded = await recordOutcome(s.ctx, { ...ids('guangze'), outcome: 'qualified' });
    const sent = await sendOutcomeNotice(s.ctx, ids('guangze'));
    // Assess
    expect(recorded).toMatchObject({ outcome: 'qualified', recorded: true });
    expect(await s.repo.getOutcome('nanping-2016', 'guangze')).toMatchObject({ outcome: 'qualified' });
    expect(sent).toEqual({ outcome: 'qualified', notice: 'refused' });
    expect(s.mailer.sent.map((m) => m.to)).toEqual([[CITY]]);
  });

  it('ForwardToProvince: the forwarding is recorded and the cycle goes on when the province address is refused', async () => {
    // Prepare
    const s = await setup('2016-12-01T01:00:00Z');
    s.mailer.refuse({ to: planJson.province.email });
    s.mailer.sent.length = 0;
    // Act
    const forwarded = await forwardToProvince(s.ctx, { cycleId: 'nanping-2016' });
    // Assess
    expect(forwarded).toMatchObject({ qualified: [], notice: 'refused' });
    expect((await s.repo.getCycle('nanping-2016'))?.status).toBe('forwarded');
    expect(s.mailer.sent.map((m) => [m.to, m.subject])).toEqual([[[CITY], `【南平市打传办】发送失败：致${planJson.province.name}的通知被邮件服务拒收`]]);
  });

  it('an unverified sender: everything is refused, the report too, and no step fails', async () => {
    // Prepare
    const s = await setup('2016-12-01T01:00:00Z');
    s.mailer.refuse({ from: planJson.sender.email });
    s.mailer.sent.length = 0;
    // Act
    const forwarded = await forwardToProvince(s.ctx, { cycleId: 'nanping-2016' });
    const reminder = await sendUnitNotice(s.ctx, { ...ids('yanping'), notice: { kind: 'phase-opened', phase: 'self-assessment' } });
    // Assess
    expect(forwarded.notice).toBe('refused');
    expect(reminder).toEqual({ status: 'refused', messages: 0 });
    expect(s.mailer.sent).toEqual([]);
  });
});

describe('finding 7: the outcome notice', () => {
  /** Nanping's plan with the review's last day on Monday 2 January 2017 (元旦, a public holiday). */
  const holidayReview = (): PlanInput => {
    const p: PlanInput = JSON.parse(JSON.stringify(planJson));
    p.phases[3].closes = '2017-01-02';
    p.forwardToProvince = { on: '2017-01-04' };
    p.phases[2].deliverables![0].name = '创建工作自查自评报告';
    return p;
  };

  it('for an outcome a deadline gave, goes at the send time of the next working day, not at 23:59:59 on a holiday', async () => {
    // Prepare: the review closed at 23:59:59 on 2 January 2017 with nothing submitted.
    const s = await setup('2017-01-02T15:59:59Z', holidayReview());
    // Act
    const r = await recordOutcome(s.ctx, { ...ids('songxi'), outcome: 'not-submitted' });
    // Assess: Tuesday 3 January 09:00 Beijing; and nothing went out at the deadline.
    expect(r).toEqual({ outcome: 'not-submitted', recorded: true, noticeAt: '2017-01-03T01:00:00Z' });
    expect(s.mailer.sent.filter((m) => m.subject.includes('初评结果'))).toEqual([]);
  });

  it("names the plan's deliverable, not 自评报告", async () => {
    // Prepare
    const s = await setup('2017-01-02T15:59:59Z', holidayReview());
    await recordOutcome(s.ctx, { ...ids('songxi'), outcome: 'not-submitted' });
    s.clock.t = Date.parse('2017-01-03T01:00:00Z');
    // Act
    const r = await sendOutcomeNotice(s.ctx, ids('songxi'));
    // Assess
    expect(r.notice).toBe('sent');
    const mail = s.mailer.sent.find((m) => m.subject.includes('初评结果'))!;
    expect(mail.text).toContain('贵单位在初评期限内未报送创建工作自查自评报告');
    expect(mail.text).not.toMatch(/未报送自评报告/);
  });

  it('for a missed rectification deadline, goes the morning after that deadline; for a decision, at once', async () => {
    // Prepare: 建阳区 returned on Fri 11 Nov, to rectify by Tue 22 Nov; 光泽县 approved.
    const s = await setup('2016-11-07T02:00:00Z');
    await returnRound1(s, 'jianyang');
    await issueRectification(s.ctx, { ...ids('jianyang'), round: 1 });
    s.clock.t = Date.parse('2016-11-22T16:00:00Z');
    // Act
    const missed = await recordOutcome(s.ctx, { ...ids('jianyang'), outcome: 'rectification-missed' });
    const decided = await recordOutcome(s.ctx, { ...ids('guangze'), outcome: 'qualified' });
    // Assess
    expect(missed.noticeAt).toBe('2016-11-23T01:00:00Z');
    expect(decided.noticeAt).toBe('2016-11-22T16:00:00Z');
  });
});
