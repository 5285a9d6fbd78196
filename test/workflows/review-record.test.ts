/**
 * One source of truth for the review (初评): a submission or a decision stands once it is recorded, and the
 * unit's execution learns of it from the record, even when completing its callback fails right after the
 * write. Played in the twin on the simulated clock, with the workflow port failing once after each write.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecisionConflictError, ReviewClosedError, TransientError } from '../../core/errors';
import { validatePlan } from '../../core/plan/validate';
import { atLocalTime } from '../../core/time';
import type { Context } from '../../core/use-cases/context';
import { startCycle } from '../../core/use-cases/cycle';
import { grantExtension } from '../../core/use-cases/extensions';
import { decideReview } from '../../core/use-cases/review';
import { submitDeliverable } from '../../core/use-cases/submissions';
import { exampleSelfAssessment } from '../../local/scenario';
import { startTwin, type Twin } from '../../local/twin';

const checked = validatePlan(JSON.parse(readFileSync(new URL('../../plans/nanping-2016.json', import.meta.url), 'utf8')));
if (!checked.ok) throw new Error('example plan invalid');
const plan = checked.plan;
const REPORT = 'self-assessment-report';
const ids = { cycleId: plan.cycleId, unitId: 'jianyang' };
const beijing = (local: string) => Date.parse(`${local}+08:00`);

/** The same use cases, but SendTaskSuccess fails once, after the record is written (throttling, a dropped connection). */
function completionFailsOnce(ctx: Context): Context & { failures: () => number } {
  let failures = 0;
  const workflow = {
    startCycle: ctx.workflow.startCycle.bind(ctx.workflow),
    startUnit: ctx.workflow.startUnit.bind(ctx.workflow),
    stopUnit: ctx.workflow.stopUnit.bind(ctx.workflow),
    completeCycleTask: ctx.workflow.completeCycleTask.bind(ctx.workflow),
    completeTask: async (token: string, output: unknown) => {
      if (failures === 0) {
        failures++;
        throw new TransientError({ zh: '工作流服务繁忙', en: 'SendTaskSuccess throttled' });
      }
      return ctx.workflow.completeTask(token, output);
    },
  };
  return { ...ctx, workflow, failures: () => failures };
}

describe('建阳区: every completion of a callback fails once after the record is written', () => {
  let twin: Twin;
  const run = (local: string) => twin.clock.runUntil(beijing(local));
  const track = <T>(fn: () => Promise<T>) => twin.clock.track(fn);
  const submit = (ctx: Context) =>
    track(() => submitDeliverable(ctx, { ...ids, deliverableId: REPORT, submittedBy: 'jy-staff', selfAssessment: exampleSelfAssessment(plan) }));

  beforeAll(async () => {
    twin = await startTwin({ startAt: atLocalTime(plan.phases[0].opens, '00:00').toMillis(), mode: { kind: 'simulated' } });
    await track(() => startCycle(twin.ctx, { plan, startedBy: 'city-admin' }));
  }, 300_000);
  afterAll(() => twin?.close());

  it('a late self-assessment is stored and answered, and the execution opens round 1 on it without the callback', async () => {
    await run('2016-11-10T12:00:00');
    const flaky = completionFailsOnce(twin.ctx);
    const v1 = await submit(flaky);
    expect(flaky.failures()).toBe(1);
    expect(v1).toMatchObject({ version: 1, onTime: false });

    await run('2016-11-11T12:00:00');
    expect(await twin.ctx.repo.getWaitToken(ids.cycleId, ids.unitId, 'review', '1')).toMatchObject({ afterVersion: 1 });
  }, 300_000);

  it('a decision whose completion fails stands; a retry does not decide twice, and another decider gets a 409', async () => {
    const flaky = completionFailsOnce(twin.ctx);
    const first = await track(() => decideReview(flaky, { ...ids, round: 1, outcome: 'returned', reason: '租赁房屋排查台账不完整。', decidedBy: 'city-a' }));
    expect(flaky.failures()).toBe(1);
    expect(first).toMatchObject({ repeated: false, decision: { version: 1, outcome: 'returned' } });

    const retry = await track(() => decideReview(twin.ctx, { ...ids, round: 1, outcome: 'returned', decidedBy: 'city-a' }));
    expect(retry).toMatchObject({ repeated: true, decision: { decidedBy: 'city-a' } });
    await expect(track(() => decideReview(twin.ctx, { ...ids, round: 1, outcome: 'approved', decidedBy: 'city-b' }))).rejects.toBeInstanceOf(
      DecisionConflictError,
    );
    expect((await twin.ctx.repo.listDecisions(ids.cycleId)).filter((d) => d.unitId === ids.unitId)).toHaveLength(1);

    await run('2016-11-14T12:00:00');
    const rectification = (await twin.ctx.repo.listUnitMessages(ids.cycleId, ids.unitId)).filter((m) => m.kind === 'rectification');
    expect(rectification.map((m) => [m.milestone, m.status])).toEqual([['round-1', 'sent']]);
  }, 300_000);

  it('a resubmission two hours before the rectification deadline whose completion fails still opens round 2', async () => {
    // Returned on Fri 11 Nov: 7 working days, so the rectification deadline is Tue 22 Nov, 23:59:59.
    await run('2016-11-22T22:00:00');
    const flaky = completionFailsOnce(twin.ctx);
    const v2 = await submit(flaky);
    expect(flaky.failures()).toBe(1);
    expect(v2).toMatchObject({ version: 2, onTime: true });

    await run('2016-11-23T12:00:00');
    expect(await twin.ctx.repo.getOutcome(ids.cycleId, ids.unitId)).toBeNull();
    expect(await twin.ctx.repo.getWaitToken(ids.cycleId, ids.unitId, 'review', '2')).toMatchObject({ afterVersion: 2 });
    await track(() => decideReview(twin.ctx, { ...ids, round: 2, outcome: 'approved', decidedBy: 'city-a' }));
    await run('2016-11-24T12:00:00');
    expect(await twin.ctx.repo.getOutcome(ids.cycleId, ids.unitId)).toMatchObject({ outcome: 'qualified' });
  }, 300_000);

  it('once qualified, refuses an extension of the report and a new version with a 409, and the outcome stands', async () => {
    const extend = track(() =>
      grantExtension(twin.ctx, { ...ids, deliverableId: REPORT, lastDay: '2016-11-28', grantedBy: 'city-reviewer', reason: '补充材料' }),
    );
    await expect(extend).rejects.toBeInstanceOf(ReviewClosedError);
    await expect(extend).rejects.toMatchObject({ status: 409 });
    await expect(submit(twin.ctx)).rejects.toBeInstanceOf(ReviewClosedError);
    expect(await twin.ctx.repo.listExtensions(ids.cycleId, ids.unitId)).toEqual([]);

    await run('2016-12-02T12:00:00');
    const versions = (await twin.ctx.repo.listUnitSubmissions(ids.cycleId, ids.unitId)).filter((v) => v.deliverableId === REPORT);
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
    expect((await twin.ctx.repo.listDecisions(ids.cycleId)).filter((d) => d.unitId === ids.unitId).map((d) => [d.round, d.outcome])).toEqual([
      [1, 'returned'],
      [2, 'approved'],
    ]);
    expect(await twin.ctx.repo.getOutcome(ids.cycleId, ids.unitId)).toMatchObject({ outcome: 'qualified' });
    const ledger = await twin.ctx.repo.listUnitMessages(ids.cycleId, ids.unitId);
    expect(ledger.filter((m) => m.kind === 'escalation' && m.milestone.startsWith(REPORT))).toEqual([
      expect.objectContaining({ milestone: `${REPORT}#2016-11-09#L1` }),
    ]);
    // Rectified in time: no rung of the rectification ladder.
    expect(ledger.filter((m) => m.milestone.startsWith('rectification#'))).toEqual([]);
    const { executions } = await twin.engine.listExecutions({ stateMachineArn: twin.unitStateMachineArn });
    expect(executions.filter((e) => e.name.includes('jianyang')).map((e) => e.status)).toEqual(['SUCCEEDED']);
  }, 240_000);
});
