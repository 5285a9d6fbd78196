/**
 * The use cases against in-memory adapters, driven in the order the unit state machine drives them.
 */
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeMemoryMailer } from '../../core/adapters/memory/mailer';
import { makeMemoryRepository } from '../../core/adapters/memory/repository';
import { makeMemoryWorkflow } from '../../core/adapters/memory/workflow';
import { DecisionConflictError, PlanConflictError, TransientError, ValidationError } from '../../core/errors';
import { makeContext, type Context } from '../../core/use-cases/context';
import { forwardToProvince, registerCycle, startCycle, startUnitWorkflows } from '../../core/use-cases/cycle';
import { sendUnitNotice } from '../../core/use-cases/notices';
import { awaitSubmission, decideReview, issueRectification, recordOutcome, requestReview } from '../../core/use-cases/review';
import { submitDeliverable } from '../../core/use-cases/submissions';

const planJson = JSON.parse(readFileSync(new URL('../../plans/nanping-2016.json', import.meta.url), 'utf8'));
const at = (iso: string) => Date.parse(iso);

function setup(startIso = '2016-03-31T16:00:00Z') {
  const clock = { t: at(startIso), now() { return this.t; } };
  const repo = makeMemoryRepository();
  const mailer = makeMemoryMailer();
  const workflow = makeMemoryWorkflow();
  const ctx: Context = makeContext({ repo, mailer, workflow, clock });
  return { clock, repo, mailer, workflow, ctx };
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

    await submitDeliverable(s.ctx, { cycleId: 'nanping-2016', unitId: 'yanping', deliverableId: 'self-assessment-report', submittedBy: 'yanping-staff' });
    s.clock.t = at('2016-11-05T01:00:00Z');
    const later = await sendUnitNotice(s.ctx, {
      cycleId: 'nanping-2016', unitId: 'yanping', notice: { ...notice, milestone: 'D-3' },
    });
    expect(later.status).toBe('not-needed');
  });

  it('escalates a missed deadline to the leader (office in copy) and to the city office', async () => {
    const s = setup('2016-11-10T01:00:00Z');
    await startCycle(s.ctx, { plan: planJson, startedBy: 'city-admin' });
    const r = await sendUnitNotice(s.ctx, {
      cycleId: 'nanping-2016', unitId: 'songxi', notice: { kind: 'escalation', deliverableId: 'self-assessment-report' },
    });
    expect(r).toEqual({ status: 'sent', messages: 2 });
    const unit = planJson.units.find((u: { id: string }) => u.id === 'songxi');
    expect(s.mailer.sent[0]).toMatchObject({ to: [unit.leader.email], cc: [unit.office.email] });
    expect(s.mailer.sent[1].to).toEqual([planJson.city.leaderEmail ?? planJson.city.email]);
    expect(s.mailer.sent[0].subject).toContain('督办');
    expect(s.mailer.sent[0].text).toContain('2016年11月9日 23:59');
  });

  it('lets a held ledger entry fail with TransientError instead of sending twice', async () => {
    const s = setup('2016-04-01T01:00:00Z');
    await startCycle(s.ctx, { plan: planJson, startedBy: 'city-admin' });
    const notice = { kind: 'phase-opened', phase: 'mobilisation' } as const;
    s.mailer.failNext(new TransientError({ zh: '限流', en: 'throttled' }));
    await expect(sendUnitNotice(s.ctx, { cycleId: 'nanping-2016', unitId: 'yanping', notice })).rejects.toBeInstanceOf(TransientError);
    // The failed attempt still holds its lease: an immediate retry does not send.
    await expect(sendUnitNotice(s.ctx, { cycleId: 'nanping-2016', unitId: 'yanping', notice })).rejects.toBeInstanceOf(TransientError);
    expect(s.mailer.sent).toHaveLength(0);
    s.clock.t += 5 * 60 * 1000 + 1;
    expect((await sendUnitNotice(s.ctx, { cycleId: 'nanping-2016', unitId: 'yanping', notice })).status).toBe('sent');
    expect(s.mailer.sent).toHaveLength(1);
  });
});

describe('the review loop', () => {
  it('returned, rectified, approved: tokens complete once and the outcome is recorded once', async () => {
    const s = setup('2016-11-07T02:00:00Z');
    await startCycle(s.ctx, { plan: planJson, startedBy: 'city-admin' });
    const ids = { cycleId: 'nanping-2016', unitId: 'jianyang' };
    const v1 = await submitDeliverable(s.ctx, { ...ids, deliverableId: 'self-assessment-report', submittedBy: 'jy' });
    expect(v1).toMatchObject({ version: 1, onTime: true });

    s.clock.t = at('2016-11-10T01:00:00Z');
    const wait1 = await awaitSubmission(s.ctx, { ...ids, afterVersion: 0, taskToken: 't-sub-1' });
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
    expect(rect).toMatchObject({ round: 2, exhausted: false, deadline: '2016-11-18T15:59:59Z' });
    const notice = s.mailer.sent.find((m) => m.subject.includes('限期整改'))!;
    expect(notice.html).toContain('台账&lt;不完整&gt;');
    expect(notice.text).toContain('2016年11月18日 23:59');

    expect((await awaitSubmission(s.ctx, { ...ids, afterVersion: 1, taskToken: 't-sub-2' })).waiting).toBe(true);
    s.clock.t = at('2016-11-14T02:00:00Z');
    const v2 = await submitDeliverable(s.ctx, { ...ids, deliverableId: 'self-assessment-report', submittedBy: 'jy' });
    expect(v2).toMatchObject({ version: 2, onTime: false });
    expect(s.workflow.completed.get('t-sub-2')).toEqual({ version: 2, onTime: false });

    await requestReview(s.ctx, { ...ids, round: 2, version: 2, taskToken: 't-rev-2' });
    await decideReview(s.ctx, { ...ids, round: 2, outcome: 'approved', decidedBy: 'city-a' });
    expect(s.workflow.completed.get('t-rev-2')).toEqual({ round: 2, outcome: 'approved' });

    expect(await recordOutcome(s.ctx, { ...ids, outcome: 'qualified' })).toEqual({ outcome: 'qualified', recorded: true });
    expect(await recordOutcome(s.ctx, { ...ids, outcome: 'not-qualified' })).toEqual({ outcome: 'qualified', recorded: false });
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
    await submitDeliverable(s.ctx, { ...ids, deliverableId: 'self-assessment-report', submittedBy: 'gz' });
    await requestReview(s.ctx, { ...ids, round: 1, version: 1, taskToken: 'old' });
    await decideReview(s.ctx, { ...ids, round: 1, outcome: 'approved', decidedBy: 'city-a' });
    const rerun = await requestReview(s.ctx, { ...ids, round: 1, version: 1, taskToken: 'new' });
    expect(rerun).toEqual({ waiting: false, completed: 'completed' });
    expect(s.workflow.completed.get('new')).toEqual({ round: 1, outcome: 'approved' });
  });
});

describe('reminder wording', () => {
  it('counts calendar days left in Beijing, and says 今日截止 on the last day', async () => {
    const s = setup('2016-11-02T01:00:00Z');
    await startCycle(s.ctx, { plan: planJson, startedBy: 'city-admin' });
    const remind = (milestone: string) =>
      sendUnitNotice(s.ctx, { cycleId: 'nanping-2016', unitId: 'yanping', notice: { kind: 'reminder', deliverableId: 'self-assessment-report', milestone } });
    await remind('D-7');
    s.clock.t = at('2016-11-09T01:00:00Z');
    await remind('D-0');
    expect(s.mailer.sent[0].subject).toContain('还剩7天');
    expect(s.mailer.sent[0].subject).toContain('2016年11月9日 23:59（星期三）');
    expect(s.mailer.sent[1].subject).toContain('今日截止');
  });
});
