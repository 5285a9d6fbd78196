/**
 * Notices a unit's execution sends on its own: a phase opens, a deadline comes near, a deadline was missed.
 * Each goes through the notifier's ledger, so running a step again sends nothing twice.
 */
import type { PhaseKind } from '../plan/schema';
import { fromAddress, templates } from '../notifier/templates';
import type { Message } from '../notifier/notifier';
import type { Context } from './context';

type Status = 'sent' | 'already-sent' | 'not-needed';

export type NoticeRequest =
  | { kind: 'phase-opened'; phase: PhaseKind }
  | { kind: 'reminder'; deliverableId: string; milestone: string }
  | { kind: 'escalation'; deliverableId: string };

async function sendAll(ctx: Context, messages: Message[]): Promise<{ status: Status; messages: number }> {
  if (messages.length === 0) return { status: 'not-needed', messages: 0 };
  let sent = 0;
  for (const m of messages) if ((await ctx.notifier.send(m)) === 'sent') sent++;
  return { status: sent > 0 ? 'sent' : 'already-sent', messages: sent };
}

export async function sendUnitNotice(ctx: Context, input: { cycleId: string; unitId: string; notice: NoticeRequest }) {
  const loaded = await ctx.loadPlan(input.cycleId);
  const { plan } = loaded;
  const unit = ctx.unitOf(loaded, input.unitId);
  const now = ctx.clock.now();
  const from = fromAddress(plan);
  const base = { cycleId: input.cycleId, unitId: unit.id };
  const notice = input.notice;

  if (notice.kind === 'phase-opened') {
    const phase = plan.phases.find((p) => p.kind === notice.phase)!;
    const due = phase.deliverables.map((d) => ({ deliverable: d, dueAt: ctx.deliverableOf(loaded, d.id).dueAt }));
    const mail = templates.phaseOpened(plan, unit, phase, due, now);
    return sendAll(ctx, [
      { ...base, kind: 'phase-opened', milestone: phase.kind, recipient: unit.office.email, email: { from, to: unit.office.email, cc: [], ...mail } },
    ]);
  }

  const { deliverable, dueAt } = ctx.deliverableOf(loaded, notice.deliverableId);
  const delivered = await ctx.repo.getDeliverableStatus(input.cycleId, unit.id, deliverable.id);
  if (delivered) return sendAll(ctx, []);

  if (notice.kind === 'reminder') {
    // A reminder that comes after its deadline (a restart long after the fact) would mislead: skip it.
    if (now >= Date.parse(dueAt) + 1000) return sendAll(ctx, []);
    const mail = templates.reminder(plan, unit, deliverable, dueAt, now);
    return sendAll(ctx, [
      {
        ...base, kind: 'reminder', milestone: `${deliverable.id}#${notice.milestone}`, recipient: unit.office.email,
        email: { from, to: unit.office.email, cc: [], ...mail },
      },
    ]);
  }

  // escalation: following the hierarchy, the unit's leader in charge (office in copy), then the city office.
  const messages: Message[] = plan.escalation.recipients.map((audience) => {
    const mail = templates.escalation(plan, unit, deliverable, dueAt, audience, now);
    const to = audience === 'unit-leader' ? unit.leader.email : (plan.city.leaderEmail ?? plan.city.email);
    const cc = audience === 'unit-leader' && plan.escalation.ccUnitOffice ? [unit.office.email] : [];
    return { ...base, kind: 'escalation', milestone: `${deliverable.id}#missed`, recipient: to, email: { from, to, cc, ...mail } };
  });
  return sendAll(ctx, messages);
}
