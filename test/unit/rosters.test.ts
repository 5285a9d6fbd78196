/**
 * Registered rosters and the inspection draw against in-memory adapters, with the Binjiang example plan
 * (three street offices cross-inspecting each other, a ⅓ sample drawn on 2026-09-07 at 09:00 Beijing):
 * versions and their audit entries, a stale registration refused, a retried one stored once, bad input
 * changing nothing; the draw refused before its instant, recorded once, untouched by a later roster, its
 * emails sent once to the group's members and the unit's office; no roster: recorded, the office told once.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeMemoryMailer } from '../../core/adapters/memory/mailer';
import { makeMemoryRepository } from '../../core/adapters/memory/repository';
import { makeMemoryWorkflow } from '../../core/adapters/memory/workflow';
import { RosterConflictError, TransientError, ValidationError } from '../../core/errors';
import type { RegisteredCommunity } from '../../core/inspection/model';
import { drawSample } from '../../core/inspection/sample';
import { makeContext, type Context } from '../../core/use-cases/context';
import { planHashOf, startCycle } from '../../core/use-cases/cycle';
import { drawInspectionSample, reportDrawFailure, unitSample } from '../../core/use-cases/inspection';
import { grantExtension } from '../../core/use-cases/extensions';
import { ROSTER_DELIVERABLE_ID } from '../../core/plan/roster-deliverable';
import { registerRoster, unitRoster } from '../../core/use-cases/rosters';
import { validatePlan } from '../../core/plan/validate';
import { assessSelfAssessment } from '../../core/self-assessment';
import { previewSelfAssessment } from '../../core/use-cases/submissions';

const planJson = JSON.parse(readFileSync(new URL('../../plans/binjiang-streets-2026-example.json', import.meta.url), 'utf8'));
const CYCLE = 'binjiang-2026';
const DRAW_AT = '2026-09-07T01:00:00Z';
const community = (name: string, takingPart = true): RegisteredCommunity => ({
  name, kind: name.endsWith('村') ? 'village' : 'community', takingPart, contact: { name: `${name}书记`, telephone: '0571-8770-3001' },
});
const ROSTER = ['东冠社区', '江二社区', '星民村', '白金海岸社区', '冠山社区'].map((n) => community(n));

async function started() {
  const clock = { t: Date.parse('2026-05-06T00:00:00Z'), now() { return this.t; } };
  const repo = makeMemoryRepository();
  const mailer = makeMemoryMailer();
  const ctx: Context = makeContext({ repo, mailer, workflow: makeMemoryWorkflow(), clock });
  await startCycle(ctx, { plan: planJson, startedBy: 'district' });
  const at = (iso: string) => (clock.t = Date.parse(iso));
  return { clock, repo, mailer, ctx, at };
}
const register = (s: Awaited<ReturnType<typeof started>>, over: Partial<Parameters<typeof registerRoster>[1]> = {}) =>
  registerRoster(s.ctx, { cycleId: CYCLE, unitId: 'puyan', version: 0, communities: ROSTER, registeredBy: 'puyan', ...over });

describe('registering a roster', () => {
  it('stores versions with their audit entries; the same roster again stores nothing', async () => {
    const s = await started();
    const first = await register(s);
    expect(first).toMatchObject({ recorded: true, changed: true, roster: { version: 1, counts: { communities: 5, takingPart: 5 } } });
    const again = await register(s, { version: 1 });
    expect(again).toMatchObject({ recorded: false, changed: false, roster: { version: 1 } });
    const second = await register(s, { version: 1, communities: [...ROSTER.slice(0, 4), community('冠山社区', false), community('新村')], reason: '新增新村' });
    expect(second.roster.version).toBe(2);
    const view = await unitRoster(s.ctx, { cycleId: CYCLE, unitId: 'puyan' });
    expect(view).toMatchObject({ version: 2, requirement: { phase: 'mobilisation', lastDay: '2026-05-29' }, current: { counts: { communities: 6, takingPart: 5 } } });
    expect(view.history.map((h) => h.version)).toEqual([1]);
    const audit = (await s.repo.listAudit(CYCLE)).filter((a) => a.action === 'register-roster');
    expect(audit.map((a) => a.what)).toEqual([
      expect.objectContaining({ version: 1, communities: 5, added: ROSTER.map((c) => c.name), removed: [] }),
      expect.objectContaining({ version: 2, communities: 6, added: ['新村'], removed: [] }),
    ]);
  });

  it('refuses a registration from a stale version (409, who and when) and stores nothing', async () => {
    const s = await started();
    await register(s);
    const stale = await register(s, { version: 0, communities: ROSTER.slice(0, 2) }).catch((e) => e);
    expect(stale).toBeInstanceOf(RosterConflictError);
    expect(stale.status).toBe(409);
    expect(stale.text.zh).toContain('第 1 版');
    expect((await s.repo.listRosterVersions(CYCLE, 'puyan')).length).toBe(1);
  });

  it('stores a retried request (same Idempotency-Key) once', async () => {
    const s = await started();
    const a = await register(s, { requestKey: 'puyan#k1' });
    const b = await register(s, { requestKey: 'puyan#k1' });
    expect(a.recorded).toBe(true);
    expect(b).toMatchObject({ recorded: false, roster: { version: 1 } });
    expect((await s.repo.listRosterVersions(CYCLE, 'puyan')).length).toBe(1);
  });

  it('refuses bad rows naming the row, field and rule, and stores nothing', async () => {
    const s = await started();
    const err = await register(s, { communities: [community('东冠社区'), community('东冠社区'), { ...community('x'), kind: 'town' }] }).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.problems.map((p: { path: string; rule: string }) => `${p.path} ${p.rule}`)).toEqual(['communities[2].kind enum']);
    const dup = await register(s, { communities: [community('东冠社区'), community('东冠社区')] }).catch((e) => e);
    expect(dup.problems[0]).toMatchObject({ path: 'communities[1].name', rule: 'duplicate' });
    expect(dup.text.zh).toBe('社区/村名单未保存：输入有误');
    expect(await s.repo.listRosterVersions(CYCLE, 'puyan')).toEqual([]);
    expect((await s.repo.listAudit(CYCLE)).filter((a) => a.action === 'register-roster')).toEqual([]);
  });
});

describe('the inspection draw', () => {
  const draw = (s: Awaited<ReturnType<typeof started>>, unitId = 'puyan', windowId = 'cross-check') =>
    drawInspectionSample(s.ctx, { cycleId: CYCLE, unitId, windowId });

  it('is refused before the announced instant, then recorded once with the published inputs', async () => {
    const s = await started();
    await register(s);
    s.at('2026-09-07T00:59:59Z');
    await expect(draw(s)).rejects.toBeInstanceOf(TransientError);
    expect(await s.repo.getSample(CYCLE, 'puyan', 'cross-check')).toBeNull();

    s.at('2026-09-07T01:00:00Z');
    const first = await draw(s);
    expect(first).toMatchObject({ status: 'drawn', recorded: true, sampled: 2 });
    const plan = validatePlan(planJson);
    if (!plan.ok) throw new Error('plan');
    const expected = drawSample({ planSha256: planHashOf(plan.plan), unitId: 'puyan', rosterVersion: 1, communities: ROSTER, drawAt: DRAW_AT, ratio: { numerator: 1, denominator: 3 } });
    const recorded = await s.repo.getSample(CYCLE, 'puyan', 'cross-check');
    expect(recorded).toMatchObject({ status: 'drawn', seed: expected.seed, groupId: 'group-changhe', drawAt: DRAW_AT, sample: expected.sample });

    // A roster changed after the draw, and the task run again (a retry, a restart): the same sample, no new mail.
    await register(s, { version: 1, communities: [community('另一个社区')] });
    const sentBefore = s.mailer.sent.length;
    s.at('2026-09-07T02:00:00Z');
    const again = await draw(s);
    expect(again).toMatchObject({ status: 'drawn', recorded: false, sampled: 2, notices: ['already-sent', 'already-sent', 'already-sent'] });
    expect(s.mailer.sent.length).toBe(sentBefore);
    expect(await s.repo.getSample(CYCLE, 'puyan', 'cross-check')).toEqual(recorded);
    expect((await s.repo.listAudit(CYCLE)).filter((a) => a.action === 'draw-sample')).toHaveLength(1);
  });

  it('mails the sample to each member of the group and to the unit office, in the district\'s words', async () => {
    const s = await started();
    await register(s);
    s.at(DRAW_AT);
    await draw(s);
    const mails = s.mailer.sent.filter((m) => m.subject.includes('交叉检查抽样结果'));
    expect(mails.map((m) => m.to[0]).sort()).toEqual(['changhe-inspector1@binjiang.example.cn', 'changhe-inspector2@binjiang.example.cn', 'puyan-office@binjiang.example.cn']);
    const toGroup = mails.find((m) => m.to[0].startsWith('changhe-inspector1'))!;
    expect(toGroup.text.split('\n')[0]).toBe('长河街道检查组：');
    expect(toGroup.text).toContain('区打传办已于2026年9月7日');
    expect(toGroup.text).not.toMatch(/县|市打传办|全市|省局/);
    const sample = await s.repo.getSample(CYCLE, 'puyan', 'cross-check');
    for (const c of sample!.sample) expect(toGroup.text).toContain(c.name);
    expect(toGroup.text).toContain(sample!.seed!);
    expect(mails.find((m) => m.to[0].startsWith('puyan-office'))!.text.split('\n')[0]).toBe('浦沿街道打传办：');
  });

  it('records that nothing could be drawn for a unit without a roster, and tells the district office once', async () => {
    const s = await started();
    s.at(DRAW_AT);
    expect(await draw(s, 'xixing')).toMatchObject({ status: 'no-roster', recorded: true, sampled: 0 });
    await registerRoster(s.ctx, { cycleId: CYCLE, unitId: 'xixing', version: 0, communities: ROSTER, registeredBy: 'xixing' });
    expect(await draw(s, 'xixing')).toMatchObject({ status: 'no-roster', recorded: false, notices: ['already-sent'] });
    const told = s.mailer.sent.filter((m) => m.subject.includes('未能抽样'));
    expect(told.map((m) => m.to[0])).toEqual(['district-office@binjiang.example.cn']);
    expect(told[0].text).toContain('请区打传办督促该街道登记名单');
  });

  it('does nothing for a window that is not the unit\'s', async () => {
    const s = await started();
    s.at(DRAW_AT);
    expect(await draw(s, 'puyan', 'another-window')).toMatchObject({ status: 'not-inspected', recorded: false });
    expect(s.mailer.sent.filter((m) => m.subject.includes('抽样'))).toEqual([]);
  });

  it('shows the recorded sample with its inputs and the command that verifies it', async () => {
    const s = await started();
    await register(s);
    const before = await unitSample(s.ctx, { cycleId: CYCLE, unitId: 'puyan' });
    expect(before).toMatchObject({ sample: null, verify: null, inspection: { group: { id: 'group-changhe', fromUnit: 'changhe' }, drawAt: { iso: DRAW_AT } } });
    s.at(DRAW_AT);
    await draw(s);
    const after = await unitSample(s.ctx, { cycleId: CYCLE, unitId: 'puyan' });
    expect(after.sample).toMatchObject({ status: 'drawn', inputs: { rosterVersion: 1, drawAt: DRAW_AT }, population: 5 });
    expect(after.verify).toContain('--unit puyan');
  });
});

describe('a self-assessment measured against the registered roster', () => {
  const plan = (() => {
    const r = validatePlan(planJson);
    if (!r.ok) throw new Error('plan');
    return r.plan;
  })();
  const input = (roster: Array<{ name: string; created: boolean; qualified: boolean }>) => ({ narrative: '自评', scores: [], roster });

  it('counts every registered community: one left out of the report counts as not created', () => {
    const registered = { version: 2, communities: ROSTER };
    const r = assessSelfAssessment(plan, input(ROSTER.slice(0, 4).map((c) => ({ name: c.name, created: true, qualified: true }))), registered);
    expect(r.errors).toEqual([]);
    expect(r.figures).toMatchObject({ communities: 5, created: 4, qualified: 4, coverage: 0.8, registeredRoster: { version: 2, communities: 5 } });
    expect(r.findings.map((f) => f.rule)).toContain('registered-not-reported');
    expect(r.findings.find((f) => f.rule === 'registered-not-reported')!.message.zh).toContain('冠山社区');
  });

  it('refuses a report row naming a community not on the registered list, naming the row', () => {
    const r = assessSelfAssessment(plan, input([{ name: '东冠社区', created: true, qualified: true }, { name: '不存在社区', created: true, qualified: false }]), { version: 1, communities: ROSTER });
    expect(r.errors).toEqual([
      expect.objectContaining({ path: 'selfAssessment.roster[1].name', rule: 'not-registered', message: { zh: expect.stringContaining('第 2 行“不存在社区”'), en: expect.stringContaining('row 2') } }),
    ]);
  });

  it('keeps a unit without a registered roster as before: the report\'s own list', () => {
    const r = assessSelfAssessment(plan, input([{ name: '任意社区', created: true, qualified: true }]));
    expect(r.errors).toEqual([]);
    expect(r.figures).toMatchObject({ communities: 1, created: 1 });
    expect(r.figures.registeredRoster).toBeUndefined();
  });

  it('previews against the unit\'s current registered version', async () => {
    const s = await started();
    await register(s);
    s.at('2026-08-20T02:00:00Z');
    const p = await previewSelfAssessment(s.ctx, {
      cycleId: CYCLE, unitId: 'puyan', deliverableId: 'self-assessment-report', selfAssessment: input([{ name: '星民村', created: true, qualified: true }, { name: '外来村', created: true, qualified: true }]),
    });
    expect(p.canSubmit).toBe(false);
    expect(p.errors.map((e) => e.rule)).toEqual(['not-registered']);
    expect(p.figures).toMatchObject({ communities: 5, created: 1, registeredRoster: { version: 1 } });
  });
});

describe('the roster registration deadline and a failed draw (in memory)', () => {
  it('counts a registration as the roster deliverable\'s submission, on time or late against the unit\'s deadline', async () => {
    const { ctx, repo, at } = await started();
    at('2026-05-20T02:00:00Z');
    await registerRoster(ctx, { cycleId: CYCLE, unitId: 'puyan', version: 0, communities: ROSTER, registeredBy: 'puyan-staff' });
    at('2026-06-02T02:00:00Z');
    await registerRoster(ctx, { cycleId: CYCLE, unitId: 'changhe', version: 0, communities: ROSTER.slice(0, 2), registeredBy: 'changhe-staff' });
    expect(await repo.getDeliverableStatus(CYCLE, 'puyan', ROSTER_DELIVERABLE_ID)).toMatchObject({ latestVersion: 1, onTime: true });
    expect(await repo.getDeliverableStatus(CYCLE, 'changhe', ROSTER_DELIVERABLE_ID)).toMatchObject({ latestVersion: 1, onTime: false });
    expect(await repo.getDeliverableStatus(CYCLE, 'xixing', ROSTER_DELIVERABLE_ID)).toBeNull();
  });

  it('refuses to move a street\'s roster deadline into its inspection window, and names the rule', async () => {
    const { ctx, at } = await started();
    at('2026-05-20T02:00:00Z');
    const grant = (lastDay: string) =>
      grantExtension(ctx, { cycleId: CYCLE, unitId: 'puyan', deliverableId: ROSTER_DELIVERABLE_ID, lastDay, grantedBy: 'district', reason: '人手不足' });
    await expect(grant('2026-09-07')).rejects.toMatchObject({ problems: [expect.objectContaining({ path: 'lastDay', rule: 'roster.after-draw' })] });
    // Sunday the 6th moves to Monday the 7th (the plan's next-working-day rule), the window's first day: refused too.
    await expect(grant('2026-09-06')).rejects.toMatchObject({ problems: [expect.objectContaining({ path: 'lastDay', rule: 'roster.after-draw' })] });
    await expect(grant('2026-06-05')).resolves.toBeDefined();
    expect((await unitRoster(ctx, { cycleId: CYCLE, unitId: 'puyan' })).requirement).toEqual({ phase: 'mobilisation', lastDay: '2026-06-05' });
  });

  it('reports a failed draw once, says when it is tried again, and marks it resolved when a later attempt draws', async () => {
    const { ctx, mailer, at } = await started();
    at('2026-05-20T02:00:00Z');
    await registerRoster(ctx, { cycleId: CYCLE, unitId: 'puyan', version: 0, communities: ROSTER, registeredBy: 'puyan-staff' });
    at('2026-09-07T01:05:00Z');
    const first = await reportDrawFailure(ctx, { cycleId: CYCLE, unitId: 'puyan', windowId: 'cross-check', error: 'States.Timeout' });
    expect(first).toEqual({ giveUp: false, retryAt: '2026-09-07T02:00:00Z', notice: 'sent' });
    at('2026-09-07T02:05:00Z');
    const again = await reportDrawFailure(ctx, { cycleId: CYCLE, unitId: 'puyan', windowId: 'cross-check', error: 'States.Timeout' });
    expect(again).toEqual({ giveUp: false, retryAt: '2026-09-07T03:00:00Z', notice: 'already-sent' });
    const failedView = await unitSample(ctx, { cycleId: CYCLE, unitId: 'puyan' });
    expect(failedView.drawFailure).toMatchObject({ state: 'retrying', error: 'States.Timeout', firstFailedAt: { iso: '2026-09-07T01:05:00.000Z' }, nextAttemptAt: { iso: '2026-09-07T03:00:00Z' } });
    at('2026-09-07T03:00:01Z');
    await drawInspectionSample(ctx, { cycleId: CYCLE, unitId: 'puyan', windowId: 'cross-check' });
    const view = await unitSample(ctx, { cycleId: CYCLE, unitId: 'puyan' });
    expect(view.sample?.inputs?.drawAt).toBe(DRAW_AT);
    expect(view.drawFailure).toMatchObject({ state: 'resolved', resolvedAt: { iso: '2026-09-07T03:00:01.000Z' } });
    // After the sample: nothing more to report, whatever fails afterwards (only its emails could).
    expect(await reportDrawFailure(ctx, { cycleId: CYCLE, unitId: 'puyan', windowId: 'cross-check', error: 'x' })).toMatchObject({ notice: 'not-needed' });
    const office = mailer.sent.filter((m) => m.subject.includes('抽样未完成'));
    expect(office).toHaveLength(1);
  });

  it('gives up once the window has closed, telling the office once', async () => {
    const { ctx, mailer, at } = await started();
    at('2026-09-11T01:05:00Z');
    const r = await reportDrawFailure(ctx, { cycleId: CYCLE, unitId: 'puyan', windowId: 'cross-check', error: 'TypeError' });
    expect(r).toEqual({ giveUp: true, retryAt: null, notice: 'sent' });
    expect(await reportDrawFailure(ctx, { cycleId: CYCLE, unitId: 'puyan', windowId: 'cross-check', error: 'TypeError' })).toMatchObject({ notice: 'already-sent' });
    expect(mailer.sent.filter((m) => m.subject.includes('多次重试仍未完成'))).toHaveLength(1);
    expect((await unitSample(ctx, { cycleId: CYCLE, unitId: 'puyan' })).drawFailure).toMatchObject({ state: 'gave-up', nextAttemptAt: null });
  });
});
