/**
 * 签收 of a rectification notice (限期整改通知): the unit signs for it in the portal within the plan's 签收
 * period (review.signingDays, as the plan counts days, from the day it went out); one left unsigned climbs
 * the escalation ladder as a missed deadline does (its leader in charge, the city office, a drafted 通报批评).
 *
 * Who is escalated, and until when, is read from the record, so every re-run (a retry, a restarted
 * execution, a duplicate event) computes the same:
 * - the notice as the ledger has it: only a notice that went out can be signed for. One the mail service
 *   refused, or held for an undeliverable address, never reached the unit; the city office was told instead.
 * - the rungs run only while the unit may still rectify, that is before the rectification deadline. After it,
 *   the ladder of the missed rectification itself takes over (a graver failing, to the same people).
 * - a unit that resubmitted has answered the notice, whether or not it clicked 签收: the point of signing is
 *   to show the notice arrived and is being acted on, and a resubmission shows both. Telling its leader and
 *   the city office that it "did not sign" while its rectification sits in the review queue would be noise,
 *   and read as a false charge. So a resubmission stops the ladder, before the period ends or after it (as a
 *   late submission stops a deliverable's ladder); the notice still counts as unsigned in the overview.
 */
import type { LedgerEntry, ReviewDecision } from '../model';
import { escalationLadder } from '../plan/schedule';
import type { EscalationSlot } from '../plan/schedule-schema';
import { DEFAULT_SIGNING_DAYS, type Unit } from '../plan/schema';
import { dayEnd, localDateOf, toUtcInstant } from '../time';
import type { Context, LoadedPlan } from './context';
import { rectificationDeadline } from './review-record';
import { messageIdOf } from './unit-messages';

/**
 * The 签收 deadline of a notice that went out at `sentAt`: the end (23:59:59 Beijing) of the N-th day after
 * the day it went out (working days by default, with 调休; a last day off moves as every deadline does), and
 * the escalation ladder after it.
 */
export function signingDeadline(
  loaded: Pick<LoadedPlan, 'plan' | 'days'>,
  sentAt: string,
): { lastDay: string; deadline: string; escalations: EscalationSlot[] } {
  // A cycle stored before plans had a 签收 period has none in its stored plan.
  const days = loaded.plan.review.signingDays ?? DEFAULT_SIGNING_DAYS;
  const lastDay = loaded.days.extendedLastDay(loaded.days.add(localDateOf(sentAt), days));
  return { lastDay, deadline: toUtcInstant(dayEnd(lastDay)), escalations: escalationLadder(loaded.plan, loaded.days, lastDay) };
}

/** The ledger milestone of rung `level` of a returned round's 签收 ladder. */
export const signingMilestone = (round: number, level: number) => `signing#round-${round}#L${level}`;

export interface RectificationSigning {
  /** The rectification notice as it went out; null if it has not (yet) reached the unit. */
  notice: { messageId: string; sentAt: string } | null;
  signed: boolean;
  /** A version came after the returned one: the unit answered the notice. */
  resubmitted: boolean;
  /** The 签收 deadline (absent while the notice has not gone out). */
  deadline: string | null;
  /** The rungs of the notice's ladder that come before the rectification deadline. */
  escalations: EscalationSlot[];
  /** Rungs may still go: the notice went out, and is neither signed nor answered. */
  pending: boolean;
}

/** Where the 签收 of the rectification notice of a returned round stands, from the record. */
export async function rectificationSigning(ctx: Context, loaded: LoadedPlan, unit: Unit, decision: ReviewDecision): Promise<RectificationSigning> {
  const { cycleId } = loaded.plan;
  const [entries, signatures, status] = await Promise.all([
    ctx.repo.listUnitMessages(cycleId, unit.id),
    ctx.repo.listNoticeSignatures(cycleId, unit.id),
    ctx.repo.getDeliverableStatus(cycleId, unit.id, loaded.schedule.review.deliverableId),
  ]);
  const resubmitted = (status?.latestVersion ?? 0) > decision.version;
  // The ledger names each message by the plan's address, whatever the directory says since (core/directory.ts).
  const entry = entries.find((e) => isRectificationNotice(e, loaded.planned.get(unit.id) ?? unit, decision.round));
  if (!entry?.sentAt) return { notice: null, signed: false, resubmitted, deadline: null, escalations: [], pending: false };
  const messageId = messageIdOf(entry);
  const signed = signatures.some((s) => s.messageId === messageId);
  const { deadline, escalations } = signingDeadline(loaded, entry.sentAt);
  const rectifyBy = rectificationDeadline(loaded, decision).deadline;
  return {
    notice: { messageId, sentAt: entry.sentAt },
    signed,
    resubmitted,
    deadline,
    // Same-format UTC instants compare in time order.
    escalations: escalations.filter((e) => e.at < rectifyBy),
    pending: !signed && !resubmitted,
  };
}

/** The next instant a rung of the ladder comes due, after `now`; null when none will (signed, answered, or past the last rung). */
export function nextSigningRung(signing: RectificationSigning, now: number): string | null {
  if (!signing.pending) return null;
  return signing.escalations.find((e) => Date.parse(e.at) > now)?.at ?? null;
}

/** The rectification notice (限期整改) of `round`, as IssueRectification sends it: to the unit office. */
const isRectificationNotice = (e: LedgerEntry, unit: Unit, round: number) =>
  e.kind === 'rectification' && e.milestone === `round-${round}` && e.status === 'sent' && e.recipient.toLowerCase() === unit.office.email.toLowerCase();
