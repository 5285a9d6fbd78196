/**
 * What the offices read: a unit's overview (what is due and when, its status per phase), its submissions
 * with every version, one version with download links, a receipt (回执), and the city's dashboard of all
 * units. Reads only; every figure is derived from stored facts at the time of reading.
 */
import { DateTime } from 'luxon';
import { DOWNLOAD_LINK_SECONDS } from '../documents';
import { NotFoundError, ValidationError } from '../errors';
import type { DeliverableStatus, Extension, LedgerEntry, ReviewDecision, SubmissionVersion, UnitOutcomeRecord } from '../model';
import type { UnitFacts } from '../ports';
import { makeProblem } from '../validation';
import type { Deliverable, Unit } from '../plan/schema';
import type { Schedule } from '../plan/schedule-schema';
import { dueInPhase } from '../plan/roster-deliverable';
import { isOnTime, localDateOf } from '../time';
import { extendedLastDays, unitSchedule, type Context, type LoadedPlan } from './context';
import { rectificationDeadline } from './review-record';
import { drawFailureView } from './inspection';
import { unsignedNotices } from './unit-messages';
import { beijing, levelsView, unitInfo } from './view-parts';
import { unitInspectionGlance, type InspectionGlance } from './inspection-results';


export type PhaseState = 'upcoming' | 'open' | 'closed';
export type DeliverableState = 'not-yet-due' | 'due' | 'submitted-on-time' | 'submitted-late' | 'missing';

/** Days between two Beijing dates, as the plan counts them (working days by default). */
function daysBetween(loaded: LoadedPlan, from: string, to: string): number {
  if (loaded.plan.notices.dayCounting === 'working') return loaded.days.calendar.workingDaysBetween(from, to);
  return Math.max(0, Math.round(DateTime.fromISO(to).diff(DateTime.fromISO(from), 'days').days));
}

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
      // What is due in the phase, the roster registration included (core/plan/roster-deliverable.ts).
      deliverables: dueInPhase(loaded.plan, phase).map((d) => deliverableView(loaded, facts, d.id, nowMs, extendedIds.has(d.id))),
    };
  });
}

function reviewView(loaded: LoadedPlan, decisions: ReviewDecision[], outcome: UnitOutcomeRecord | null, nowMs: number, latestVersion: number) {
  const last = decisions.at(-1);
  return {
    /**
     * The open rectification (限期整改) after a return, until the unit resubmits or the outcome is recorded: the
     * round it opens, its last day and instant (the city's day, else the plan's rule), days left as the plan
     * counts them (null once past).
     */
    rectification: rectificationView(loaded, last, outcome, nowMs, latestVersion),
    deliverableId: loaded.schedule.review.deliverableId,
    maxRounds: loaded.schedule.review.maxRounds,
    /** The round a decision is awaited in (or was last decided in, once the outcome is recorded). */
    round: outcome || !last ? Math.max(1, decisions.length) : last.outcome === 'returned' ? last.round + 1 : last.round,
    decisions: decisions.map((d) => ({ ...d, decidedAt: beijing(d.decidedAt) })),
    outcome: outcome ? { outcome: outcome.outcome, recordedAt: beijing(outcome.recordedAt) } : null,
  };
}

function rectificationView(loaded: LoadedPlan, last: ReviewDecision | undefined, outcome: UnitOutcomeRecord | null, nowMs: number, latestVersion: number) {
  if (!last || last.outcome !== 'returned' || outcome || last.round >= loaded.schedule.review.maxRounds) return null;
  if (latestVersion > last.version) return null;
  const { deadline, lastDay } = rectificationDeadline(loaded, last);
  return {
    round: last.round + 1,
    lastDay,
    dueAt: beijing(deadline),
    daysLeft: isOnTime(nowMs, deadline) ? daysBetween(loaded, localDateOf(nowMs), lastDay) : null,
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


/** A unit's overview: what is due and when (Beijing), days left, its status per phase, the review. */
export async function unitOverview(ctx: Context, input: { cycleId: string; unitId: string }) {
  const loaded = await ctx.loadPlan(input.cycleId);
  const unit = ctx.unitOf(loaded, input.unitId);
  const [extensions, statuses, messages, signatures, outcome, decisions] = await Promise.all([
    ctx.repo.listExtensions(input.cycleId, unit.id),
    ctx.repo.listDeliverableStatuses(input.cycleId, unit.id),
    ctx.repo.listUnitMessages(input.cycleId, unit.id),
    ctx.repo.listNoticeSignatures(input.cycleId, unit.id),
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
    targets: loaded.plan.targets,
    /** The plan's words for the running office, its units and the superior, its contact and issuing document. */
    levels: levelsView(loaded.plan),
    phases: phasesView(loaded, facts, now, new Set(Object.keys(extendedLastDays(extensions)))),
    review: reviewView(loaded, decisions, outcome, now, facts.statuses.get(loaded.schedule.review.deliverableId)?.latestVersion ?? 0),
    extensions,
    /** The score sheet (考核评分表) the self-assessment is scored against. */
    rubric: rubricView(loaded),
    /** Notices sent to the unit that it has not signed for (签收) yet. */
    unsignedNotices: unsignedNotices(loaded.planned.get(unit.id)!, messages, signatures),
  };
}

const rubricView = (loaded: LoadedPlan) => ({
  total: loaded.plan.rubric.total,
  items: loaded.plan.rubric.items.map((i) => ({
    itemId: i.id, title: i.title, titleEn: i.titleEn ?? null, maxPoints: i.maxPoints, evidence: i.evidence, kind: i.kind,
  })),
});

/** How many units one dashboard page shows: 100 rows of a 2,800-unit plan stay far below 1 MB (bench/RESULTS.md). */
export const DASHBOARD_PAGE = { default: 50, max: 100 } as const;
/** Which units of a page to show: a deliverable missing or late, a review round returned, the outcome qualified or not. */
/** `awaiting-decision`: the review queue (初评队列): a version of the reviewed deliverable newer than the last decision, no outcome yet. */
/** `inspection-disqualified`: the cross-inspection keeps the unit off the list (a failed veto item, or the sampled pass rate). */
export const DASHBOARD_FILTERS = ['missing', 'late', 'returned', 'qualified', 'not-qualified', 'awaiting-decision', 'inspection-disqualified'] as const;
export type DashboardFilter = (typeof DASHBOARD_FILTERS)[number];

type UnitRow = ReturnType<typeof unitRow>;

/**
 * A unit's schedule with its extensions, kept per plan and set of extended last days: a page meets the
 * same few extended schedules on every request, and deriving one walks the whole calendar.
 */
const extendedSchedules = new WeakMap<LoadedPlan, Map<string, Schedule>>();
function scheduleWith(loaded: LoadedPlan, extensions: readonly Extension[]): Schedule {
  if (extensions.length === 0) return loaded.schedule;
  const key = JSON.stringify(Object.entries(extendedLastDays(extensions)).sort());
  let byKey = extendedSchedules.get(loaded);
  if (!byKey) extendedSchedules.set(loaded, (byKey = new Map()));
  let schedule = byKey.get(key);
  if (!schedule) byKey.set(key, (schedule = unitSchedule(loaded, extensions)));
  return schedule;
}

function unitRow(loaded: LoadedPlan, unit: Unit, facts: UnitFacts, now: number) {
  const view = {
    schedule: scheduleWith(loaded, facts.extensions),
    statuses: new Map(facts.statuses.map((s) => [s.deliverableId, s])),
    messages: facts.messages,
  };
  const phases = phasesView(loaded, view, now, new Set(Object.keys(extendedLastDays(facts.extensions))));
  // The city's per-item scores stay on the unit's own page: a row says how each round went, not why.
  const latest = view.statuses.get(loaded.schedule.review.deliverableId)?.latestVersion ?? 0;
  const review = reviewView(loaded, facts.decisions.map(({ scores: _scores, ...d }) => d), facts.outcome, now, latest);
  return {
    ...unitInfo(unit),
    phases,
    review,
    summary: rowSummary(phases, view.statuses.get(loaded.schedule.review.deliverableId)),
    /** Notices sent to the unit that it has not signed for (签收) yet (the ledger names the plan's addresses). */
    unsignedNotices: unsignedNotices(loaded.planned.get(unit.id) ?? unit, facts.messages, facts.signatures),
    /**
     * Its inspection draw, when it failed after its retries and no later attempt drew it: when, why, and the next
     * attempt (null once the window closed: the unit could not be drawn). Null otherwise.
     */
    drawFailure: drawFailureView(facts.drawFailures.find((f) => !f.resolvedAt)),
  };
}

/**
 * A row's figures for reports (the export to Excel): how the unit's deliverables stand against their deadlines
 * so far (及时率: on time of those due or in), and its latest self-assessment's 创建覆盖率 and 合格率 as the
 * server computed them (0..1; null before a self-assessment, or when a ratio has no denominator).
 */
function rowSummary(phases: ReturnType<typeof phasesView>, reviewed: DeliverableStatus | undefined) {
  const states = phases.flatMap((p) => p.deliverables.map((d) => d.state));
  const count = (s: DeliverableState) => states.filter((x) => x === s).length;
  const [onTime, late, missing] = [count('submitted-on-time'), count('submitted-late'), count('missing')];
  const due = onTime + late + missing;
  return {
    onTime,
    late,
    missing,
    timeliness: due === 0 ? null : onTime / due,
    coverage: reviewed?.latestFigures?.coverage ?? null,
    passRate: reviewed?.latestFigures?.passRate ?? null,
  };
}

const matches = (row: UnitRow & { inspection: InspectionGlance | null }, filter: DashboardFilter | undefined): boolean => {
  if (!filter) return true;
  const states = row.phases.flatMap((p) => p.deliverables.map((d) => d.state));
  if (filter === 'missing') return states.includes('missing');
  if (filter === 'late') return states.includes('submitted-late');
  if (filter === 'returned') return row.review.decisions.some((d) => d.outcome === 'returned');
  if (filter === 'qualified') return row.review.outcome?.outcome === 'qualified';
  if (filter === 'inspection-disqualified') return (row.inspection?.standing.disqualifiedBy.length ?? 0) > 0;
  if (filter === 'awaiting-decision') {
    const reviewed = row.phases.flatMap((p) => p.deliverables).find((d) => d.deliverableId === row.review.deliverableId);
    return !row.review.outcome && (reviewed?.latestVersion ?? 0) > (row.review.decisions.at(-1)?.version ?? 0);
  }
  return row.review.outcome !== null && row.review.outcome.outcome !== 'qualified';
};

/**
 * The cycle's totals without reading every unit: counters the repository keeps as it writes (first versions
 * on time and late per deliverable, outcomes), and "missing" derived from them and the clock: for each
 * deliverable past its deadline, the units that sent nothing. A unit granted an extension is counted
 * against its own deadline (the few extended units are read one by one).
 */
async function cycleTotals(ctx: Context, loaded: LoadedPlan, now: number) {
  const { cycleId } = loaded.plan;
  const [counters, extensions] = await Promise.all([ctx.repo.getCycleTotals(cycleId), ctx.repo.listCycleExtensions(cycleId)]);
  const slots = loaded.schedule.phases.flatMap((p) => p.deliverables);
  const units = loaded.plan.units.length;
  const sent = (id: string) => (counters.firstVersions[id]?.onTime ?? 0) + (counters.firstVersions[id]?.late ?? 0);
  let missing = slots.filter((d) => !isOnTime(now, d.dueAt)).reduce((n, d) => n + units - sent(d.deliverableId), 0);
  const byUnit = new Map<string, Extension[]>();
  for (const e of extensions) byUnit.set(e.unitId, [...(byUnit.get(e.unitId) ?? []), e]);
  const differs: Array<{ unitId: string; deliverableId: string; pastForUnit: boolean }> = [];
  for (const [unitId, own] of byUnit) {
    const mine = scheduleWith(loaded, own).phases.flatMap((p) => p.deliverables);
    for (const d of slots) {
      const pastForUnit = !isOnTime(now, mine.find((m) => m.deliverableId === d.deliverableId)!.dueAt);
      if (pastForUnit !== !isOnTime(now, d.dueAt)) differs.push({ unitId, deliverableId: d.deliverableId, pastForUnit });
    }
  }
  // Only a unit that sent nothing changes the count: counted missing against the plan's deadline, not its own, or the reverse.
  const sentAlready = await Promise.all(differs.map((x) => ctx.repo.getDeliverableStatus(cycleId, x.unitId, x.deliverableId)));
  differs.forEach((x, i) => {
    if (!sentAlready[i]) missing += x.pastForUnit ? 1 : -1;
  });
  const sum = (key: 'onTime' | 'late') => Object.values(counters.firstVersions).reduce((n, t) => n + t[key], 0);
  return { units, submittedOnTime: sum('onTime'), submittedLate: sum('late'), missing, qualified: counters.outcomes.qualified ?? 0 };
}

/**
 * The city's dashboard, one page of units at a time (plan order): each unit by phase (status, on time /
 * late / missing, days overdue, reminders sent) and its review, built from the unit's own facts (one read
 * per unit), with the whole cycle's totals from counters. `cursor` is the last unit of the previous page
 * (`page.next`); a filter keeps the units of the page that match, so a filtered page may hold fewer than
 * `limit` rows: follow `page.next` until it is null.
 */
export async function dashboard(ctx: Context, input: { cycleId: string; cursor?: string | null; limit?: number; filter?: DashboardFilter }) {
  const loaded = await ctx.loadPlan(input.cycleId);
  const { cycleId } = input;
  const limit = Math.min(Math.max(1, input.limit ?? DASHBOARD_PAGE.default), DASHBOARD_PAGE.max);
  const cursor = input.cursor ?? null;
  if (cursor !== null && !loaded.units.has(cursor)) {
    throw new ValidationError([
      makeProblem('cursor', 'unknown-cursor', { zh: `分页游标“${cursor}”不是本周期的单位，请从第一页重新读取`, en: `the cursor "${cursor}" is not a unit of this cycle; start again from the first page` }),
    ]);
  }
  const now = ctx.clock.now();
  const [page, totals] = await Promise.all([ctx.repo.listUnits(cycleId, cursor, limit), cycleTotals(ctx, loaded, now)]);
  const [facts, inspections] = await Promise.all([
    Promise.all(page.items.map((u) => ctx.repo.readUnitFacts(cycleId, u.id))),
    Promise.all(page.items.map((u) => unitInspectionGlance(ctx, loaded, u.id))),
  ]);
  const rows = page.items.map((unit, i) => ({ ...unitRow(loaded, unit, facts[i], now), inspection: inspections[i] }));
  return {
    cycleId,
    title: loaded.plan.title,
    now: beijing(new Date(now).toISOString()),
    targets: loaded.plan.targets,
    levels: levelsView(loaded.plan),
    totals,
    page: { cursor, limit, filter: input.filter ?? null, unitsRead: rows.length, next: page.cursor },
    units: rows.filter((r) => matches(r, input.filter)),
  };
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
    v.documents.map(async (d) => {
      const link = { key: d.key, fileName: d.fileName, contentType: d.contentType, expiresInSeconds: DOWNLOAD_LINK_SECONDS };
      return {
        uploadId: d.uploadId,
        fileName: d.fileName,
        contentType: d.contentType,
        size: d.size,
        sha256: d.sha256,
        downloadUrl: await ctx.documents.downloadUrl(link),
        // A PDF is read in the page; other types (Word, images…) are downloaded.
        viewUrl: d.contentType === 'application/pdf' ? await ctx.documents.downloadUrl({ ...link, inline: true }) : null,
        linkExpiresAt: beijing(expiresAt),
      };
    }),
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
