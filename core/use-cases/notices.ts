/**
 * Notices a unit's execution sends on its own: a phase opens, a deadline comes near, a deadline was missed.
 * Each goes through the notifier's ledger, so running a step again sends nothing twice.
 *
 * Deadlines are the unit's effective ones (the plan's, or its newest extension's), and the ledger keys of
 * reminders and escalations name the last day they count from (`<deliverable>#<lastDay>#D-3`, `...#L1`):
 * after an extension restarts the unit's execution, reminders before the new deadline go out, while those
 * already sent before the old one are not repeated.
 */
import type { Deliverable, PhaseKind } from '../plan/schema';
import type { EscalationSlot } from '../plan/schedule-schema';
import { dueInPhase, isRosterDeliverable } from '../plan/roster-deliverable';
import { rectificationDeadline, sendOutcomeNotice } from './review';
import { InvalidTaskInputError } from '../errors';
import { daysLeft, fromAddress, templates } from '../notifier/templates';
import type { Message, SendResult } from '../notifier/notifier';
import type { SupervisionProposal } from '../model';
import type { Context } from './context';
import { sendInspectionResultNotice } from './inspection-results';
import { proposalIdOf } from './proposals';
import { rectificationSigning, signingMilestone } from './signing';

/** 'not-needed': nothing to send (submitted, too late); otherwise what the notifier did (see SendResult). */
export type NoticeStatus = SendResult | 'not-needed';

export type ScheduledNotice =
  | { kind: 'phase-opened'; phase: PhaseKind }
  | { kind: 'reminder'; deliverableId: string; milestone: string }
  | { kind: 'escalation'; deliverableId: string; level: number }
  | { kind: 'rectification-escalation'; round: number; level: number }
  /** A rectification notice left unsigned (签收) past its period: the rungs of its ladder that came due. */
  | { kind: 'signing-escalation'; round: number }
  /** The review's outcome (初评结果), at the time recordOutcome gave. */
  | { kind: 'outcome' }
  /** 交叉检查结果通知: the first sending morning after the inspection window's last day. */
  | { kind: 'inspection-result'; windowId: string };
export type NoticeRequest = ScheduledNotice | { kind: 'delivery-failure'; failed: ScheduledNotice; error: string };

/** What a scheduled notice is about, as a stable key part: `phase-opened#rollout`, `reminder#implementation-plan#D-3`. */
const describeNotice = (n: ScheduledNotice): string => {
  switch (n.kind) {
    case 'phase-opened':
      return `${n.kind}#${n.phase}`;
    case 'reminder':
      return `${n.kind}#${n.deliverableId}#${n.milestone}`;
    case 'escalation':
      return `${n.kind}#${n.deliverableId}#L${n.level}`;
    case 'rectification-escalation':
      return `${n.kind}#round-${n.round}#L${n.level}`;
    case 'signing-escalation':
      return `${n.kind}#round-${n.round}`;
    case 'outcome':
      return `${n.kind}#preliminary-review`;
    case 'inspection-result':
      return `${n.kind}#${n.windowId}`;
  }
};

/** Why the ladder proposed 挂牌督办, in the audit log. */
const WHY: Record<SupervisionProposal['about'], (name: string) => string> = {
  deliverable: (name) => `${name}逾期未报送`,
  rectification: (name) => `${name}未按期完成整改`,
  signing: (name) => `${name}限期整改通知未按期签收`,
};

/** What happened to the messages, the most telling first: sent, refused (reported), suppressed, already sent. */
const PRECEDENCE: SendResult[] = ['sent', 'refused', 'suppressed', 'already-sent'];

async function sendAll(ctx: Context, messages: Message[]): Promise<{ status: NoticeStatus; messages: number }> {
  if (messages.length === 0) return { status: 'not-needed', messages: 0 };
  const results: SendResult[] = [];
  for (const m of messages) results.push(await ctx.notifier.send(m));
  const sent = results.filter((r) => r === 'sent').length;
  return { status: PRECEDENCE.find((p) => results.includes(p))!, messages: sent };
}

export async function sendUnitNotice(ctx: Context, input: { cycleId: string; unitId: string; notice: NoticeRequest }) {
  const loaded = await ctx.loadPlan(input.cycleId);
  const { plan } = loaded;
  const unit = ctx.unitOf(loaded, input.unitId);
  const now = ctx.clock.now();
  const from = fromAddress(plan);
  const base = { cycleId: input.cycleId, unitId: unit.id };
  const notice = input.notice;

  if (notice.kind === 'delivery-failure') {
    // After every retry failed: tell the city office, once per failed notice, so a person can act.
    const to = plan.city.email;
    const mail = templates.deliveryFailure(plan, unit, describeNotice(notice.failed), notice.error, now);
    return sendAll(ctx, [{ ...base, kind: 'delivery-failure', milestone: describeNotice(notice.failed), recipient: to, email: { from, to, cc: [], ...mail } }]);
  }

  if (notice.kind === 'outcome') {
    const { notice: status } = await sendOutcomeNotice(ctx, { cycleId: input.cycleId, unitId: unit.id });
    return { status, messages: status === 'sent' ? 1 : 0 };
  }

  if (notice.kind === 'inspection-result') {
    const { status } = await sendInspectionResultNotice(ctx, { cycleId: input.cycleId, unitId: unit.id, windowId: notice.windowId });
    return { status, messages: status === 'sent' ? 1 : 0 };
  }

  if (notice.kind === 'phase-opened') {
    const phase = plan.phases.find((p) => p.kind === notice.phase)!;
    const schedule = await ctx.scheduleFor(loaded, unit.id);
    const slots = schedule.phases.flatMap((p) => p.deliverables);
    const due = dueInPhase(plan, phase).map((d) => ({ deliverable: d, dueAt: slots.find((x) => x.deliverableId === d.id)!.dueAt }));
    const mail = templates.phaseOpened(plan, unit, phase, due, now);
    return sendAll(ctx, [
      { ...base, kind: 'phase-opened', milestone: phase.kind, recipient: unit.office.email, contact: 'office', email: { from, to: unit.office.email, cc: [], ...mail } },
    ]);
  }

  if (notice.kind === 'rectification-escalation') {
    // A returned round whose rectification deadline passed with no resubmission: the same ladder.
    const decision = await ctx.repo.getDecision(input.cycleId, unit.id, notice.round);
    if (!decision || decision.outcome !== 'returned') {
      throw new InvalidTaskInputError(
        { zh: `第 ${notice.round} 轮没有退回整改的决定`, en: `round ${notice.round} was not returned for rectification` },
        { round: notice.round },
      );
    }
    const { deliverable } = ctx.deliverableOf(loaded, loaded.schedule.review.deliverableId);
    const { deadline, escalations } = rectificationDeadline(loaded, decision);
    return escalate(escalations, notice.level, `rectification#round-${notice.round}#L${notice.level}`, deliverable, deadline, 'rectification');
  }

  if (notice.kind === 'signing-escalation') {
    // Runs each time the resubmission wait reads the record, and at each rung's instant: sends every rung that
    // has come due while the notice stays unsigned and unanswered (the ledger sends each once), else nothing.
    const decision = await ctx.repo.getDecision(input.cycleId, unit.id, notice.round);
    if (!decision || decision.outcome !== 'returned') {
      throw new InvalidTaskInputError(
        { zh: `第 ${notice.round} 轮没有退回整改的决定`, en: `round ${notice.round} was not returned for rectification` },
        { round: notice.round },
      );
    }
    const signing = await rectificationSigning(ctx, loaded, unit, decision);
    const due = signing.pending ? signing.escalations.filter((e) => Date.parse(e.at) <= now) : [];
    const { deliverable } = ctx.deliverableOf(loaded, loaded.schedule.review.deliverableId);
    const results: Array<{ status: NoticeStatus; messages: number }> = [];
    for (const rung of due) {
      results.push(
        await escalate(signing.escalations, rung.level, signingMilestone(notice.round, rung.level), deliverable, signing.deadline!, 'signing', signing.notice!.sentAt),
      );
    }
    const statuses = results.map((r) => r.status).filter((x): x is SendResult => x !== 'not-needed');
    return statuses.length === 0
      ? sendAll(ctx, [])
      : { status: PRECEDENCE.find((p) => statuses.includes(p))!, messages: results.reduce((n, r) => n + r.messages, 0) };
  }

  const { deliverable, dueAt, lastDay, escalations, reminders } = await ctx.deadlineFor(loaded, unit.id, notice.deliverableId);
  // Submitted: its status exists. A registration writes the roster's status with the version; the roster itself is
  // also read, for a roster registered before registrations wrote one (core/plan/roster-deliverable.ts).
  const delivered =
    (await ctx.repo.getDeliverableStatus(input.cycleId, unit.id, deliverable.id)) ??
    (isRosterDeliverable(deliverable.id) ? await ctx.repo.getRoster(input.cycleId, unit.id) : null);
  if (delivered) return sendAll(ctx, []);

  if (notice.kind === 'reminder') {
    // A reminder that comes after its deadline (a restart long after the fact) would mislead: skip it.
    if (now >= Date.parse(dueAt) + 1000) return sendAll(ctx, []);
    // Catching up (a late restart, an extension granted after some of its new reminder dates): only the
    // latest reminder that has come due goes out, not every one at once.
    const slot = reminders.findIndex((r) => r.milestone === notice.milestone);
    const next = slot >= 0 ? reminders[slot + 1] : undefined;
    if (next && now >= Date.parse(next.at)) return sendAll(ctx, []);
    const left = daysLeft(now, lastDay, plan.notices.dayCounting === 'working', loaded.days.calendar.workingDaysBetween);
    const mail = templates.reminder(plan, unit, deliverable, dueAt, left, now);
    return sendAll(ctx, [
      {
        ...base, kind: 'reminder', milestone: `${deliverable.id}#${lastDay}#${notice.milestone}`, recipient: unit.office.email, contact: 'office',
        email: { from, to: unit.office.email, cc: [], ...mail },
      },
    ]);
  }

  return escalate(escalations, notice.level, `${deliverable.id}#${lastDay}#L${notice.level}`, deliverable, dueAt, 'deliverable');

  /**
   * One rung of a ladder, following the hierarchy (the schedule says which and when). `since`: when the
   * notice left unsigned went out (about 'signing').
   */
  async function escalate(
    ladder: EscalationSlot[],
    level: number,
    milestone: string,
    deliverable: Deliverable,
    dueAt: string,
    about: SupervisionProposal['about'],
    since?: string,
  ) {
    const slot = ladder.find((e) => e.level === level);
    if (!slot) {
      throw new InvalidTaskInputError(
        { zh: `${deliverable.name}没有第 ${level} 级督办`, en: `${deliverable.id} has no escalation level ${level}` },
        { deliverableId: deliverable.id, level },
      );
    }
    const rungMail = (audience: 'unit-leader' | 'city-office') =>
      about === 'signing'
        ? templates.unsignedEscalation(plan, unit, deliverable, { sentAt: since!, dueAt }, audience, now)
        : templates.escalation(plan, unit, deliverable, dueAt, audience, now, about);
    if (slot.to === 'unit-leader') {
      const mail = rungMail('unit-leader');
      const cc = plan.escalation.ccUnitOffice ? [unit.office.email] : [];
      return sendAll(ctx, [{ ...base, kind: 'escalation', milestone, recipient: unit.leader.email, contact: 'leader', email: { from, to: unit.leader.email, cc, ...mail } }]);
    }
    const cityTo = plan.city.leaderEmail ?? plan.city.email;
    if (slot.to === 'city-office') {
      const mail = rungMail('city-office');
      return sendAll(ctx, [{ ...base, kind: 'escalation', milestone, recipient: cityTo, email: { from, to: cityTo, cc: [], ...mail } }]);
    }
    // criticism-draft: a drafted 通报批评 and a proposal to list the unit for supervision (挂牌督办), for the
    // city office to confirm in the portal. The proposal and its audit entry are written whatever becomes of
    // the email (a bounced city address, a refusal: the portal is where the city decides it), each once, so a
    // retried step changes nothing and a step that failed between them loses nothing.
    await ctx.repo.putProposal({
      cycleId: input.cycleId, unitId: unit.id, proposalId: proposalIdOf(unit.id, milestone), milestone, deliverableId: deliverable.id,
      about, dueAt, level, proposedAt: ctx.nowIso(), status: 'proposed',
    });
    const mail = templates.criticismDraft(plan, unit, deliverable, dueAt, now, about);
    const result = await sendAll(ctx, [{ ...base, kind: 'escalation', milestone, recipient: cityTo, email: { from, to: cityTo, cc: [], ...mail } }]);
    await ctx.repo.appendAudit({
      cycleId: input.cycleId, unitId: unit.id, at: ctx.nowIso(), actor: 'system', role: 'system', action: 'propose-supervision',
      what: { deliverableId: deliverable.id, about, dueAt, level, status: 'awaiting-city-confirmation' },
      why: WHY[about](deliverable.name),
      key: `propose-supervision#${unit.id}#${milestone}`,
    });
    return result;
  }
}
