/**
 * The roster registration's deadline (社区/村名单登记, plans/binjiang-streets-2026-example.json: registered by Friday
 * 29 May 2026, in the mobilisation phase) in the twin on the simulated clock: it is one more thing due in its phase
 * (core/plan/roster-deliverable.ts), so the UnitCycle's own reminders and escalation ladder handle it.
 *
 * Reminders D-5, D-2, D-0 (22, 27, 29 May, 08:30); the ladder from the first working day after (1 June: the leader
 * in charge; 4 June: the district office; 8 June: a drafted 通报批评 and a 挂牌督办 proposal).
 * - 长河街道 registers on 26 May: the D-5 reminder only, no escalation, on time.
 * - 西兴街道 registers on 2 June, after rung 1: rung 1 only, late.
 * - 浦沿街道 never registers: each rung once, although every execution restarts (as a redeploy) after rung 1.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegisteredCommunity } from '../../core/inspection/model';
import { ROSTER_DELIVERABLE_ID } from '../../core/plan/roster-deliverable';
import { validatePlan } from '../../core/plan/validate';
import { atLocalTime, formatBeijing } from '../../core/time';
import { startCycle } from '../../core/use-cases/cycle';
import { listProposals } from '../../core/use-cases/proposals';
import { registerRoster } from '../../core/use-cases/rosters';
import { submitDeliverable } from '../../core/use-cases/submissions';
import { dashboard, unitOverview } from '../../core/use-cases/views';
import { restartCycle } from '../../local/simulate';
import type { StoredEmail } from '../../local/services';
import { startTwin, type Twin } from '../../local/twin';

const checked = validatePlan(JSON.parse(readFileSync(new URL('../../plans/binjiang-streets-2026-example.json', import.meta.url), 'utf8')));
if (!checked.ok) throw new Error('the district example plan must validate');
const plan = checked.plan;
const beijing = (local: string) => Date.parse(`${local}+08:00`);
const unit = (id: string) => plan.units.find((u) => u.id === id)!;
const community = (name: string): RegisteredCommunity => ({ name, kind: 'community', takingPart: true, contact: { name: `${name}书记`, telephone: '0571-8770-3001' } });
/** The roster's emails: its reminders, its ladder's rungs and the drafted criticism all name it. */
const rosterMails = (inbox: StoredEmail[]) => inbox.filter((m) => m.subject.includes('社区/村名单'));
/** The SES emulator stamps each email in seconds. */
const sentAt = (m: StoredEmail) => formatBeijing(m.at * 1000, 'iso').slice(0, 16);

describe('the roster registration deadline: the reminders and the escalation ladder of a deliverable', () => {
  let twin: Twin;
  const run = (local: string) => twin.clock.runUntil(beijing(local));
  const track = <T>(fn: () => Promise<T>) => twin.clock.track(fn);
  const register = (unitId: string) =>
    track(() => registerRoster(twin.ctx, { cycleId: plan.cycleId, unitId, version: 0, communities: [community(`${unitId}一社区`)], registeredBy: `${unitId}-staff` }));
  let inbox: StoredEmail[];
  let afterRungOne: StoredEmail[];

  beforeAll(async () => {
    twin = await startTwin({ startAt: atLocalTime(plan.phases[0].opens, '00:00').toMillis(), mode: { kind: 'simulated' } });
    await track(() => startCycle(twin.ctx, { plan, startedBy: 'district-admin' }));
    await run('2026-05-26T10:00:00');
    await register('changhe');
    await run('2026-06-01T12:00:00');
    afterRungOne = rosterMails(await twin.inbox());
    await register('xixing');
    // A redeploy after rung 1: every execution starts again and replays its waits from the schedule.
    await track(() => restartCycle(twin, plan));
    await run('2026-06-09T12:00:00');
    inbox = await twin.inbox();
  }, 600_000);
  afterAll(() => twin?.close());

  it('lists the roster among what the mobilisation phase asks for, with its deadline', () => {
    const kickoff = inbox.filter((m) => m.subject.includes('关于开展“动员部署”阶段工作的通知'));
    expect(kickoff).toHaveLength(3);
    for (const m of kickoff) expect(m.body.text).toMatch(/社区\/村名单：2026年5月29日（星期五）23:59前（含）/);
  });

  it('reminds 长河街道 only until it registers (D-5), and never escalates', () => {
    const mails = rosterMails(inbox).filter((m) => [unit('changhe').office.email, unit('changhe').leader.email].includes(m.destination.to[0]));
    expect(mails.map((m) => [sentAt(m), m.subject.replace(/^【[^】]+】/, '').slice(0, 15)])).toEqual([['2026-05-22T08:30', '提醒：请于2026年5月29日']]);
    expect(mails[0].body.text).toContain('请在系统中逐条登记本单位的社区（村）');
    expect(mails[0].body.text).toContain(`/units/changhe/roster?cycle=${plan.cycleId}`);
    expect(rosterMails(inbox).filter((m) => m.subject.includes('长河街道'))).toEqual([]);
  });

  it('climbs 浦沿街道\'s ladder once each rung, across the restart: leader, district office, drafted 通报批评', () => {
    const office = plan.city.leaderEmail ?? plan.city.email;
    const reminders = rosterMails(inbox).filter((m) => m.destination.to[0] === unit('puyan').office.email);
    expect(reminders.map(sentAt)).toEqual(['2026-05-22T08:30', '2026-05-27T08:30', '2026-05-29T08:30']);
    const ladder = rosterMails(inbox).filter((m) => m.subject.includes('浦沿街道'));
    expect(ladder.map((m) => [sentAt(m), m.destination.to[0], m.subject.replace(/^【[^】]+】/, '')])).toEqual([
      ['2026-06-01T08:30', unit('puyan').leader.email, '督办：浦沿街道未按时报送社区/村名单'],
      ['2026-06-04T08:30', office, '督办：浦沿街道未按时报送社区/村名单'],
      ['2026-06-08T08:30', office, '请确认：拟对浦沿街道通报批评并挂牌督办（未按时报送社区/村名单）'],
    ]);
    expect(firstLine(ladder[0])).toBe('浦沿街道分管领导：');
    expect(ladder[1].body.text).toContain('现按工作方案提请区打传办督办。');
    expect(ladder[2].body.text).toContain('影响全区创建工作进度');
    // Rung 1 went before the restart, and not again after it.
    expect(afterRungOne.filter((m) => m.subject.includes('浦沿街道'))).toHaveLength(1);
  });

  it('stops 西兴街道\'s ladder at rung 1, once it registered (late)', () => {
    const ladder = rosterMails(inbox).filter((m) => m.subject.includes('西兴街道'));
    expect(ladder.map((m) => [sentAt(m), m.destination.to[0]])).toEqual([['2026-06-01T08:30', unit('xixing').leader.email]]);
  });

  it('proposes 挂牌督办 for 浦沿街道 alone, about its roster', async () => {
    const proposals = (await track(() => listProposals(twin.ctx, { cycleId: plan.cycleId }))).proposals.filter((p) => p.deliverable.deliverableId === ROSTER_DELIVERABLE_ID);
    expect(proposals.map((p) => [p.unit.unitId, p.about, p.status])).toEqual([['puyan', 'deliverable', 'proposed']]);
  });

  it('shows the roster on the overview and the dashboard like any deliverable: on time, late, missing', async () => {
    const state = async (unitId: string) => {
      const o = await track(() => unitOverview(twin.ctx, { cycleId: plan.cycleId, unitId }));
      const d = o.phases.find((p) => p.kind === 'mobilisation')!.deliverables.find((x) => x.deliverableId === ROSTER_DELIVERABLE_ID)!;
      return [d.state, d.latestVersion, d.remindersSent, d.escalationsSent];
    };
    expect(await state('changhe')).toEqual(['submitted-on-time', 1, 1, 0]);
    expect(await state('xixing')).toEqual(['submitted-late', 1, 3, 1]);
    expect(await state('puyan')).toEqual(['missing', 0, 3, 3]);
    const board = await track(() => dashboard(twin.ctx, { cycleId: plan.cycleId, filter: 'missing' }));
    expect(board.units.map((u) => u.unitId)).toEqual(['puyan']);
    expect(board.totals).toMatchObject({ submittedOnTime: 1, submittedLate: 1, missing: 1 });
  });

  it('refuses the roster as a file submission: it is registered on the roster page', async () => {
    await expect(
      track(() => submitDeliverable(twin.ctx, { cycleId: plan.cycleId, unitId: 'puyan', deliverableId: ROSTER_DELIVERABLE_ID, submittedBy: 'puyan-staff', documents: [] })),
    ).rejects.toMatchObject({ problems: [expect.objectContaining({ path: 'deliverableId', rule: 'deliverable.roster' })] });
  });

  it('speaks the district\'s words: no 县, 市打传办, 全市 or 省局', () => {
    for (const m of rosterMails(inbox)) expect(`${m.subject}\n${m.body.text}`, m.subject).not.toMatch(/县|市打传办|全市|省局/);
  });
});

const firstLine = (m: StoredEmail) => (m.body.text ?? '').split('\n')[0];
