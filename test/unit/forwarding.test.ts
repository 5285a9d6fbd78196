/**
 * 上报确认 and 通报表扬 (core/use-cases/forwarding.ts) on the memory adapters: the schedule's instants, the
 * request, the confirmation (refused while a unit has no outcome, written once, audited once, passed on to the
 * waiting task), the wait that reads the record and climbs the ladder rung by rung, each rung once, the give-up
 * bound, and commendations of qualified units.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeMemoryDocumentStore } from '../../core/adapters/memory/documents';
import { makeMemoryMailer } from '../../core/adapters/memory/mailer';
import { makeMemoryRepository } from '../../core/adapters/memory/repository';
import { makeMemoryWorkflow } from '../../core/adapters/memory/workflow';
import { ListNotFinalError, ValidationError } from '../../core/errors';
import { deriveSchedule } from '../../core/plan/schedule';
import { planSchema } from '../../core/plan/schema';
import { validatePlan } from '../../core/plan/validate';
import { makeContext } from '../../core/use-cases/context';
import { forwardToProvince, startCycle } from '../../core/use-cases/cycle';
import {
  awaitListConfirmation,
  commendUnits,
  confirmForwarding,
  forwardingView,
  GIVE_UP_AFTER_MS,
  prepareConfirmationWait,
  requestListConfirmation,
} from '../../core/use-cases/forwarding';
import { unitAudit, unitMessages } from '../../core/use-cases/unit-messages';
import type { UnitOutcomeStatus } from '../../core/model';

const planJson = JSON.parse(readFileSync(new URL('../../plans/nanping-2016.json', import.meta.url), 'utf8'));
const plan = planSchema.parse(planJson);
const CYCLE = plan.cycleId;
const STARTED = '2016-03-31T16:00:00.000Z';
const leader = plan.city.leaderEmail!;

const OUTCOMES: Record<string, UnitOutcomeStatus> = {
  yanping: 'qualified', jianyang: 'qualified', shaowu: 'qualified', jianou: 'qualified', shunchang: 'qualified',
  pucheng: 'rectification-missed', wuyishan: 'not-qualified', guangze: 'qualified', songxi: 'not-submitted', zhenghe: 'review-overdue',
};

async function world(opts: { decided?: string[] } = {}) {
  const clock = { t: Date.parse('2016-11-28T01:00:00Z'), now() { return this.t; } };
  const repo = makeMemoryRepository();
  const mailer = makeMemoryMailer();
  const workflow = makeMemoryWorkflow();
  // The forwarding stores the year's documents.
  const ctx = makeContext({ repo, mailer, workflow, clock, documents: makeMemoryDocumentStore() });
  await startCycle(ctx, { plan: planJson, startedBy: 'city-admin' });
  for (const id of opts.decided ?? Object.keys(OUTCOMES)) await repo.recordOutcome(CYCLE, id, OUTCOMES[id], '2016-11-30T15:59:59Z');
  const at = (iso: string) => (clock.t = Date.parse(iso));
  const mailsOf = (kind: string) => mailer.sent.filter((m) => m.tags?.kind === kind);
  return { clock, repo, mailer, workflow, ctx, at, mailsOf };
}

describe('the schedule of 上报确认', () => {
  it('asks 3 working days before the forwarding day at 09:00, and climbs from the sending morning after it', () => {
    const s = deriveSchedule(plan);
    expect(s.forwardAt).toBe('2016-12-01T01:00:00Z');
    // Thu 1 Dec 2016 minus 3 working days: Mon 28 Nov.
    expect(s.confirmation.requestAt).toBe('2016-11-28T01:00:00Z');
    // The plan's ladder timings (0, 3, 5 working days) from Fri 2 Dec.
    expect(s.confirmation.escalations.map((e) => [e.level, e.at])).toEqual([
      [1, '2016-12-02T01:00:00Z'],
      [2, '2016-12-07T01:00:00Z'],
      [3, '2016-12-09T01:00:00Z'],
    ]);
  });

  it('takes confirmationDaysBefore from the plan (working days with 调休), 3 by default, and refuses 0 or 31', () => {
    const days = (n: number) => deriveSchedule(planSchema.parse({ ...planJson, forwardToProvince: { on: '2016-12-01', confirmationDaysBefore: n } }));
    expect(days(1).confirmation.requestAt).toBe('2016-11-30T01:00:00Z');
    // 5 working days before Thu 1 Dec: Thu 24 Nov (weekend skipped).
    expect(days(5).confirmation.requestAt).toBe('2016-11-24T01:00:00Z');
    for (const bad of [0, 31]) {
      const r = validatePlan({ ...planJson, forwardToProvince: { on: '2016-12-01', confirmationDaysBefore: bad } });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.problems.map((p) => p.path)).toEqual(['forwardToProvince.confirmationDaysBefore']);
    }
  });
});

describe('上报确认: the request and the confirmation', () => {
  it('asks the office once, with the list as it stands (pending units named)', async () => {
    const w = await world({ decided: ['yanping', 'wuyishan'] });
    expect(await requestListConfirmation(w.ctx, { cycleId: CYCLE })).toEqual({ status: 'sent' });
    expect(await requestListConfirmation(w.ctx, { cycleId: CYCLE })).toEqual({ status: 'already-sent' });
    const [mail] = w.mailsOf('confirmation-request');
    expect(w.mailsOf('confirmation-request')).toHaveLength(1);
    expect([mail.to, mail.cc]).toEqual([[plan.city.email], [leader]]);
    expect(mail.subject).toBe('【南平市打传办】请确认拟上报省局的初评合格名单');
    expect(mail.text).toContain('初评合格：延平区');
    expect(mail.text).toContain('未通过：武夷山市');
    expect(mail.text).toContain('另有8个县(市、区)的初评结果尚未产生');
  });

  it('refuses to confirm while a unit has no outcome, naming it, and stores nothing', async () => {
    const w = await world({ decided: Object.keys(OUTCOMES).filter((id) => id !== 'zhenghe') });
    const refused = await confirmForwarding(w.ctx, { cycleId: CYCLE, confirmedBy: 'city-a' }).catch((e) => e);
    expect(refused).toBeInstanceOf(ListNotFinalError);
    expect(refused.text.zh).toContain('政和县');
    expect(refused.details).toMatchObject({ pending: ['zhenghe'] });
    expect(await w.repo.getListConfirmation(CYCLE)).toBeNull();
    expect((await w.repo.listAudit(CYCLE)).filter((a) => a.action === 'confirm-forwarding')).toEqual([]);
  });

  it('confirms once (the list at that moment), audits once, and passes it on to the waiting task', async () => {
    const w = await world();
    w.at('2016-11-29T02:00:00Z');
    await awaitListConfirmation(w.ctx, { cycleId: CYCLE, taskToken: 'token-1' });
    const first = await confirmForwarding(w.ctx, { cycleId: CYCLE, confirmedBy: 'city-a', note: '名单经核对无误' });
    expect(first).toMatchObject({
      recorded: true, workflow: 'continued',
      confirmation: { confirmedBy: 'city-a', note: '名单经核对无误', confirmedAt: { zh: '2016年11月29日 10:00' } },
    });
    expect(first.confirmation.qualified.map((u) => u.unitId)).toEqual(['yanping', 'jianyang', 'shaowu', 'jianou', 'shunchang', 'guangze']);
    expect(first.confirmation.notQualified.map((u) => u.unitId)).toEqual(['pucheng', 'wuyishan', 'songxi', 'zhenghe']);
    expect(w.workflow.completed.get('token-1')).toEqual({ confirmedAt: '2016-11-29T02:00:00.000Z' });
    // The same action again, by another user: a no-op answer with the first confirmation.
    w.at('2016-11-29T03:00:00Z');
    const again = await confirmForwarding(w.ctx, { cycleId: CYCLE, confirmedBy: 'city-b', note: '另一条' });
    expect(again).toMatchObject({ recorded: false, workflow: 'task-already-closed', confirmation: first.confirmation });
    expect((await w.repo.listAudit(CYCLE)).filter((a) => a.action === 'confirm-forwarding').map((a) => [a.actor, a.why])).toEqual([['city-a', '名单经核对无误']]);
    // Nothing was asked after it: the request is not needed any more.
    expect(await requestListConfirmation(w.ctx, { cycleId: CYCLE })).toEqual({ status: 'not-needed' });
  });

  it('the wait finds a confirmation made before it started, and completes its own token', async () => {
    const w = await world();
    await confirmForwarding(w.ctx, { cycleId: CYCLE, confirmedBy: 'city-a' });
    expect(await awaitListConfirmation(w.ctx, { cycleId: CYCLE, taskToken: 'token-late' })).toEqual({ waiting: false });
    expect(w.workflow.completed.has('token-late')).toBe(true);
    expect(await prepareConfirmationWait(w.ctx, { cycleId: CYCLE, startedAt: STARTED })).toMatchObject({ confirmed: true, expired: false });
  });

  it('the list forwarded is the list confirmed (outcomes are written once)', async () => {
    const w = await world();
    const { confirmation } = await confirmForwarding(w.ctx, { cycleId: CYCLE, confirmedBy: 'city-a' });
    // A late write of another outcome changes nothing: the first outcome stands.
    await w.repo.recordOutcome(CYCLE, 'zhenghe', 'qualified', '2016-11-30T16:30:00Z');
    w.at('2016-12-01T01:00:00Z');
    const fwd = await forwardToProvince(w.ctx, { cycleId: CYCLE });
    expect(fwd.qualified).toEqual(confirmation.qualified.map((u) => u.unitId));
    expect(fwd.notQualified).toEqual(confirmation.notQualified.map((u) => u.unitId));
    const view = await forwardingView(w.ctx, { cycleId: CYCLE });
    expect(view.state).toBe('forwarded');
    expect(view.forwarded!.qualified).toEqual(view.confirmation!.qualified);
  });
});

describe('上报确认 missing: the ladder, rung by rung, each once; nothing forwarded', () => {
  it('waits at most a day before the forwarding date, then climbs: the leader, then reminders to the office', async () => {
    const w = await world();
    await requestListConfirmation(w.ctx, { cycleId: CYCLE });
    w.at('2016-11-30T01:00:00Z');
    expect(await prepareConfirmationWait(w.ctx, { cycleId: CYCLE, startedAt: STARTED })).toEqual({ confirmed: false, expired: false, escalated: 0, timeoutSeconds: 86_400 });
    // The forwarding instant passes unconfirmed: nothing yet (rung 1 is the next sending morning), a wait until it.
    w.at('2016-12-01T01:00:00Z');
    expect(await prepareConfirmationWait(w.ctx, { cycleId: CYCLE, startedAt: STARTED })).toMatchObject({ escalated: 0, timeoutSeconds: 86_400 });
    expect((await forwardingView(w.ctx, { cycleId: CYCLE })).state).toBe('overdue');
    w.at('2016-12-02T01:00:00Z');
    const rung1 = await prepareConfirmationWait(w.ctx, { cycleId: CYCLE, startedAt: STARTED });
    // Until rung 2: Wed 7 Dec 09:00, but at most a day.
    expect(rung1).toEqual({ confirmed: false, expired: false, escalated: 1, timeoutSeconds: 86_400 });
    // The same step again (a retry, a restart) sends nothing.
    expect(await prepareConfirmationWait(w.ctx, { cycleId: CYCLE, startedAt: STARTED })).toMatchObject({ escalated: 0 });
    // A restart late finds rungs 2 and 3 due and sends each once.
    w.at('2016-12-09T03:00:00Z');
    expect(await prepareConfirmationWait(w.ctx, { cycleId: CYCLE, startedAt: STARTED })).toMatchObject({ escalated: 2 });
    expect(await prepareConfirmationWait(w.ctx, { cycleId: CYCLE, startedAt: STARTED })).toMatchObject({ escalated: 0 });
    const rungs = w.mailsOf('confirmation-escalation');
    expect(rungs.map((m) => [m.to[0], m.cc])).toEqual([[leader, [plan.city.email]], [plan.city.email, [leader]], [plan.city.email, [leader]]]);
    expect(rungs[0].text).toMatch(/^市打传办分管领导：/);
    expect(rungs.every((m) => m.subject.includes('督办：初评合格名单尚未确认'))).toBe(true);
    expect(w.mailsOf('province-forwarding')).toEqual([]);
    expect((await forwardingView(w.ctx, { cycleId: CYCLE })).escalations.map((e) => e.milestone)).toEqual(['L1', 'L2', 'L3']);
    // Then confirmed late: the next read says so (the workflow forwards at once, the date having passed).
    await confirmForwarding(w.ctx, { cycleId: CYCLE, confirmedBy: 'city-a' });
    expect(await prepareConfirmationWait(w.ctx, { cycleId: CYCLE, startedAt: STARTED })).toMatchObject({ confirmed: true });
  });

  it('ends a slice at the next rung when that comes within a day', async () => {
    const w = await world();
    w.at('2016-12-06T09:00:00Z');
    expect(await prepareConfirmationWait(w.ctx, { cycleId: CYCLE, startedAt: STARTED })).toMatchObject({ timeoutSeconds: 16 * 3600 });
  });

  it('gives up a day before the execution\'s one-year limit: expired, and then the list can no longer be confirmed once closed', async () => {
    const w = await world();
    w.at(new Date(Date.parse(STARTED) + GIVE_UP_AFTER_MS - 3600_000).toISOString());
    expect(await prepareConfirmationWait(w.ctx, { cycleId: CYCLE, startedAt: STARTED })).toMatchObject({ expired: false, timeoutSeconds: 3600 });
    w.clock.t += 3600_000;
    expect(await prepareConfirmationWait(w.ctx, { cycleId: CYCLE, startedAt: STARTED })).toMatchObject({ expired: true, confirmed: false });
    await w.repo.setCycleStatus(CYCLE, 'closed', w.ctx.nowIso());
    await expect(confirmForwarding(w.ctx, { cycleId: CYCLE, confirmedBy: 'city-a' })).rejects.toBeInstanceOf(ListNotFinalError);
    expect((await forwardingView(w.ctx, { cycleId: CYCLE })).state).toBe('not-forwarded');
  });
});

describe('通报表扬', () => {
  it('refuses a unit that has not qualified (each named), and sends nothing', async () => {
    const w = await world();
    const refused = await commendUnits(w.ctx, { cycleId: CYCLE, units: ['yanping', 'songxi', 'nowhere'], text: '成效显著', issuedBy: 'city-a' }).catch((e) => e);
    expect(refused).toBeInstanceOf(ValidationError);
    expect(refused.problems.map((p: { path: string; rule: string }) => [p.path, p.rule])).toEqual([['units[1]', 'unit.not-qualified'], ['units[2]', 'unit.unknown']]);
    expect(w.mailsOf('commendation')).toEqual([]);
  });

  it('emails each unit office once (leader in copy), lists it in the unit\'s messages, audits it per unit', async () => {
    const w = await world();
    const input = { cycleId: CYCLE, units: ['yanping', 'guangze'], text: '创建工作扎实，成效显著，予以通报表扬。', issuedBy: 'city-a' };
    const first = await commendUnits(w.ctx, input);
    expect(first).toMatchObject({ issued: true, units: [{ unit: { unitId: 'yanping' }, notice: 'sent' }, { unit: { unitId: 'guangze' }, notice: 'sent' }] });
    const again = await commendUnits(w.ctx, { ...input, units: ['guangze', 'yanping'] });
    expect(again).toMatchObject({ issued: false, commendationId: first.commendationId });
    const yanping = plan.units.find((u) => u.id === 'yanping')!;
    const mails = w.mailsOf('commendation');
    expect(mails).toHaveLength(2);
    expect(mails[0]).toMatchObject({ to: [yanping.office.email], cc: [yanping.leader.email], subject: '【南平市打传办】通报表扬：延平区' });
    expect(mails[0].text).toContain('创建工作扎实，成效显著，予以通报表扬。');
    const listed = await unitMessages(w.ctx, { cycleId: CYCLE, unitId: 'yanping', role: 'county' });
    expect(listed.messages.filter((m) => m.kind === 'commendation')).toHaveLength(1);
    const audit = await unitAudit(w.ctx, { cycleId: CYCLE, unitId: 'yanping' });
    expect(audit.entries.filter((e) => e.action === 'commend').map((e) => e.actor)).toEqual(['city-a']);
  });
});
