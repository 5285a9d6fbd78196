/**
 * 通报批评 / 挂牌督办 proposals (core/use-cases/proposals.ts) on the memory adapters: the top of the escalation
 * ladder stores one, the city office lists them and confirms or withdraws each once; a confirmation sends the
 * 通报批评 to the unit as a notice to sign for, once, whatever the retries.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeMemoryMailer } from '../../core/adapters/memory/mailer';
import { makeMemoryRepository } from '../../core/adapters/memory/repository';
import { makeMemoryWorkflow } from '../../core/adapters/memory/workflow';
import { DecisionConflictError, NotFoundError, TransientError, ValidationError } from '../../core/errors';
import { planSchema } from '../../core/plan/schema';
import { makeContext } from '../../core/use-cases/context';
import { startCycle } from '../../core/use-cases/cycle';
import { sendUnitNotice } from '../../core/use-cases/notices';
import { decideProposal, listProposals } from '../../core/use-cases/proposals';
import { signNotice, unitAudit, unitMessages } from '../../core/use-cases/unit-messages';

const planJson = JSON.parse(readFileSync(new URL('../../plans/nanping-2016.json', import.meta.url), 'utf8'));
const plan = planSchema.parse(planJson);
const CYCLE = plan.cycleId;
const songxi = plan.units.find((u) => u.id === 'songxi')!;

/** songxi never sent its self-assessment report: the ladder's three levels, the last one drafting the proposal. */
async function proposed(opts: { refuseCity?: boolean; also?: string[] } = {}) {
  const clock = { t: Date.parse('2016-11-10T01:00:00Z'), now() { return this.t; } };
  const repo = makeMemoryRepository();
  const mailer = makeMemoryMailer();
  const ctx = makeContext({ repo, mailer, workflow: makeMemoryWorkflow(), clock });
  await startCycle(ctx, { plan: planJson, startedBy: 'city-admin' });
  if (opts.refuseCity) mailer.refuse({ to: plan.city.leaderEmail ?? plan.city.email });
  for (const [level, at] of [[1, '2016-11-10T01:00:00Z'], [2, '2016-11-15T01:00:00Z'], [3, '2016-11-17T01:00:00Z']] as const) {
    clock.t = Date.parse(at);
    for (const unitId of [songxi.id, ...(opts.also ?? [])]) {
      await sendUnitNotice(ctx, { cycleId: CYCLE, unitId, notice: { kind: 'escalation', deliverableId: 'self-assessment-report', level } });
    }
  }
  const proposal = (await listProposals(ctx, { cycleId: CYCLE })).proposals.find((p) => p.unit.unitId === songxi.id)!;
  return { clock, repo, mailer, ctx, proposal, sentBefore: mailer.sent.length };
}

describe('通报批评 / 挂牌督办 proposals', () => {
  it('the ladder\'s last level stores one proposal, once, which the city office lists with the draft text', async () => {
    const { ctx, proposal } = await proposed();
    // The step again (a retry) stores nothing new.
    await sendUnitNotice(ctx, { cycleId: CYCLE, unitId: songxi.id, notice: { kind: 'escalation', deliverableId: 'self-assessment-report', level: 3 } });
    const listed = await listProposals(ctx, { cycleId: CYCLE });
    expect(listed.awaiting).toBe(1);
    expect(listed.proposals).toHaveLength(1);
    expect(proposal).toMatchObject({
      unit: { unitId: 'songxi', name: '松溪县' },
      deliverable: { deliverableId: 'self-assessment-report' },
      about: 'deliverable',
      level: 3,
      status: 'proposed',
      decidedBy: null,
      proposedAt: { zh: '2016年11月17日 09:00' },
    });
    expect(proposal.proposalId).toMatch(/^[0-9a-f]{32}$/);
    expect(proposal.text.zh).toContain('现予通报批评，并列入挂牌督办');
  });

  it('a confirmation is recorded once, audited, and mails the 通报批评 to the unit office (leader in copy) as a notice to sign for', async () => {
    const { ctx, clock, mailer, proposal, sentBefore } = await proposed();
    clock.t = Date.parse('2016-11-18T02:00:00Z');
    const input = { cycleId: CYCLE, unitId: songxi.id, proposalId: proposal.proposalId, action: 'confirm' as const, reason: '请于11月25日前报送', decidedBy: 'city-admin' };
    const first = await decideProposal(ctx, input);
    expect(first).toMatchObject({ recorded: true, notice: 'sent', proposal: { status: 'confirmed', decidedBy: 'city-admin', reason: '请于11月25日前报送', decidedAt: { zh: '2016年11月18日 10:00' } } });
    // A retry (the same user, the same decision) records and sends nothing new.
    clock.t += 60_000;
    const again = await decideProposal(ctx, input);
    expect(again).toMatchObject({ recorded: false, notice: 'already-sent', proposal: first.proposal });
    const mails = mailer.sent.slice(sentBefore);
    expect(mails.map((m) => [m.to, m.cc])).toEqual([[[songxi.office.email], [songxi.leader.email]]]);
    expect(mails[0].subject).toBe('【南平市打传办】通报批评：关于对松溪县的通报');
    expect(mails[0].text).toContain('请于11月25日前报送');
    expect(mails[0].text).toContain(`/units/songxi/messages?cycle=${CYCLE}`);
    const audit = await unitAudit(ctx, { cycleId: CYCLE, unitId: songxi.id });
    expect(audit.entries.filter((e) => e.action === 'confirm-supervision').map((e) => [e.actor, e.what.proposalId])).toEqual([['city-admin', proposal.proposalId]]);
    expect((await listProposals(ctx, { cycleId: CYCLE })).awaiting).toBe(0);
    // The unit signs for it like any notice.
    const messages = await unitMessages(ctx, { cycleId: CYCLE, unitId: songxi.id, role: 'county' });
    const notice = messages.messages.find((m) => m.kind === 'criticism')!;
    expect(notice.notice).toBe(true);
    const signed = await signNotice(ctx, { cycleId: CYCLE, unitId: songxi.id, messageId: notice.messageId, signedBy: 'songxi' });
    expect(signed).toMatchObject({ recorded: true, kind: 'criticism' });
  });

  it('a withdrawal needs a reason, sends nothing, and a later other decision is a conflict naming who and when', async () => {
    const { ctx, clock, mailer, proposal, sentBefore } = await proposed();
    const base = { cycleId: CYCLE, unitId: songxi.id, proposalId: proposal.proposalId, decidedBy: 'city-admin' };
    await expect(decideProposal(ctx, { ...base, action: 'withdraw', reason: '  ' })).rejects.toBeInstanceOf(ValidationError);
    expect((await listProposals(ctx, { cycleId: CYCLE })).proposals[0].status).toBe('proposed');
    clock.t = Date.parse('2016-11-18T02:00:00Z');
    const withdrawn = await decideProposal(ctx, { ...base, action: 'withdraw', reason: '该县已说明客观原因' });
    expect(withdrawn).toMatchObject({ recorded: true, notice: null, proposal: { status: 'withdrawn', reason: '该县已说明客观原因' } });
    expect(mailer.sent.length).toBe(sentBefore);
    const conflict = decideProposal(ctx, { ...base, action: 'confirm', decidedBy: 'city-deputy' });
    await expect(conflict).rejects.toBeInstanceOf(DecisionConflictError);
    await expect(conflict).rejects.toMatchObject({ text: { zh: expect.stringContaining('该督办提议已由 city-admin 于 2016年11月18日 10:00 撤销') } });
    expect(mailer.sent.length).toBe(sentBefore);
  });

  it('gives two units that missed the same deadline two proposals, each decided on its own', async () => {
    const { ctx } = await proposed({ also: ['zhenghe'] });
    const { proposals } = await listProposals(ctx, { cycleId: CYCLE });
    expect(proposals.map((p) => p.unit.unitId).sort()).toEqual(['songxi', 'zhenghe']);
    expect(new Set(proposals.map((p) => p.proposalId)).size).toBe(2);
    const [a, b] = proposals;
    await decideProposal(ctx, { cycleId: CYCLE, unitId: a.unit.unitId, proposalId: a.proposalId, action: 'withdraw', reason: '已说明', decidedBy: 'city-admin' });
    expect((await listProposals(ctx, { cycleId: CYCLE })).proposals.find((p) => p.proposalId === b.proposalId)!.status).toBe('proposed');
    // An id is the unit's own: another unit's path does not reach it.
    await expect(decideProposal(ctx, { cycleId: CYCLE, unitId: a.unit.unitId, proposalId: b.proposalId, action: 'confirm', decidedBy: 'city-admin' }))
      .rejects.toBeInstanceOf(NotFoundError);
  });

  it('stores the proposal even when the draft email to the city office is refused: the portal is where it is decided', async () => {
    const { proposal, mailer } = await proposed({ refuseCity: true });
    expect(mailer.sent.filter((m) => m.subject.includes('请确认'))).toHaveLength(0);
    expect(proposal).toMatchObject({ status: 'proposed', unit: { unitId: 'songxi' } });
  });

  it('a confirmation whose notice failed after the decision was written is finished by the next confirm, whoever sends it, once', async () => {
    const { ctx, mailer, proposal, sentBefore } = await proposed();
    const input = { cycleId: CYCLE, unitId: songxi.id, proposalId: proposal.proposalId, action: 'confirm' as const, decidedBy: 'city-admin' };
    mailer.failNext(new TransientError({ zh: '连接中断', en: 'connection reset' }));
    await expect(decideProposal(ctx, input)).rejects.toBeInstanceOf(TransientError);
    expect(mailer.sent.length).toBe(sentBefore);
    // A colleague confirms too (or 补发通报): the stored decision stands, the notice goes now.
    const finished = await decideProposal(ctx, { ...input, decidedBy: 'city-deputy', reason: '另一意见' });
    expect(finished).toMatchObject({ recorded: false, notice: 'sent', proposal: { status: 'confirmed', decidedBy: 'city-admin', reason: null } });
    expect(await decideProposal(ctx, input)).toMatchObject({ recorded: false, notice: 'already-sent' });
    expect(mailer.sent.slice(sentBefore).map((m) => m.subject)).toEqual(['【南平市打传办】通报批评：关于对松溪县的通报']);
  });

  it('refuses an id that is no proposal of the unit', async () => {
    const { ctx, proposal } = await proposed();
    await expect(decideProposal(ctx, { cycleId: CYCLE, unitId: 'yanping', proposalId: proposal.proposalId, action: 'confirm', decidedBy: 'city-admin' }))
      .rejects.toBeInstanceOf(NotFoundError);
    await expect(decideProposal(ctx, { cycleId: CYCLE, unitId: songxi.id, proposalId: '0'.repeat(32), action: 'confirm', decidedBy: 'city-admin' }))
      .rejects.toBeInstanceOf(NotFoundError);
  });
});
