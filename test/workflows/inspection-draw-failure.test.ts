/**
 * A draw that fails after its retries is never silent (plans/binjiang-streets-2026-example.json, drawn at 09:00
 * Beijing on Monday 7 September 2026, window to Friday 11 September), in the twin on the simulated clock:
 *
 * 1. It fails for a while, then works: 浦沿街道's roster item is unreadable at the draw instant (the draw throws)
 *    and repaired at 12:30. The office is told once that the draw failed and will be retried; the sample view and
 *    the dashboard say so; the 13:00 attempt draws it, from the announced inputs, recorded once with its audit and
 *    mailed once; the failure shows as resolved. 长河街道 and 西兴街道 draw at 09:00 as usual.
 * 2. It never works: 浦沿街道's roster item stays unreadable. The draw is retried hourly for a day, then daily,
 *    until the window closes, through a restart of every execution; the office is told once that it failed and once
 *    that it could not be drawn; no sample is recorded.
 */
import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../core/adapters/dynamodb/keys';
import type { RegisteredCommunity } from '../../core/inspection/model';
import { drawRetryInstants } from '../../core/inspection/draw-retry';
import { drawSample } from '../../core/inspection/sample';
import { validatePlan } from '../../core/plan/validate';
import { atLocalTime, formatBeijing } from '../../core/time';
import { planHashOf, startCycle } from '../../core/use-cases/cycle';
import { unitSample } from '../../core/use-cases/inspection';
import { registerRoster } from '../../core/use-cases/rosters';
import { dashboard } from '../../core/use-cases/views';
import { restartCycle } from '../../local/simulate';
import type { StoredEmail } from '../../local/services';
import { startTwin, type Twin } from '../../local/twin';
import { UnitCycleState as S } from '../../workflows/unit-cycle/states';

const checked = validatePlan(JSON.parse(readFileSync(new URL('../../plans/binjiang-streets-2026-example.json', import.meta.url), 'utf8')));
if (!checked.ok) throw new Error('the district example plan must validate');
const plan = checked.plan;
const beijing = (local: string) => Date.parse(`${local}+08:00`);
const DRAW_AT = '2026-09-07T01:00:00Z';
const WINDOW_ENDS = '2026-09-11T15:59:59Z';
const community = (name: string): RegisteredCommunity => ({ name, kind: 'community', takingPart: true, contact: { name: `${name}书记`, telephone: '0571-8770-3001' } });
const PUYAN = ['东冠社区', '江二社区', '白金海岸社区', '冠山社区'].map(community);
const CHANGHE = ['长河社区', '孔家里社区'].map(community);
const failedMails = (inbox: StoredEmail[]) => inbox.filter((m) => m.subject.includes('抽样未完成'));
const gaveUpMails = (inbox: StoredEmail[]) => inbox.filter((m) => m.subject.includes('多次重试仍未完成'));
const sampleMails = (inbox: StoredEmail[]) => inbox.filter((m) => m.subject.includes('交叉检查抽样结果'));
const hhmm = (ms: number) => formatBeijing(ms, 'iso').slice(0, 16);

async function start() {
  const twin = await startTwin({ startAt: atLocalTime(plan.phases[0].opens, '00:00').toMillis(), mode: { kind: 'simulated' } });
  const track = <T>(fn: () => Promise<T>) => twin.clock.track(fn);
  await track(() => startCycle(twin.ctx, { plan, startedBy: 'district-admin' }));
  await twin.clock.runUntil(beijing('2026-05-20T10:00:00'));
  for (const [unitId, communities] of [['puyan', PUYAN], ['changhe', CHANGHE]] as const)
    await track(() => registerRoster(twin.ctx, { cycleId: plan.cycleId, unitId, version: 0, communities: [...communities], registeredBy: `${unitId}-staff` }));
  return twin;
}

/** Makes the unit's roster item unreadable (the draw throws on it); returns the item as it was, to repair it with. */
async function breakRoster(twin: Twin, unitId: string) {
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const Key = keys.rosterVersion(plan.cycleId, unitId, 1);
  const TableName = twin.assembly.table.name;
  const { Item } = await db.send(new GetCommand({ TableName, Key }));
  await db.send(new PutCommand({ TableName, Item: { ...Item, communities: { unreadable: true } } }));
  return () => db.send(new PutCommand({ TableName, Item }));
}

async function entered(twin: Twin, unitId: string, name: string): Promise<number[]> {
  const { executions } = await twin.engine.listExecutions({ stateMachineArn: twin.unitStateMachineArn });
  const out: number[] = [];
  for (const e of executions.filter((x) => x.name.endsWith(`--${unitId}`))) {
    const { events } = await twin.engine.getExecutionHistory({ executionArn: e.executionArn });
    for (const ev of events) if ((ev.stateEnteredEventDetails as { name?: string } | undefined)?.name === name) out.push(ev.timestamp.getTime());
  }
  return out.sort((a, b) => a - b);
}

describe('a draw that fails, then works at its next attempt', () => {
  let twin: Twin;
  const run = (local: string) => twin.clock.runUntil(beijing(local));
  const track = <T>(fn: () => Promise<T>) => twin.clock.track(fn);
  let during: { inbox: StoredEmail[]; view: Awaited<ReturnType<typeof unitSample>>; board: Awaited<ReturnType<typeof dashboard>> };
  let inbox: StoredEmail[];

  beforeAll(async () => {
    twin = await start();
    // 浦沿街道's roster item becomes unreadable before the draw (the draw throws on it), and is repaired at 12:30.
    const repair = await breakRoster(twin, 'puyan');
    await run('2026-09-07T09:30:00');
    during = {
      inbox: await twin.inbox(),
      view: await track(() => unitSample(twin.ctx, { cycleId: plan.cycleId, unitId: 'puyan' })),
      board: await track(() => dashboard(twin.ctx, { cycleId: plan.cycleId })),
    };
    await run('2026-09-07T12:30:00');
    await repair();
    await run('2026-09-08T12:00:00');
    inbox = await twin.inbox();
  }, 600_000);
  afterAll(() => twin?.close());

  it('tells the district office once, in its words, that the draw failed and when it is tried again', () => {
    const [mail, ...more] = failedMails(during.inbox);
    expect(more).toEqual([]);
    expect(mail.destination.to).toEqual([plan.city.email]);
    expect(mail.subject).toBe('【滨江区打传办】抽样未完成：浦沿街道的交叉检查抽样出错，系统将自动重试');
    expect(mail.body.text).toContain('系统将于2026年9月7日（星期一）10:00再次抽取');
    expect(mail.body.text).toContain('TypeError');
    expect(mail.body.text).not.toMatch(/县|市打传办|全市|省局/);
    expect(failedMails(inbox)).toHaveLength(1);
    expect(gaveUpMails(inbox)).toEqual([]);
  });

  it('shows the failure on the sample view and the dashboard while it lasts', () => {
    expect(during.view.sample).toBeNull();
    expect(during.view.drawFailure).toMatchObject({ state: 'retrying', error: 'TypeError', nextAttemptAt: { iso: '2026-09-07T02:00:00Z' } });
    expect(during.view.drawFailure!.firstFailedAt.beijing.slice(0, 16)).toBe('2026-09-07T09:00');
    const rows = new Map(during.board.units.map((u) => [u.unitId, u.drawFailure]));
    expect(rows.get('puyan')).toMatchObject({ state: 'retrying' });
    expect(rows.get('changhe')).toBeNull();
    expect(rows.get('xixing')).toBeNull();
  });

  it('draws at the first attempt after the repair (13:00), from the announced inputs, once, and says the failure is over', async () => {
    const view = await track(() => unitSample(twin.ctx, { cycleId: plan.cycleId, unitId: 'puyan' }));
    const expected = drawSample({ planSha256: planHashOf(plan), unitId: 'puyan', rosterVersion: 1, communities: PUYAN, drawAt: DRAW_AT, ratio: plan.inspection!.sampling });
    expect(view.sample).toMatchObject({ status: 'drawn', seed: expected.seed, sample: expected.sample, inputs: expected.inputs });
    expect(view.sample!.drawnAt.beijing.slice(0, 16)).toBe('2026-09-07T13:00');
    expect(view.drawFailure).toMatchObject({ state: 'resolved', nextAttemptAt: null });
    expect((await entered(twin, 'puyan', S.DrawInspectionSample)).map(hhmm)).toEqual(
      ['09:00', '10:00', '11:00', '12:00', '13:00'].map((t) => `2026-09-07T${t}`),
    );
    const board = await track(() => dashboard(twin.ctx, { cycleId: plan.cycleId }));
    expect(board.units.find((u) => u.unitId === 'puyan')!.drawFailure).toBeNull();
    const audit = (await track(() => twin.ctx.repo.listAudit(plan.cycleId))).filter((a) => a.unitId === 'puyan' && a.action.startsWith('draw-'));
    expect(audit.map((a) => a.action).sort()).toEqual(['draw-failed', 'draw-sample']);
  });

  it('mails the sample once to the group and the street, and draws 长河街道 and 西兴街道 on time', async () => {
    const puyan = sampleMails(inbox).filter((m) => m.subject.includes('浦沿街道'));
    expect(puyan.map((m) => m.destination.to[0]).sort()).toEqual(['changhe-inspector1@binjiang.example.cn', 'changhe-inspector2@binjiang.example.cn', 'puyan-office@binjiang.example.cn']);
    expect(puyan.every((m) => hhmm(m.at * 1000) === '2026-09-07T13:00')).toBe(true);
    expect((await entered(twin, 'changhe', S.DrawInspectionSample)).map(hhmm)).toEqual(['2026-09-07T09:00']);
    expect(await entered(twin, 'changhe', S.ReportInspectionDrawFailure)).toEqual([]);
    expect(await track(() => twin.ctx.repo.getSample(plan.cycleId, 'xixing', 'cross-check'))).toMatchObject({ status: 'no-roster' });
  });
});

describe('a draw that never works: retried while the window is open, then given up, through a restart', () => {
  let twin: Twin;
  const run = (local: string) => twin.clock.runUntil(beijing(local));
  const track = <T>(fn: () => Promise<T>) => twin.clock.track(fn);
  let inbox: StoredEmail[];

  beforeAll(async () => {
    twin = await start();
    await breakRoster(twin, 'puyan');
    await run('2026-09-08T12:00:00');
    // A redeploy halfway: every execution starts again, draws at once (the instant passed) and fails again.
    await track(() => restartCycle(twin, plan));
    await run('2026-09-12T12:00:00');
    inbox = await twin.inbox();
  }, 900_000);
  afterAll(() => twin?.close());

  it('tries again hourly for a day, then daily until the window closes, and then stops', async () => {
    const retries = drawRetryInstants(DRAW_AT, WINDOW_ENDS);
    expect(retries).toHaveLength(27);
    const attempts = (await entered(twin, 'puyan', S.DrawInspectionSample)).map(hhmm);
    const planned = [DRAW_AT, ...retries].map((i) => hhmm(Date.parse(i)));
    // The restart at 12:00 on 8 September adds one attempt at once; the rest are the planned instants.
    expect(attempts).toEqual([...planned.slice(0, 25), '2026-09-08T12:00', ...planned.slice(25)]);
    expect(attempts.at(-1)).toBe('2026-09-11T09:00');
    expect(await entered(twin, 'puyan', S.InspectionDrawGivenUp)).toHaveLength(1);
  });

  it('tells the office once that the draw failed, and once that it could not be drawn', () => {
    const streets = (mails: StoredEmail[]) => mails.map((m) => m.subject.match(/：(\S+?街道)的/)![1]);
    expect(streets(failedMails(inbox))).toEqual(['浦沿街道']);
    expect(streets(gaveUpMails(inbox))).toEqual(['浦沿街道']);
    for (const m of gaveUpMails(inbox)) {
      expect(m.destination.to).toEqual([plan.city.email]);
      expect(hhmm(m.at * 1000)).toBe('2026-09-11T09:00');
      expect(m.body.text).toContain('系统不再自动重试');
      expect(m.body.text).not.toMatch(/县|市打传办|全市|省局/);
    }
    expect(sampleMails(inbox).filter((m) => m.subject.includes('浦沿街道'))).toEqual([]);
  });

  it('records no sample, and shows that the draw gave up', async () => {
    const view = await track(() => unitSample(twin.ctx, { cycleId: plan.cycleId, unitId: 'puyan' }));
    expect(view.sample).toBeNull();
    expect(view.drawFailure).toMatchObject({ state: 'gave-up', nextAttemptAt: null, error: 'TypeError' });
    const board = await track(() => dashboard(twin.ctx, { cycleId: plan.cycleId }));
    expect(board.units.map((u) => [u.unitId, u.drawFailure?.state ?? null])).toEqual([['xixing', null], ['changhe', null], ['puyan', 'gave-up']]);
    const audit = (await track(() => twin.ctx.repo.listAudit(plan.cycleId))).filter((a) => a.unitId === 'puyan' && a.action.startsWith('draw-'));
    expect(audit.map((a) => a.action).sort()).toEqual(['draw-failed', 'draw-gave-up']);
  });

  it('keeps each execution\'s history small', async () => {
    const { executions } = await twin.engine.listExecutions({ stateMachineArn: twin.unitStateMachineArn });
    for (const e of executions) {
      const { events } = await twin.engine.getExecutionHistory({ executionArn: e.executionArn });
      expect(events.length, e.name).toBeLessThan(1500);
    }
  });
});
