/**
 * 上报确认 in the twin, on the simulated clock: the synthesized YearlyCycle with its real handlers, DynamoDB
 * Local, the SES emulator (plans/binjiang-streets-2026-example.json: three street offices, a short year).
 * - on time: the request goes confirmationDaysBefore working days ahead, the list goes on the forwarding
 *   instant, once, and no rung is climbed;
 * - missing: nothing goes up; the ladder climbs rung by rung (the office's leader, then reminders), each once;
 *   a late confirmation forwards at once;
 * - a restart mid-wait (every execution stopped, the cycle started again) sends nothing twice.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { deriveSchedule } from '../../core/plan/schedule';
import type { Plan } from '../../core/plan/schema';
import { validatePlan } from '../../core/plan/validate';
import { formatBeijing } from '../../core/time';
import { scenarioSchema, type Scenario } from '../../local/scenario';
import { simulate, type SimulationResult } from '../../local/simulate';
import type { TimelineEvent } from '../../local/timeline';

const read = (p: string) => JSON.parse(readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8'));
const checked = validatePlan(read('plans/binjiang-streets-2026-example.json'));
if (!checked.ok) throw new Error('the district example plan must validate');
const plan: Plan = checked.plan;
const schedule = deriveSchedule(plan);
const base = scenarioSchema.parse(read('scenarios/binjiang-streets-2026-example.json'));
const leader = plan.city.leaderEmail!;

/** The instant as the timeline writes it (Beijing, +08:00). */
const bj = (iso: string) => formatBeijing(iso, 'iso');
const of = (r: SimulationResult, kind: string) => r.events.filter((e) => e.kind === kind && e.to.length > 0);
const key = (e: TimelineEvent) => `${e.at} ${e.kind} ${e.unit} ${e.to.join()} ${e.subject}`;
/** The scripted year with another 上报确认. */
const withConfirmation = (confirmation: Scenario['confirmation']): Scenario => ({ ...base, confirmation });

describe('上报确认 on time: the list goes on the forwarding date, once', () => {
  let run: SimulationResult;
  beforeAll(async () => {
    run = await simulate({ plan, scenario: base });
  });

  it('asks the district office before the forwarding date and forwards at the forwarding instant, once, with no rung climbed', () => {
    expect(run.errors).toEqual([]);
    const request = of(run, 'confirmation-request');
    expect(request.map((e) => [e.at, e.to, e.cc])).toEqual([[bj(schedule.confirmation.requestAt), [plan.city.email], [leader]]]);
    expect(request[0].at < bj(schedule.forwardAt)).toBe(true);
    expect(of(run, 'province-forwarding').map((e) => [e.at, e.to])).toEqual([[bj(schedule.forwardAt), [plan.province.email]]]);
    expect(of(run, 'confirmation-escalation')).toEqual([]);
  });

  it('keeps the YearlyCycle far below the history limit and closes every execution', () => {
    expect(run.counters.byStateMachine['dev-YearlyCycle'].maxHistoryEventsPerExecution).toBeLessThan(200);
  });
});

describe('上报确认 missing: escalated rung by rung, nothing forwarded, then forwarded at once when confirmed late', () => {
  const rungs = schedule.confirmation.escalations;
  // Confirmed on the afternoon of the last rung's day: every rung has gone.
  const lateAt = Date.parse(rungs.at(-1)!.at) + 5 * 3_600_000;
  const late = withConfirmation({ at: new Date(lateAt).toISOString() });
  let run: SimulationResult;
  let restarted: SimulationResult;
  beforeAll(async () => {
    run = await simulate({ plan, scenario: late });
    // Stopped and started again between rung 1 and rung 2 (as a redeploy would), the list still unconfirmed.
    restarted = await simulate({ plan, scenario: late, restartAt: Date.parse(rungs[0].at) + 3_600_000 });
  });

  it('climbs the ladder: the office\'s leader at rung 1, then a reminder to the office each rung, each once at its instant', () => {
    expect(run.errors).toEqual([]);
    expect(of(run, 'confirmation-escalation').map((e) => [e.at, e.to[0], e.cc])).toEqual(
      rungs.map((r) => [bj(r.at), r.level === 1 ? leader : plan.city.email, [r.level === 1 ? plan.city.email : leader]]),
    );
  });

  it('sends nothing up before the confirmation, and forwards at once when it comes, once', () => {
    const fwd = of(run, 'province-forwarding');
    expect(fwd).toHaveLength(1);
    expect(Date.parse(fwd[0].at)).toBeGreaterThanOrEqual(lateAt);
    // At once: within the minute (the callback completes the wait; no daily re-read needed).
    expect(Date.parse(fwd[0].at) - lateAt).toBeLessThan(60_000);
    expect(run.outcomes).toEqual({ xixing: 'qualified', changhe: 'qualified', puyan: 'not-submitted' });
  });

  it('restarted mid-wait, sends the same emails, none twice, and forwards once', () => {
    expect(restarted.errors).toEqual([]);
    expect(restarted.events.filter((e) => e.to.length > 0).map(key)).toEqual(run.events.filter((e) => e.to.length > 0).map(key));
    expect(of(restarted, 'confirmation-request')).toHaveLength(1);
    expect(of(restarted, 'confirmation-escalation')).toHaveLength(rungs.length);
    expect(of(restarted, 'province-forwarding')).toHaveLength(1);
    expect(restarted.counters.emails).toBe(run.counters.emails);
    // The restart really happened: a second YearlyCycle execution took over the wait.
    expect(run.counters.byStateMachine['dev-YearlyCycle'].executions).toBe(1);
    expect(restarted.counters.byStateMachine['dev-YearlyCycle'].executions).toBe(2);
  });
});
