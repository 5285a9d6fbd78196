/**
 * An extension (延期) granted by the city office moves every later reminder and escalation of that unit,
 * and is recorded: the unit's execution is stopped and started again with a schedule derived with the
 * extension, and the ledger keeps anything from being sent twice. Played in the twin on the simulated clock.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCalendar } from '../../core/calendar';
import { validatePlan } from '../../core/plan/validate';
import { atLocalTime } from '../../core/time';
import { startCycle, unitExecutionName } from '../../core/use-cases/cycle';
import { grantExtension } from '../../core/use-cases/extensions';
import { readTimeline, type TimelineEvent } from '../../local/timeline';
import { startTwin, type Twin } from '../../local/twin';

const checked = validatePlan(JSON.parse(readFileSync(new URL('../../plans/nanping-2016.json', import.meta.url), 'utf8')));
if (!checked.ok) throw new Error('example plan invalid');
const plan = checked.plan;
const songxi = plan.units.find((u) => u.id === 'songxi')!;
const REPORT = 'self-assessment-report';

describe('an extension granted to 松溪县 for its self-assessment report', () => {
  let twin: Twin;
  let events: TimelineEvent[];
  let grant: Awaited<ReturnType<typeof grantExtension>>;
  const about = (unit: string, kind: string) => events.filter((e) => e.unit === unit && e.kind === kind && e.subject.includes('自评报告'));

  beforeAll(async () => {
    twin = await startTwin({ startAt: atLocalTime(plan.phases[0].opens, '00:00').toMillis(), mode: { kind: 'simulated' } });
    await twin.clock.track(() => startCycle(twin.ctx, { plan, startedBy: 'city-admin' }));
    await twin.clock.runUntil(Date.parse('2016-11-03T15:00:00+08:00'));
    grant = await twin.clock.track(() =>
      grantExtension(twin.ctx, {
        cycleId: plan.cycleId, unitId: 'songxi', deliverableId: REPORT, lastDay: '2016-11-16', grantedBy: 'city-reviewer', reason: '县领导班子调整，材料需重新审定',
      }),
    );
    await twin.clock.runUntil(Date.parse('2016-11-25T12:00:00+08:00'));
    events = await readTimeline(twin.ctx.repo, plan.cycleId);
  }, 300_000);
  afterAll(() => twin?.close());

  it('is recorded and audited, and the county is told once with its leader in copy', async () => {
    expect(await twin.ctx.repo.listExtensions(plan.cycleId, 'songxi')).toEqual([
      expect.objectContaining({ deliverableId: REPORT, lastDay: '2016-11-16', previousLastDay: '2016-11-09', grantedBy: 'city-reviewer' }),
    ]);
    expect((await twin.ctx.repo.listAudit(plan.cycleId)).filter((a) => a.action === 'extend')).toEqual([
      expect.objectContaining({ unitId: 'songxi', actor: 'city-reviewer', role: 'city', what: expect.objectContaining({ lastDay: '2016-11-16' }) }),
    ]);
    const notices = events.filter((e) => e.kind === 'extension');
    expect(notices.map((e) => [e.at, e.unit, e.to, e.cc])).toEqual([['2016-11-03T15:00:00+08:00', 'songxi', [songxi.office.email], [songxi.leader.email]]]);
    expect(notices[0].subject).toContain('2016年11月16日（星期三）23:59');
  });

  it('reminds against the new deadline after the grant: D-3 on Fri 11 Nov', () => {
    // Working days back from Wed 16 Nov: 15, 14, 11.
    const calendar = makeCalendar({ overrides: plan.calendar.overrides });
    expect(calendar.addWorkingDays('2016-11-16', -3)).toBe('2016-11-11');
    const after = about('songxi', 'reminder').filter((e) => e.at > '2016-11-03T15:00:00+08:00');
    expect(after.map((e) => e.at)).toEqual(['2016-11-07T09:00:00+08:00', '2016-11-11T09:00:00+08:00', '2016-11-15T09:00:00+08:00', '2016-11-16T09:00:00+08:00']);
    expect(after.find((e) => e.at === '2016-11-11T09:00:00+08:00')!.subject).toContain('还剩 3 个工作日');
    expect(after.every((e) => e.subject.includes('2016年11月16日'))).toBe(true);
  });

  it('climbs the ladder from the new deadline: nothing on 10 Nov, L1 on Thu 17 Nov', () => {
    const escalations = about('songxi', 'escalation');
    expect(escalations.some((e) => e.at.startsWith('2016-11-10'))).toBe(false);
    expect(escalations.map((e) => [e.at, e.to[0]])).toEqual([
      ['2016-11-17T09:00:00+08:00', songxi.leader.email],
      ['2016-11-22T09:00:00+08:00', plan.city.leaderEmail ?? plan.city.email],
      ['2016-11-24T09:00:00+08:00', plan.city.leaderEmail ?? plan.city.email],
    ]);
    expect(escalations[0].subject).toContain('督办');
  });

  it('leaves the other counties on the plan: D-3 on Fri 4 Nov and L1 on Thu 10 Nov', () => {
    for (const u of plan.units.filter((x) => x.id !== 'songxi')) {
      expect(about(u.id, 'reminder').map((e) => e.at)).toContain('2016-11-04T09:00:00+08:00');
      expect(about(u.id, 'reminder').some((e) => e.at > '2016-11-09T23:59:59+08:00')).toBe(false);
      expect(about(u.id, 'escalation')[0].at).toBe('2016-11-10T09:00:00+08:00');
    }
    expect(events.filter((e) => e.kind === 'extension' && e.unit !== 'songxi')).toEqual([]);
  });

  it('stopped the unit execution and started a new one, which runs on', async () => {
    const first = unitExecutionName(plan.cycleId, 'songxi');
    expect(grant.restart).toEqual({ stopped: first, stoppedStatus: 'stopped', started: `${first}-x1` });
    const { executions } = await twin.engine.listExecutions({ stateMachineArn: twin.unitStateMachineArn });
    const status = Object.fromEntries(executions.filter((e) => e.name.includes('songxi')).map((e) => [e.name, e.status]));
    expect(status).toEqual({ [first]: 'ABORTED', [`${first}-x1`]: 'RUNNING' });
    expect(await twin.ctx.repo.getUnitRun(plan.cycleId, 'songxi')).toBe(`${first}-x1`);
    expect(executions.filter((e) => e.status === 'ABORTED')).toHaveLength(1);
  });

  it('sends nothing twice', async () => {
    const ledger = await twin.ctx.repo.listMessages(plan.cycleId);
    const keys = ledger.map((m) => [m.unitId, m.kind, m.milestone, m.recipient].join('|'));
    expect(new Set(keys).size).toBe(keys.length);
    expect((await twin.inbox()).length).toBe(ledger.filter((m) => m.status === 'sent').length);
    // The phase-opening notices the new execution passed again went out once, before the grant.
    expect(events.filter((e) => e.unit === 'songxi' && e.kind === 'phase-opened')).toHaveLength(3);
  });
});
