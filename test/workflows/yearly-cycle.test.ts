/**
 * The whole year in the local twin on the simulated clock: the synthesized state machines, the real
 * handlers, DynamoDB Local, the SES emulator and the Step Functions endpoint over HTTP. Asserted on the
 * timeline (state of the world read back from the store), the outcomes and the emulator's inbox.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { makeCalendar } from '../../core/calendar';
import { beforeAll, describe, expect, it } from 'vitest';
import { validatePlan } from '../../core/plan/validate';
import type { Plan } from '../../core/plan/schema';
import { scenarioSchema } from '../../local/scenario';
import { simulate, type SimulationResult } from '../../local/simulate';
import type { TimelineEvent } from '../../local/timeline';

const read = (p: string) => JSON.parse(readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8'));
const checked = validatePlan(read('plans/nanping-2016.json'));
if (!checked.ok) throw new Error('the example plan must validate');
const plan: Plan = checked.plan;
const scenario = scenarioSchema.parse(read('scenarios/nanping-2016.json'));
const unit = (id: string) => plan.units.find((u) => u.id === id)!;
/** Every email of the scripted year, in order; regenerate with UPDATE_GOLDEN=1 and review the diff by eye. */
const GOLDEN = new URL('../fixtures/nanping-2016-messages.json', import.meta.url);

const EXPECTED_OUTCOMES = {
  yanping: 'qualified',
  jianyang: 'qualified',
  shaowu: 'qualified',
  jianou: 'qualified',
  shunchang: 'qualified',
  pucheng: 'rectification-missed',
  wuyishan: 'not-qualified',
  guangze: 'qualified',
  songxi: 'not-submitted',
  zhenghe: 'review-overdue',
};

const emails = (r: SimulationResult) => r.events.filter((e) => e.to.length > 0);
const of = (r: SimulationResult, pred: (e: TimelineEvent) => boolean) => r.events.filter(pred);

describe('the Nanping 2016 cycle, played in the twin', () => {
  let run: SimulationResult;
  beforeAll(async () => {
    run = await simulate({ plan, scenario });
  });

  it('finishes with no error, every execution closed, and the scripted outcomes', () => {
    expect(run.errors).toEqual([]);
    expect(run.outcomes).toEqual(EXPECTED_OUTCOMES);
  });

  it('sends the kickoff notice to all 10 counties at the start of mobilisation', () => {
    const kickoff = of(run, (e) => e.kind === 'phase-opened' && e.at === '2016-04-01T09:00:00+08:00');
    expect(kickoff.map((e) => e.unit).sort()).toEqual(plan.units.map((u) => u.id).sort());
    expect(kickoff.every((e) => e.subject.includes('动员部署'))).toBe(true);
  });

  it('reminds before the self-assessment deadline only those who have not submitted, and stops when they do', () => {
    const reminders = of(run, (e) => e.kind === 'reminder' && e.subject.includes('自评报告'));
    // D-3 is Fri 4 Nov (working days back from Wed 9 Nov); 邵武市 submits at 10:00 that day and gets nothing after.
    expect(of(run, (e) => e.kind === 'reminder' && e.unit === 'shaowu' && e.subject.includes('自评报告')).map((e) => e.at)).toEqual([
      '2016-11-04T09:00:00+08:00',
    ]);
    expect(reminders.filter((e) => e.at === '2016-11-09T09:00:00+08:00').map((e) => e.unit).sort()).toEqual(['shunchang', 'songxi']);
    expect(reminders.filter((e) => e.at === '2016-11-04T09:00:00+08:00')).toHaveLength(10);
    expect(reminders.find((e) => e.at === '2016-11-04T09:00:00+08:00')!.subject).toContain('还剩 3 个工作日');
  });

  it('climbs the escalation ladder for the county that never submits: its leader, then the city office, then a criticism draft', () => {
    const escalations = of(run, (e) => e.kind === 'escalation' && e.unit === 'songxi' && e.subject.includes('自评报告'));
    const city = plan.city.leaderEmail ?? plan.city.email;
    expect(escalations.map((e) => [e.at, e.to[0], e.cc])).toEqual([
      ['2016-11-10T09:00:00+08:00', unit('songxi').leader.email, [unit('songxi').office.email]],
      ['2016-11-15T09:00:00+08:00', city, []],
      ['2016-11-17T09:00:00+08:00', city, []],
    ]);
    expect(escalations[2].subject).toContain('通报批评');
  });

  it('sends no scheduled message (notices, reminders, escalations, forwarding) on a non-working day', () => {
    // Receipts, decisions' rectification and outcome notices answer what a person did, when they did it.
    const scheduled = new Set(['phase-opened', 'reminder', 'escalation', 'province-forwarding', 'calendar-warning']);
    const calendar = makeCalendar();
    const sent = emails(run).filter((e) => scheduled.has(e.kind));
    expect(sent.length).toBeGreaterThan(100);
    expect(sent.filter((e) => !calendar.isWorkingDay(e.at.slice(0, 10)))).toEqual([]);
  });

  it("sends exactly the year's expected messages (test/fixtures/nanping-2016-messages.json)", () => {
    const actual = emails(run).map((e) => [e.at, e.kind, e.unit, e.to[0], e.cc ?? [], e.subject]);
    if (process.env.UPDATE_GOLDEN) writeFileSync(GOLDEN, `${JSON.stringify(actual, null, 1)}\n`);
    expect(actual).toEqual(JSON.parse(readFileSync(GOLDEN, 'utf8')));
  });

  it('returns 建阳区 for rectification, takes its resubmission and approves it', () => {
    const jy = of(run, (e) => e.unit === 'jianyang' && e.at >= '2016-11-10');
    const kinds = jy.map((e) => e.kind);
    const seq = ['decision', 'rectification', 'submission', 'receipt', 'decision', 'outcome'];
    let i = 0;
    for (const k of kinds) if (k === seq[i]) i++;
    expect(i).toBe(seq.length);
    expect(jy.find((e) => e.kind === 'rectification')!.subject).toContain('限期整改通知');
    expect(jy.filter((e) => e.kind === 'decision').map((e) => e.subject.split(' —')[0])).toEqual(['round 1: returned', 'round 2: approved (city-reviewer)']);
  });

  it('flags late submissions and accepts them', () => {
    expect(of(run, (e) => e.kind === 'submission' && e.unit === 'shunchang' && e.subject.startsWith('self-assessment-report')).map((e) => e.subject)).toEqual([
      'self-assessment-report v1 (late)',
    ]);
  });

  it('sends an outcome a deadline gave at 09:00 the next working day, naming the deliverable; a decided one at once', () => {
    const outcome = (id: string) => of(run, (e) => e.kind === 'outcome' && e.unit === id && e.to.length > 0);
    // The review closed at 23:59:59 on Wed 30 Nov: 松溪县 (nothing submitted) and 政和县 (never decided).
    expect(outcome('songxi').map((e) => e.at)).toEqual(['2016-12-01T09:00:00+08:00']);
    expect(outcome('zhenghe').map((e) => e.at)).toEqual(['2016-12-01T09:00:00+08:00']);
    // 浦城县 missed its rectification deadline: the morning after it, with the first rung of its ladder.
    const pucheng = outcome('pucheng')[0];
    expect(pucheng.at.slice(11)).toBe('09:00:00+08:00');
    expect(of(run, (e) => e.kind === 'escalation' && e.unit === 'pucheng' && e.subject.includes('整改')).map((e) => e.at)).toContain(pucheng.at);
    // 建阳区 was approved by a person: the notice follows the decision, not a schedule.
    const decided = of(run, (e) => e.kind === 'decision' && e.unit === 'jianyang').at(-1)!;
    expect(outcome('jianyang').map((e) => e.at)).toEqual([decided.at]);
  });

  it('forwards the qualifying list to the province on 1 December, once', () => {
    const fwd = of(run, (e) => e.kind === 'province-forwarding');
    expect(fwd).toHaveLength(1);
    expect(fwd[0]).toMatchObject({ at: '2016-12-01T09:00:00+08:00', to: [plan.province.email], cc: [plan.city.email] });
  });

  it('puts exactly one email in the SES emulator per ledger entry', () => {
    expect(run.counters.emails).toBe(emails(run).length);
  });

  it('keeps every execution far below the 25,000-event history limit', () => {
    expect(run.counters.executions).toBe(11);
    expect(run.counters.maxHistoryEventsPerExecution).toBeLessThan(1_000);
  });

  it('stopped and restarted mid-year (as a redeploy would), reaches the same outcomes with the same emails', async () => {
    const restarted = await simulate({ plan, scenario, restartAt: Date.parse('2016-11-12T12:00:00+08:00') });
    expect(restarted.errors).toEqual([]);
    expect(restarted.outcomes).toEqual(run.outcomes);
    const key = (e: TimelineEvent) => `${e.at} ${e.kind} ${e.unit} ${e.to.join()} ${e.subject}`;
    expect(emails(restarted).map(key)).toEqual(emails(run).map(key));
    expect(restarted.counters.emails).toBe(run.counters.emails);
    // The restart really happened: a second cycle execution and a second set of unit executions.
    expect(restarted.counters.executions).toBe(22);
  });

  it('restarted after a resubmission while round 2 awaits its decision, still takes the real decision (建阳区 qualified)', async () => {
    // 14 Nov, noon: 建阳区 resubmitted (v2) that morning and its round 2 is decided on the 15th; 武夷山市's round 2
    // was returned that morning and it resubmits on the 16th. The new executions replay the review from the record.
    const restarted = await simulate({ plan, scenario, restartAt: Date.parse('2016-11-14T12:00:00+08:00') });
    expect(restarted.errors).toEqual([]);
    expect(restarted.outcomes).toEqual(EXPECTED_OUTCOMES);
    const key = (e: TimelineEvent) => `${e.at} ${e.kind} ${e.unit} ${e.to.join()} ${e.subject}`;
    expect(emails(restarted).map(key)).toEqual(emails(run).map(key));
    const jy = of(restarted, (e) => e.unit === 'jianyang' && e.kind === 'decision').map((e) => e.subject.split(' —')[0]);
    expect(jy).toEqual(['round 1: returned', 'round 2: approved (city-reviewer)']);
  });
});
