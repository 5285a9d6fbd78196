/**
 * What the offices read: a unit's overview (what is due and when, its status per phase), its submissions
 * with every version, one version with download links, a receipt (回执), and the city's dashboard of all
 * units. Reads only; every figure is derived from stored facts at the time of reading.
 */
import { DateTime } from 'luxon';
import { DOWNLOAD_LINK_SECONDS } from '../documents';
import { NotFoundError } from '../errors';
import type { DeliverableStatus, Extension, LedgerEntry, ReviewDecision, SubmissionVersion, UnitOutcomeRecord } from '../model';
import type { Deliverable, Unit } from '../plan/schema';
import type { Schedule } from '../plan/schedule-schema';
import { formatBeijing, isOnTime, localDateOf } from '../time';
import { extendedLastDays, unitSchedule, type Context, type LoadedPlan } from './context';


export type PhaseState = 'upcoming' | 'open' | 'closed';
export type DeliverableState = 'not-yet-due' | 'due' | 'submitted-on-time' | 'submitted-late' | 'missing';

/** Days between two Beijing dates, as the plan counts them (working days by default). */
function daysBetween(loaded: LoadedPlan, from: string, to: string): number {
  if (loaded.plan.notices.dayCounting === 'working') return loaded.days.calendar.workingDaysBetween(from, to);
  return Math.max(0, Math.round(DateTime.fromISO(to).diff(DateTime.fromISO(from), 'days').days));
}

const beijing = (iso: string) => ({ iso, beijing: formatBeijing(iso, 'iso'), zh: formatBeijing(iso, 'datetime', 'zh'), en: formatBeijing(iso, 'datetime', 'en') });

interface DeliverableFacts {
  schedule: Schedule;
  statuses: Map<string, DeliverableStatus>;
  messages: LedgerEntry[];
}

function deliverableView(loaded: LoadedPlan, facts: DeliverableFacts, deliverableId: string, nowMs: number, extended: boolean) {
  const { deliverable, phase } = loaded.deliverables.get(deliverableId)!;
  const slot = facts.schedule.phases.flatMap((p) => p.deliverables).find((d) => d.deliverableId === deliverableId)!;
  const status = facts.statuses.get(deliverableId) ?? null;
  const phaseOpens = facts.schedule.phases.find((p) => p.kind === phase.kind)!.opensAt;
  const today = localDateOf(nowMs);
  const past = !isOnTime(nowMs, slot.dueAt);
  const state: DeliverableState = status
    ? status.onTime ? 'submitted-on-time' : 'submitted-late'
    : past ? 'missing' : nowMs >= Date.parse(phaseOpens) ? 'due' : 'not-yet-due';
  const mine = (kind: LedgerEntry['kind']) => facts.messages.filter((m) => m.kind === kind && m.status === 'sent' && m.milestone.startsWith(`${deliverableId}#`)).length;
  return {
    deliverableId,
    name: deliverable.name,
    nameEn: deliverable.nameEn,
    phase: phase.kind,
    reviewed: deliverable.reviewed,
    /** The last day (Beijing), inclusive; dueAt is its last second (23:59:59 Beijing). */
    lastDay: slot.lastDay,
    dueAt: beijing(slot.dueAt),
    extended,
    state,
    /** Days left until the last day (0 on the day itself), as the plan counts days; null once submitted or past. */
    daysLeft: status || past ? null : daysBetween(loaded, today, slot.lastDay),
    /** Days past the last day while still missing; for a late submission, how late it came. */
    daysOverdue: status
      ? status.onTime ? 0 : daysBetween(loaded, slot.lastDay, localDateOf(status.firstReceivedAt))
      : past ? daysBetween(loaded, slot.lastDay, today) : 0,
    latestVersion: status?.latestVersion ?? 0,
    firstReceivedAt: status ? beijing(status.firstReceivedAt) : null,
    lastReceivedAt: status ? beijing(status.lastReceivedAt) : null,
    remindersSent: mine('reminder'),
    escalationsSent: mine('escalation'),
  };
}

function phasesView(loaded: LoadedPlan, facts: DeliverableFacts, nowMs: number, extendedIds: ReadonlySet<string>) {
  return loaded.plan.phases.map((phase) => {
    const ps = facts.schedule.phases.find((p) => p.kind === phase.kind);
    const opensAt = ps?.opensAt ?? facts.schedule.review.opensAt;
    const closesAt = ps?.closesAt ?? facts.schedule.review.closesAt;
    const state: PhaseState = nowMs < Date.parse(opensAt) ? 'upcoming' : nowMs > Date.parse(closesAt) ? 'closed' : 'open';
    return {
      kind: phase.kind,
      name: phase.name,
      nameEn: phase.nameEn,
      opensAt: beijing(opensAt),
      closesAt: beijing(closesAt),
      state,
      deliverables: phase.deliverables.map((d) => deliverableView(loaded, facts, d.id, nowMs, extendedIds.has(d.id))),
    };
  });
}

function reviewView(loaded: LoadedPlan, decisions: ReviewDecision[], outcome: UnitOutcomeRecord | null) {
  const last = decisions.at(-1);
  return {
    deliverableId: loaded.schedule.review.deliverableId,
    maxRounds: loaded.schedule.review.maxRounds,
    /** The round a decision is awaited in (or was last decided in, once the outcome is recorded). */
    round: outcome || !last ? Math.max(1, decisions.length) : last.outcome === 'returned' ? last.round + 1 : last.round,
    decisions: decisions.map((d) => ({ ...d, decidedAt: beijing(d.decidedAt) })),
    outcome: outcome ? { outcome: outcome.outcome, recordedAt: beijing(outcome.recordedAt) } : null,
  };
}

async function unitDecisions(ctx: Context, cycleId: string, unitId: string, maxRounds: number): Promise<ReviewDecision[]> {
  const found: ReviewDecision[] = [];
  for (let round = 1; round <= maxRounds; round++) {
    const d = await ctx.repo.getDecision(cycleId, unitId, round);
    if (!d) break;
    found.push(d);
  }
  return found;
}

const unitInfo = (u: Unit) => ({ unitId: u.id, name: u.name, nameEn: u.nameEn ?? null });

/** A unit's overview: what is due and when (Beijing), days left, its status per phase, the review. */
export async function unitOverview(ctx: Context, input: { cycleId: string; unitId: string }) {
  const loaded = await ctx.loadPlan(input.cycleId);
  const unit = ctx.unitOf(loaded, input.unitId);
  const [extensions, statuses, messages, outcome, decisions] = await Promise.all([
    ctx.repo.listExtensions(input.cycleId, unit.id),
    ctx.repo.listDeliverableStatuses(input.cycleId, unit.id),
    ctx.repo.listUnitMessages(input.cycleId, unit.id),
    ctx.repo.getOutcome(input.cycleId, unit.id),
    unitDecisions(ctx, input.cycleId, unit.id, loaded.schedule.review.maxRounds),
  ]);
  const now = ctx.clock.now();
  const facts = { schedule: unitSchedule(loaded, extensions), statuses: new Map(statuses.map((s) => [s.deliverableId, s])), messages };
  return {
    cycleId: input.cycleId,
    title: loaded.plan.title,
    unit: unitInfo(unit),
    now: beijing(new Date(now).toISOString()),
    dayCounting: loaded.plan.notices.dayCounting,
    phases: phasesView(loaded, facts, now, new Set(Object.keys(extendedLastDays(extensions)))),
    review: reviewView(loaded, decisions, outcome),
    extensions,
  };
}

/** The city's dashboard: every unit by phase (status, on time / late / missing, days overdue, reminders sent). */
export async function dashboard(ctx: Context, input: { cycleId: string }) {
  const loaded = await ctx.loadPlan(input.cycleId);
  const { cycleId } = input;
  const [submissions, messages, decisions, outcomes, extensions] = await Promise.all([
    ctx.repo.listSubmissions(cycleId),
    ctx.repo.listMessages(cycleId),
    ctx.repo.listDecisions(cycleId),
    ctx.repo.listOutcomes(cycleId),
    ctx.repo.listCycleExtensions(cycleId),
  ]);
  const byUnit = <T extends { unitId: string | null }>(items: T[]) => {
    const m = new Map<string, T[]>();
    for (const i of items) if (i.unitId) m.set(i.unitId, [...(m.get(i.unitId) ?? []), i]);
    return m;
  };
  const subs = byUnit(submissions);
  const msgs = byUnit(messages);
  const decs = byUnit(decisions);
  const exts = byUnit(extensions);
  const outs = new Map(outcomes.map((o) => [o.unitId, o]));
  const now = ctx.clock.now();
  const units = loaded.plan.units.map((unit) => {
    const unitExtensions: Extension[] = exts.get(unit.id) ?? [];
    const facts = {
      schedule: unitSchedule(loaded, unitExtensions),
      statuses: statusesFrom(subs.get(unit.id) ?? []),
      messages: msgs.get(unit.id) ?? [],
    };
    const phases = phasesView(loaded, facts, now, new Set(Object.keys(extendedLastDays(unitExtensions))));
    const unitDecs = (decs.get(unit.id) ?? []).sort((a, b) => a.round - b.round);
    return { ...unitInfo(unit), phases, review: reviewView(loaded, unitDecs, outs.get(unit.id) ?? null) };
  });
  const all = units.flatMap((u) => u.phases.flatMap((p) => p.deliverables));
  const count = (state: DeliverableState) => all.filter((d) => d.state === state).length;
  return {
    cycleId,
    title: loaded.plan.title,
    now: beijing(new Date(now).toISOString()),
    totals: {
      units: units.length,
      submittedOnTime: count('submitted-on-time'),
      submittedLate: count('submitted-late'),
      missing: count('missing'),
      qualified: outcomes.filter((o) => o.outcome === 'qualified').length,
    },
    units,
  };
}

/** The statuses of one unit's deliverables from its versions (the dashboard reads versions cycle-wide, not status items). */
function statusesFrom(versions: SubmissionVersion[]): Map<string, DeliverableStatus> {
  const m = new Map<string, DeliverableStatus>();
  for (const v of [...versions].sort((a, b) => a.version - b.version)) {
    const s = m.get(v.deliverableId);
    m.set(v.deliverableId, {
      cycleId: v.cycleId,
      unitId: v.unitId,
      deliverableId: v.deliverableId,
      latestVersion: v.version,
      firstReceivedAt: s?.firstReceivedAt ?? v.receivedAt,
      lastReceivedAt: v.receivedAt,
      onTime: s ? s.onTime : v.onTime,
      latestOnTime: v.onTime,
    });
  }
  return m;
}

const versionSummary = (v: SubmissionVersion) => ({
  deliverableId: v.deliverableId,
  version: v.version,
  receivedAt: beijing(v.receivedAt),
  onTime: v.onTime,
  submittedBy: v.submittedBy,
  documents: v.documents.map((d) => ({ uploadId: d.uploadId, fileName: d.fileName, contentType: d.contentType, size: d.size, sha256: d.sha256 })),
  figures: v.selfAssessment?.figures ?? null,
});

/** The unit's submissions: each deliverable with every version (the older ones stay readable). */
export async function listUnitSubmissions(ctx: Context, input: { cycleId: string; unitId: string }) {
  const loaded = await ctx.loadPlan(input.cycleId);
  const unit = ctx.unitOf(loaded, input.unitId);
  const versions = await ctx.repo.listUnitSubmissions(input.cycleId, unit.id);
  const ids = [...new Set(versions.map((v) => v.deliverableId))];
  return {
    cycleId: input.cycleId,
    unit: unitInfo(unit),
    deliverables: ids.map((id) => {
      const d = loaded.deliverables.get(id);
      return { deliverableId: id, name: d?.deliverable.name ?? id, nameEn: d?.deliverable.nameEn ?? id, versions: versions.filter((v) => v.deliverableId === id).map(versionSummary) };
    }),
  };
}

async function versionOf(ctx: Context, input: { cycleId: string; unitId: string; deliverableId: string; version: number }) {
  const loaded = await ctx.loadPlan(input.cycleId);
  const unit = ctx.unitOf(loaded, input.unitId);
  const { deliverable } = ctx.deliverableOf(loaded, input.deliverableId);
  const v = await ctx.repo.getSubmission(input.cycleId, unit.id, deliverable.id, input.version);
  if (!v) {
    throw new NotFoundError(
      { zh: `${deliverable.name}没有第 ${input.version} 版`, en: `${deliverable.nameEn} has no version ${input.version}` },
      { deliverableId: deliverable.id, version: input.version },
    );
  }
  return { loaded, unit, deliverable, v };
}

/** What identifies a version and what nobody can edit: the server's receipt time and the on-time flag. */
const versionHeader = (unit: Unit, deliverable: Deliverable, v: SubmissionVersion) => ({
  unit: unitInfo(unit),
  deliverable: { deliverableId: deliverable.id, name: deliverable.name, nameEn: deliverable.nameEn },
  version: v.version,
  receivedAt: beijing(v.receivedAt),
  onTime: v.onTime,
  submittedBy: v.submittedBy,
});

/** One version in full: narrative, self-assessment with its figures and findings, documents with short-lived links, decisions on it. */
export async function getVersion(ctx: Context, input: { cycleId: string; unitId: string; deliverableId: string; version: number }) {
  const { loaded, unit, deliverable, v } = await versionOf(ctx, input);
  const expiresAt = new Date(ctx.clock.now() + DOWNLOAD_LINK_SECONDS * 1000).toISOString();
  const documents = await Promise.all(
    v.documents.map(async (d) => ({
      uploadId: d.uploadId,
      fileName: d.fileName,
      contentType: d.contentType,
      size: d.size,
      sha256: d.sha256,
      downloadUrl: await ctx.documents.downloadUrl({ key: d.key, fileName: d.fileName, contentType: d.contentType, expiresInSeconds: DOWNLOAD_LINK_SECONDS }),
      linkExpiresAt: beijing(expiresAt),
    })),
  );
  const decisions = deliverable.id === loaded.schedule.review.deliverableId
    ? (await unitDecisions(ctx, input.cycleId, unit.id, loaded.schedule.review.maxRounds)).filter((d) => d.version === v.version)
    : [];
  return {
    cycleId: input.cycleId,
    ...versionHeader(unit, deliverable, v),
    narrative: v.narrative ?? null,
    selfAssessment: v.selfAssessment ?? null,
    documents,
    decisions,
  };
}

/** The receipt (回执) of a version: what the server received, when (its own clock, Beijing), on time or late, and each document's hash. */
export async function receiptOf(ctx: Context, input: { cycleId: string; unitId: string; deliverableId: string; version: number }) {
  const { loaded, unit, deliverable, v } = await versionOf(ctx, input);
  return {
    receiptNo: `${input.cycleId}/${unit.id}/${deliverable.id}/v${v.version}`,
    issuer: loaded.plan.city.office,
    ...versionHeader(unit, deliverable, v),
    documents: v.documents.map((d) => ({ fileName: d.fileName, size: d.size, sha256: d.sha256 })),
    figures: v.selfAssessment?.figures ?? null,
  };
}
