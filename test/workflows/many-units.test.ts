/**
 * More units than one page of StartUnitWorkflows: the yearly cycle loops over pages until every unit has
 * its own execution, and every unit gets its kickoff notice. Run only to the kickoff, to stay quick.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { generatePlan } from '../../core/plan/generate';
import { validatePlan } from '../../core/plan/validate';
import { atLocalTime } from '../../core/time';
import { startCycle, UNIT_START_PAGE } from '../../core/use-cases/cycle';
import { startTwin, type Twin } from '../../local/twin';

const base = validatePlan(JSON.parse(readFileSync(new URL('../../plans/nanping-2016.json', import.meta.url), 'utf8')));
if (!base.ok) throw new Error('example plan invalid');
const units = Math.round(UNIT_START_PAGE * 1.5);
const plan = generatePlan({ units, base: base.plan });

describe(`a cycle of ${units} units (more than one page of ${UNIT_START_PAGE})`, () => {
  let twin: Twin;
  afterAll(() => twin?.close());

  it('starts one execution per unit across pages, and kicks off every unit once', async () => {
    twin = await startTwin({ startAt: atLocalTime(plan.phases[0].opens, '00:00').toMillis(), mode: { kind: 'simulated' } });
    await twin.clock.track(() => startCycle(twin.ctx, { plan, startedBy: 'city-admin' }));
    await twin.clock.runUntil(Date.parse('2016-04-01T09:01:00+08:00'));
    const running = await twin.engine.listExecutions({ stateMachineArn: twin.unitStateMachineArn, statusFilter: 'RUNNING', maxResults: 1000 });
    expect(running.executions).toHaveLength(units);
    const inbox = await twin.inbox();
    expect(new Set(inbox.map((m) => m.destination.to[0])).size).toBe(units);
    expect(inbox).toHaveLength(units);
    const cycle = twin.engine.counters().byStateMachine;
    expect(Object.entries(cycle).find(([k]) => k.endsWith('YearlyCycle'))?.[1].lambdaInvocations).toBe(1 + Math.ceil(units / UNIT_START_PAGE));
  });
});
