/**
 * The portal's reads and the one write of core/use-cases/unit-messages.ts, on the memory adapters: which
 * messages a county and the city office see, which are notices to sign for (签收), signing once with who and
 * when (audited once), the count of unsigned notices the 工作台 shows, and the cycles a user works in.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeMemoryMailer } from '../../core/adapters/memory/mailer';
import { makeMemoryRepository } from '../../core/adapters/memory/repository';
import { makeMemoryWorkflow } from '../../core/adapters/memory/workflow';
import { NotFoundError } from '../../core/errors';
import type { MessageKind } from '../../core/model';
import { planSchema } from '../../core/plan/schema';
import { makeContext } from '../../core/use-cases/context';
import { startCycle } from '../../core/use-cases/cycle';
import { cyclesOf, messageIdOf, signNotice, unitAudit, unitMessages } from '../../core/use-cases/unit-messages';
import { unitOverview } from '../../core/use-cases/views';

const planJson = JSON.parse(readFileSync(new URL('../../plans/nanping-2016.json', import.meta.url), 'utf8'));
const plan = planSchema.parse(planJson);
const CYCLE = plan.cycleId;
const yanping = plan.units.find((u) => u.id === 'yanping')!;

async function started() {
  const clock = { t: Date.parse('2016-11-10T02:00:00Z'), now() { return this.t; } };
  const repo = makeMemoryRepository();
  const ctx = makeContext({ repo, mailer: makeMemoryMailer(), workflow: makeMemoryWorkflow(), clock });
  await startCycle(ctx, { plan: planJson, startedBy: 'city-admin' });
  /** A ledger entry about yanping, sent (or still sending) at minute n. */
  const sent = async (kind: MessageKind, milestone: string, recipient: string, n: number, status: 'sent' | 'sending' = 'sent') => {
    const at = new Date(Date.parse('2016-11-01T01:00:00Z') + n * 60_000).toISOString();
    const key = { cycleId: CYCLE, unitId: yanping.id, kind, milestone, recipient };
    await repo.claimMessage({ ...key, subject: `${kind} ${milestone}`, cc: [], claimedAt: at }, at);
    if (status === 'sent') await repo.markMessageSent(key, `ses-${n}`, at);
    return messageIdOf(key);
  };
  const ids = {
    opened: await sent('phase-opened', 'review', yanping.office.email, 1),
    receipt: await sent('receipt', 'self-assessment-report#v1', yanping.office.email, 2),
    toLeader: await sent('escalation', 'self-assessment-report#2016-11-09#L1', yanping.leader.email, 3),
    toCity: await sent('escalation', 'self-assessment-report#2016-11-09#L2', plan.city.email, 4),
    sending: await sent('rectification', 'round-1', yanping.office.email, 5, 'sending'),
    reminder: await sent('reminder', 'self-assessment-report#2016-11-09#D-1', yanping.office.email, 6),
  };
  return { clock, repo, ctx, ids };
}

describe('a unit\'s messages and 签收', () => {
  it('a county reads what was sent to it, oldest first; the city office every message about the unit', async () => {
    const { ctx, ids } = await started();
    const county = await unitMessages(ctx, { cycleId: CYCLE, unitId: yanping.id, role: 'county' });
    expect(county.messages.map((m) => m.messageId)).toEqual([ids.opened, ids.receipt, ids.toLeader, ids.reminder]);
    // A receipt and a reminder are not notices to sign for.
    expect(county.messages.map((m) => m.notice)).toEqual([true, false, true, false]);
    expect(county.messages[0].sentAt?.zh).toBe('2016年11月1日 09:01');
    expect(county.unsignedNotices).toBe(2);
    const city = await unitMessages(ctx, { cycleId: CYCLE, unitId: yanping.id, role: 'city' });
    expect(city.messages.map((m) => [m.messageId, m.toUnit, m.status])).toEqual([
      [ids.opened, true, 'sent'], [ids.receipt, true, 'sent'], [ids.toLeader, true, 'sent'], [ids.toCity, false, 'sent'], [ids.sending, true, 'sending'],
      [ids.reminder, true, 'sent'],
    ]);
  });

  it('signs for a notice once, with who and when; a second signer gets the first signature; the audit log has it once', async () => {
    const { ctx, clock, ids } = await started();
    const first = await signNotice(ctx, { cycleId: CYCLE, unitId: yanping.id, messageId: ids.opened, signedBy: 'yanping' });
    clock.t += 3_600_000;
    const again = await signNotice(ctx, { cycleId: CYCLE, unitId: yanping.id, messageId: ids.opened, signedBy: 'yanping-2' });
    expect(first).toMatchObject({ recorded: true, signedBy: 'yanping', kind: 'phase-opened', signedAt: { zh: '2016年11月10日 10:00' } });
    expect(again).toEqual({ ...first, recorded: false });
    const listed = await unitMessages(ctx, { cycleId: CYCLE, unitId: yanping.id, role: 'county' });
    expect(listed.messages[0].signature).toEqual({ signedBy: 'yanping', signedAt: first.signedAt });
    expect(listed.unsignedNotices).toBe(1);
    expect((await unitOverview(ctx, { cycleId: CYCLE, unitId: yanping.id })).unsignedNotices).toBe(1);
    const audit = await unitAudit(ctx, { cycleId: CYCLE, unitId: yanping.id });
    expect(audit.entries.filter((e) => e.action === 'sign-notice').map((e) => [e.actor, e.what.messageId])).toEqual([['yanping', ids.opened]]);
  });

  it('refuses to sign what is not a notice to the unit: a receipt, a reminder, a message to the city, one still sending, an unknown id', async () => {
    const { ctx, repo, ids } = await started();
    for (const messageId of [ids.receipt, ids.reminder, ids.toCity, ids.sending, 'f'.repeat(32)]) {
      await expect(signNotice(ctx, { cycleId: CYCLE, unitId: yanping.id, messageId, signedBy: 'yanping' })).rejects.toBeInstanceOf(NotFoundError);
    }
    expect(await repo.listNoticeSignatures(CYCLE, yanping.id)).toEqual([]);
  });

  it("the unit overview carries the plan's rubric with each item's maximum", async () => {
    const { ctx } = await started();
    const { rubric } = await unitOverview(ctx, { cycleId: CYCLE, unitId: yanping.id });
    expect(rubric.total).toBe(plan.rubric.total);
    expect(rubric.items.map((i) => [i.itemId, i.maxPoints, i.kind])).toEqual(plan.rubric.items.map((i) => [i.id, i.maxPoints, i.kind]));
  });
});

describe('the cycles of a user', () => {
  it('the city office sees every cycle; a county only those whose plan has its unit', async () => {
    const { ctx } = await started();
    const other = { ...planJson, cycleId: 'other-2016', units: planJson.units.filter((u: { id: string }) => u.id !== 'yanping') };
    await startCycle(ctx, { plan: other, startedBy: 'city-admin' });
    expect((await cyclesOf(ctx, { id: 'city', role: 'city' })).cycles.map((c) => c.cycleId).sort()).toEqual([CYCLE, 'other-2016']);
    const county = await cyclesOf(ctx, { id: 'yanping', role: 'county', unitId: 'yanping' });
    expect(county.cycles.map((c) => [c.cycleId, c.unit?.name])).toEqual([[CYCLE, yanping.name]]);
  });
});
