/**
 * 通报批评 / 挂牌督办 proposals: the top of the escalation ladder drafts them (./notices.ts), the city office
 * confirms or withdraws each one, once.
 *
 * Primary course of a decision: the city office opens 督办提议 -> confirms (with an optional note) or
 * withdraws (with a reason) a proposal -> the decision is written once (a conditional write: of two users
 * deciding at once one wins, the other gets a DecisionConflictError naming who decided and when) -> the audit
 * log records it once (keyed) -> a confirmation sends the 通报批评 to the unit office, its leader in copy, as
 * a notice to sign for (the ledger sends it once). The same decision again (a retry, a double click) redoes
 * the audit and the notice, both idempotent, so a crash between the steps loses nothing.
 */
import { createHash } from 'node:crypto';
import { DecisionConflictError, NotFoundError, ValidationError } from '../errors';
import type { SupervisionProposal } from '../model';
import { criticismText, fromAddress, templates } from '../notifier/templates';
import { formatBeijing } from '../time';
import { makeProblem } from '../validation';
import type { Context, LoadedPlan } from './context';
import { beijing, unitInfo } from './view-parts';

/**
 * A proposal's id: a hash of the unit and the escalation's ledger milestone (URL-safe). The milestone alone
 * (`<deliverable>#<last day>#L3`) is the same for every unit that missed the same deadline.
 */
export const proposalIdOf = (unitId: string, milestone: string) =>
  createHash('sha256').update(`proposal\n${unitId}\n${milestone}`).digest('hex').slice(0, 32);

export type ProposalAction = 'confirm' | 'withdraw';
const STATUS_OF: Record<ProposalAction, SupervisionProposal['status']> = { confirm: 'confirmed', withdraw: 'withdrawn' };
const ACTION_ZH: Record<SupervisionProposal['status'], string> = { proposed: '待确认', confirmed: '确认', withdrawn: '撤销' };

function view(loaded: LoadedPlan, p: SupervisionProposal) {
  const unit = loaded.units.get(p.unitId)!;
  const deliverable = loaded.deliverables.get(p.deliverableId)!.deliverable;
  return {
    proposalId: p.proposalId,
    unit: unitInfo(unit),
    deliverable: { deliverableId: deliverable.id, name: deliverable.name, nameEn: deliverable.nameEn },
    about: p.about,
    dueAt: beijing(p.dueAt),
    level: p.level,
    proposedAt: beijing(p.proposedAt),
    status: p.status,
    decidedBy: p.decidedBy ?? null,
    decidedAt: p.decidedAt ? beijing(p.decidedAt) : null,
    reason: p.reason ?? null,
    /** The 通报批评 as drafted: what the unit receives if it is confirmed. */
    text: criticismText(loaded.plan, unit, deliverable, p.dueAt, p.about),
  };
}

/** Every proposal of the cycle, newest first (a decision does not move it), then in plan order. */
export async function listProposals(ctx: Context, input: { cycleId: string }) {
  const loaded = await ctx.loadPlan(input.cycleId);
  const order = new Map(loaded.plan.units.map((u, i) => [u.id, i]));
  const proposals = (await ctx.repo.listProposals(input.cycleId)).filter((p) => order.has(p.unitId));
  proposals.sort((a, b) => b.proposedAt.localeCompare(a.proposedAt) || order.get(a.unitId)! - order.get(b.unitId)! || a.milestone.localeCompare(b.milestone));
  return {
    cycleId: input.cycleId,
    awaiting: proposals.filter((p) => p.status === 'proposed').length,
    proposals: proposals.map((p) => view(loaded, p)),
  };
}

export interface DecideProposalInput {
  cycleId: string;
  unitId: string;
  proposalId: string;
  action: ProposalAction;
  /** Required to withdraw; an optional note to the unit when confirming. */
  reason?: string;
  decidedBy: string;
}

export async function decideProposal(ctx: Context, input: DecideProposalInput) {
  const loaded = await ctx.loadPlan(input.cycleId);
  const unit = ctx.unitOf(loaded, input.unitId);
  const reason = input.reason?.trim() || undefined;
  if (input.action === 'withdraw' && !reason) {
    throw new ValidationError(
      [makeProblem('reason', 'required', { zh: '撤销督办提议须说明理由', en: 'a reason is required to withdraw a proposal' })],
      { zh: '撤销督办提议须说明理由，未予记录', en: 'a proposal is withdrawn with a reason; nothing was recorded' },
    );
  }
  const decided = await ctx.repo.decideProposal(input.cycleId, unit.id, input.proposalId, {
    status: STATUS_OF[input.action], decidedBy: input.decidedBy, decidedAt: ctx.nowIso(), reason,
  });
  if (!decided) {
    throw new NotFoundError(
      { zh: `proposalId：本单位没有编号为 ${input.proposalId} 的督办提议`, en: `proposalId: this unit has no proposal ${input.proposalId}` },
      { proposalId: input.proposalId },
    );
  }
  const p = decided.proposal;
  // The same action again, by anyone (a retry, a colleague, 补发通报), finishes what the first call may not
  // have: the audit entry and the notice, both written once. Only the other action is a conflict.
  if (!decided.recorded && p.status !== STATUS_OF[input.action]) {
    throw new DecisionConflictError(
      {
        zh: `该督办提议已由 ${p.decidedBy} 于 ${formatBeijing(p.decidedAt!, 'datetime', 'zh')} ${ACTION_ZH[p.status]}`,
        en: `this proposal was already ${p.status} by ${p.decidedBy} on ${formatBeijing(p.decidedAt!, 'datetime', 'en')}`,
      },
      { proposal: view(loaded, p) },
    );
  }
  const deliverable = loaded.deliverables.get(p.deliverableId)!.deliverable;
  await ctx.repo.appendAudit({
    cycleId: input.cycleId, unitId: unit.id, at: p.decidedAt!, actor: p.decidedBy!, role: 'city',
    action: p.status === 'confirmed' ? 'confirm-supervision' : 'withdraw-supervision',
    what: { proposalId: p.proposalId, deliverableId: p.deliverableId, about: p.about, dueAt: p.dueAt },
    why: p.reason,
    key: `decide-proposal#${unit.id}#${p.proposalId}`,
  });
  let notice: Awaited<ReturnType<Context['notifier']['send']>> | null = null;
  if (p.status === 'confirmed') {
    const mail = templates.criticism(loaded.plan, unit, deliverable, p.dueAt, p.reason, ctx.clock.now(), p.about);
    notice = await ctx.notifier.send({
      cycleId: input.cycleId, unitId: unit.id, kind: 'criticism', milestone: p.proposalId, recipient: unit.office.email, contact: 'office',
      email: { from: fromAddress(loaded.plan), to: unit.office.email, cc: [unit.leader.email], ...mail },
    });
  }
  return { recorded: decided.recorded, proposal: view(loaded, p), notice };
}
