/**
 * The cross-inspection draw in the twin on the simulated clock (plans/binjiang-streets-2026-example.json: three
 * street offices, each group drawn from one street inspecting the next, ⅓ drawn at 09:00 Beijing on 7 September
 * 2026). 浦沿街道 and 长河街道 register their rosters in May; 西兴街道 never does. The draw happens at the
 * window's start and not before, is recorded once, survives a roster changed afterwards and a restart of
 * every execution (as a redeploy), and its emails go once: to each group member and the street's office, and
 * for 西兴街道 to the district office.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegisteredCommunity } from '../../core/inspection/model';
import { drawSample } from '../../core/inspection/sample';
import { validatePlan } from '../../core/plan/validate';
import { atLocalTime, formatBeijing } from '../../core/time';
import { planHashOf, startCycle } from '../../core/use-cases/cycle';
import { registerRoster } from '../../core/use-cases/rosters';
import { restartCycle } from '../../local/simulate';
import type { StoredEmail } from '../../local/services';
import { startTwin, type Twin } from '../../local/twin';
import { UnitCycleState as S } from '../../workflows/unit-cycle/states';

const checked = validatePlan(JSON.parse(readFileSync(new URL('../../plans/binjiang-streets-2026-example.json', import.meta.url), 'utf8')));
if (!checked.ok) throw new Error('the district example plan must validate');
const plan = checked.plan;
const beijing = (local: string) => Date.parse(`${local}+08:00`);
const DRAW_AT = '2026-09-07T01:00:00Z';
const community = (name: string): RegisteredCommunity => ({
  name, kind: name.endsWith('村') ? 'village' : 'community', takingPart: true, contact: { name: `${name}书记`, telephone: '0571-8770-3001' },
});
const ROSTERS: Record<string, RegisteredCommunity[]> = {
  puyan: ['东冠社区', '江二社区', '星民村', '白金海岸社区', '冠山社区'].map(community),
  changhe: ['长河社区', '江一村', '孔家里社区'].map(community),
};
const sampleMails = (inbox: StoredEmail[]) => inbox.filter((m) => m.subject.includes('交叉检查抽样结果') || m.subject.includes('未能抽样'));

describe('the cross-inspection draw: at the window\'s start, once, from the registered roster', () => {
  let twin: Twin;
  const run = (local: string) => twin.clock.runUntil(beijing(local));
  const track = <T>(fn: () => Promise<T>) => twin.clock.track(fn);
  const sampleOf = (unitId: string) => track(() => twin.ctx.repo.getSample(plan.cycleId, unitId, 'cross-check'));
  let beforeDraw: Array<unknown>;

  beforeAll(async () => {
    twin = await startTwin({ startAt: atLocalTime(plan.phases[0].opens, '00:00').toMillis(), mode: { kind: 'simulated' } });
    await track(() => startCycle(twin.ctx, { plan, startedBy: 'district-admin' }));
    await run('2026-05-20T10:00:00');
    for (const [unitId, communities] of Object.entries(ROSTERS))
      await track(() => registerRoster(twin.ctx, { cycleId: plan.cycleId, unitId, version: 0, communities, registeredBy: `${unitId}-staff` }));
    await run('2026-09-07T08:59:59');
    beforeDraw = await Promise.all(plan.units.map((u) => sampleOf(u.id)));
    await run('2026-09-07T09:30:00');
  }, 600_000);
  afterAll(() => twin?.close());

  it('draws nothing before the announced instant', () => {
    expect(beforeDraw).toEqual([null, null, null]);
  });

  it('records each street\'s sample at 09:00 on 7 September, from its registered roster, as anyone can recompute it', async () => {
    for (const [unitId, communities] of Object.entries(ROSTERS)) {
      const recorded = await sampleOf(unitId);
      const expected = drawSample({ planSha256: planHashOf(plan), unitId, rosterVersion: 1, communities, drawAt: DRAW_AT, ratio: plan.inspection!.sampling });
      expect(recorded, unitId).toMatchObject({ status: 'drawn', drawAt: DRAW_AT, seed: expected.seed, sample: expected.sample, inputs: expected.inputs });
      expect(formatBeijing(recorded!.drawnAt, 'iso').slice(0, 16)).toBe('2026-09-07T09:00');
    }
    expect((await sampleOf('puyan'))!.sample).toHaveLength(2);
    expect((await sampleOf('changhe'))!.sample).toHaveLength(1);
    expect(await sampleOf('xixing')).toMatchObject({ status: 'no-roster', sample: [] });
  });

  it('mails each sample to the group\'s members and the street\'s office, and the district office about 西兴街道, once each', async () => {
    const mails = sampleMails(await twin.inbox());
    const to = mails.map((m) => m.destination.to[0]).sort();
    expect(to).toEqual([
      'changhe-inspector1@binjiang.example.cn', 'changhe-inspector2@binjiang.example.cn', 'changhe-office@binjiang.example.cn',
      'district-office@binjiang.example.cn',
      'puyan-office@binjiang.example.cn', 'xixing-inspector1@binjiang.example.cn', 'xixing-inspector2@binjiang.example.cn',
    ].sort());
    for (const m of mails) expect(m.body.text ?? '', m.subject).not.toMatch(/县|市打传办|全市|省局/);
  });

  it('waited in WaitForInspectionDraw and drew in DrawInspectionSample at the instant', async () => {
    const { executions } = await twin.engine.listExecutions({ stateMachineArn: twin.unitStateMachineArn });
    const puyan = executions.find((e) => e.name.endsWith('--puyan'))!;
    const { events } = await twin.engine.getExecutionHistory({ executionArn: puyan.executionArn });
    const entered = (name: string) => events.filter((e) => (e.stateEnteredEventDetails as { name?: string } | undefined)?.name === name);
    expect(entered(S.DrawInspectionSample).map((e) => formatBeijing(e.timestamp.getTime(), 'iso'))).toEqual(['2026-09-07T09:00:00+08:00']);
    expect(entered(S.ReportInspectionDrawFailure)).toEqual([]);
  });

  it('keeps the sample when the roster changes afterwards and every execution restarts: nothing drawn or sent again', async () => {
    const recorded = await Promise.all(plan.units.map((u) => sampleOf(u.id)));
    const mailsBefore = sampleMails(await twin.inbox()).length;
    await track(() => registerRoster(twin.ctx, { cycleId: plan.cycleId, unitId: 'puyan', version: 1, communities: [community('新来社区')], registeredBy: 'puyan-staff' }));
    await track(() => registerRoster(twin.ctx, { cycleId: plan.cycleId, unitId: 'xixing', version: 0, communities: [community('西兴社区')], registeredBy: 'xixing-staff' }));
    await track(() => restartCycle(twin, plan));
    await run('2026-09-07T15:00:00');
    expect(await Promise.all(plan.units.map((u) => sampleOf(u.id)))).toEqual(recorded);
    expect(sampleMails(await twin.inbox()).length).toBe(mailsBefore);
    const audit = (await track(() => twin.ctx.repo.listAudit(plan.cycleId))).filter((a) => a.action === 'draw-sample');
    expect(audit.map((a) => a.unitId).sort()).toEqual(['changhe', 'puyan', 'xixing']);
    const ledger = (await track(() => twin.ctx.repo.listMessages(plan.cycleId))).filter((m) => m.kind.startsWith('inspection-'));
    expect(ledger).toHaveLength(7);
  }, 300_000);
});
