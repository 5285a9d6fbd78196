/**
 * An email that cannot be sent, even after every retry, never ends a county's cycle: the failure is
 * reported to the city office (or, if even that fails, skipped) and the cycle goes on.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { validatePlan } from '../../core/plan/validate';
import { atLocalTime } from '../../core/time';
import { startCycle } from '../../core/use-cases/cycle';
import { startSesEmulator } from '../../local/services';
import { startTwin, type Twin } from '../../local/twin';

const checked = validatePlan(JSON.parse(readFileSync(new URL('../../plans/nanping-2016.json', import.meta.url), 'utf8')));
if (!checked.ok) throw new Error('example plan invalid');
const plan = checked.plan;

describe('when mail cannot be sent', () => {
  let twin: Twin;
  afterAll(() => twin?.close());

  it('the unit cycles keep running through an SES outage, and mail flows again after it', async () => {
    twin = await startTwin({ startAt: atLocalTime(plan.phases[0].opens, '00:00').toMillis(), mode: { kind: 'simulated' } });
    await twin.clock.track(() => startCycle(twin.ctx, { plan, startedBy: 'city-admin' }));
    await twin.clock.runUntil(Date.parse('2016-04-01T09:01:00+08:00'));
    expect(await twin.inbox()).toHaveLength(10);

    // SES goes away across the D-7 reminders of the implementation plan (Fri 20 May 2016).
    const port = twin.services.ses.port;
    await twin.services.ses.stop();
    await twin.clock.runUntil(Date.parse('2016-05-20T12:00:00+08:00'));
    const units = await twin.engine.listExecutions({ stateMachineArn: twin.unitStateMachineArn });
    expect(units.executions.map((e) => e.status)).toEqual(Array(10).fill('RUNNING'));
    const sent = (await twin.ctx.repo.listMessages(plan.cycleId)).filter((m) => m.status === 'sent');
    expect(sent.filter((m) => m.kind === 'reminder')).toHaveLength(0);

    // SES is back: the D-3 reminders (Thu 26 May) go out, one per county.
    twin.services.ses = await startSesEmulator({ port });
    await twin.clock.runUntil(Date.parse('2016-05-26T09:01:00+08:00'));
    const inbox = await twin.inbox();
    expect(inbox.filter((m) => m.subject.includes('提醒'))).toHaveLength(10);
    expect(inbox.every((m) => m.subject.includes('还剩 3 个工作日'))).toBe(true);
  });
});
