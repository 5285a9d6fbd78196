/**
 * What the portal reads about a unit beyond its deadlines: the messages the system sent about it (the
 * ledger), the 签收 (signing for) of each notice, and its audit log; and which cycles a signed-in user works
 * in. Which message is a notice to sign for, and what still waits to be signed, is decided here, not in the
 * portal.
 *
 * Primary course of a 签收: the county clicks 签收 on a notice it received -> the notice is found among the
 * unit's sent notices by its id -> the signature is written once (first signer and instant win) -> the audit
 * log records it once (keyed), so a retry after a crash between the two writes loses nothing.
 */
import { createHash } from 'node:crypto';
import { NotFoundError } from '../errors';
import type { Actor, AuditEntry, LedgerEntry, MessageKey, MessageKind, NoticeSignature } from '../model';
import type { Unit } from '../plan/schema';
import type { Context } from './context';
import { beijing, levelsView, unitInfo } from './view-parts';

/**
 * The messages a unit signs for (签收): the formal notices (通知) of the city office: a phase opens, 督办, 限期整改,
 * 初评结果, 延期, 通报批评. A receipt (回执) is our acknowledgement and a reminder (提醒) a courtesy before a deadline:
 * neither is a notice to sign for.
 */
export const NOTICE_KINDS: ReadonlySet<MessageKind> = new Set<MessageKind>(['phase-opened', 'escalation', 'rectification', 'outcome', 'inspection-result', 'extension', 'criticism']);

/** A message's stable id: a hash of its ledger key within the unit (URL-safe, reveals no address). */
export const messageIdOf = (k: Pick<MessageKey, 'kind' | 'milestone' | 'recipient'>) =>
  createHash('sha256').update(`${k.kind}\n${k.milestone}\n${k.recipient.toLowerCase()}`).digest('hex').slice(0, 32);

/**
 * Addressed to the unit itself (its office or its leader), not to the city office about it. Pass the unit as
 * the stored plan has it (LoadedPlan.planned): the ledger names recipients by the plan's addresses.
 */
const toUnit = (unit: Unit, e: LedgerEntry) => [unit.office.email, unit.leader.email].some((a) => a.toLowerCase() === e.recipient.toLowerCase());
const isNotice = (unit: Unit, e: LedgerEntry) => e.status === 'sent' && NOTICE_KINDS.has(e.kind) && toUnit(unit, e);
const sentOrClaimed = (e: LedgerEntry) => e.sentAt ?? e.claimedAt;

/** How many notices sent to the unit it has not signed for yet. */
export function unsignedNotices(unit: Unit, entries: readonly LedgerEntry[], signatures: readonly NoticeSignature[]): number {
  const signed = new Set(signatures.map((s) => s.messageId));
  return entries.filter((e) => isNotice(unit, e) && !signed.has(messageIdOf(e))).length;
}

/**
 * The messages about a unit, oldest first. A county reads what was sent to it; the city office reads every
 * message about the unit (to the city too, and those still being sent), marked by whom it went to.
 */
export async function unitMessages(ctx: Context, input: { cycleId: string; unitId: string; role: Actor['role'] }) {
  const loaded = await ctx.loadPlan(input.cycleId);
  const unit = ctx.unitOf(loaded, input.unitId);
  const planned = loaded.planned.get(unit.id)!;
  const [entries, signatures] = await Promise.all([
    ctx.repo.listUnitMessages(input.cycleId, unit.id),
    ctx.repo.listNoticeSignatures(input.cycleId, unit.id),
  ]);
  const byId = new Map(signatures.map((s) => [s.messageId, s]));
  const visible = entries
    .filter((e) => input.role === 'city' || (toUnit(planned, e) && e.status === 'sent'))
    .sort((a, b) => sentOrClaimed(a).localeCompare(sentOrClaimed(b)));
  return {
    cycleId: input.cycleId,
    unit: unitInfo(unit),
    messages: visible.map((e) => {
      const messageId = messageIdOf(e);
      const signature = byId.get(messageId);
      return {
        messageId,
        kind: e.kind,
        milestone: e.milestone,
        subject: e.subject,
        // Where it went: the directory's address at the time, when the city office had changed the plan's.
        recipient: e.to ?? e.recipient,
        cc: e.cc,
        status: e.status,
        sentAt: e.sentAt ? beijing(e.sentAt) : null,
        toUnit: toUnit(planned, e),
        /** A notice the unit signs for. */
        notice: isNotice(planned, e),
        signature: signature ? { signedBy: signature.signedBy, signedAt: beijing(signature.signedAt) } : null,
      };
    }),
    unsignedNotices: unsignedNotices(planned, entries, signatures),
  };
}

/** 签收: the unit signs for a notice it received, once; signing again returns the first signature. */
export async function signNotice(ctx: Context, input: { cycleId: string; unitId: string; messageId: string; signedBy: string }) {
  const loaded = await ctx.loadPlan(input.cycleId);
  const unit = ctx.unitOf(loaded, input.unitId);
  const entries = await ctx.repo.listUnitMessages(input.cycleId, unit.id);
  const entry = entries.find((e) => isNotice(loaded.planned.get(unit.id)!, e) && messageIdOf(e) === input.messageId);
  if (!entry) {
    throw new NotFoundError(
      { zh: `messageId：本单位没有编号为 ${input.messageId} 的通知可签收`, en: `messageId: this unit has no notice ${input.messageId} to sign for` },
      { messageId: input.messageId },
    );
  }
  const { recorded, signature } = await ctx.repo.signNotice({
    cycleId: input.cycleId, unitId: unit.id, messageId: input.messageId, kind: entry.kind, milestone: entry.milestone,
    signedBy: input.signedBy, signedAt: ctx.nowIso(),
  });
  // Written on a repeat too (keyed: once), so a crash after the signature and before the audit loses nothing.
  await ctx.repo.appendAudit({
    cycleId: input.cycleId, unitId: unit.id, at: signature.signedAt, actor: signature.signedBy, role: 'county', action: 'sign-notice',
    what: { messageId: signature.messageId, kind: signature.kind, milestone: signature.milestone, subject: entry.subject },
    key: `sign-notice#${unit.id}#${signature.messageId}`,
  });
  return {
    recorded,
    messageId: signature.messageId,
    kind: signature.kind,
    subject: entry.subject,
    signedBy: signature.signedBy,
    signedAt: beijing(signature.signedAt),
  };
}

/** The unit's audit log (who did what, when), oldest first. */
export async function unitAudit(ctx: Context, input: { cycleId: string; unitId: string }) {
  const loaded = await ctx.loadPlan(input.cycleId);
  const unit = ctx.unitOf(loaded, input.unitId);
  const entries = (await ctx.repo.listAudit(input.cycleId)).filter((a) => a.unitId === unit.id).sort((a, b) => a.at.localeCompare(b.at));
  return {
    cycleId: input.cycleId,
    unit: unitInfo(unit),
    entries: entries.map((a: AuditEntry) => ({ at: beijing(a.at), actor: a.actor, role: a.role, action: a.action, what: a.what, why: a.why ?? null })),
  };
}

const STATUS_ORDER = { running: 0, stored: 1, forwarded: 2, closed: 3 } as const;

/**
 * The cycles a user works in: the city office every stored cycle, a county those whose plan has its unit, an
 * inspector those whose plan has its inspection group.
 * The one to open first comes first (running, then the most recently stored).
 */
export async function cyclesOf(ctx: Context, actor: Actor) {
  const cycles = await ctx.repo.listCycles();
  const rows = [];
  for (const c of cycles) {
    const loaded = await ctx.loadPlan(c.cycleId);
    const unit = actor.role === 'county' ? loaded.units.get(actor.unitId ?? '') : undefined;
    if (actor.role === 'county' && !unit) continue;
    const group = actor.role === 'inspector' ? loaded.plan.inspection?.groups.find((g) => g.id === actor.groupId) : undefined;
    if (actor.role === 'inspector' && !group) continue;
    rows.push({
      cycleId: c.cycleId,
      title: loaded.plan.title,
      year: loaded.plan.year,
      status: c.status,
      storedAt: beijing(c.storedAt),
      unit: unit ? unitInfo(unit) : null,
      group: group ? { id: group.id, name: group.name, nameEn: group.nameEn ?? null } : null,
      levels: levelsView(loaded.plan),
    });
  }
  rows.sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || b.storedAt.iso.localeCompare(a.storedAt.iso));
  return { cycles: rows };
}
