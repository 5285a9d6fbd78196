/**
 * The cycle as a whole: store and start it, register it when its execution begins, start one execution
 * per unit, generate the year's documents, forward the qualifying units to the province, close it.
 */
import { createHash } from 'node:crypto';
import { ValidationError } from '../errors';
import { validatePlan } from '../plan/validate';
import type { Schedule } from '../plan/schedule-schema';
import { unitSchedule, type Context } from './context';
import type { Plan, Unit } from '../plan/schema';
import type { CycleRecord } from '../model';
import { fromAddress, templates } from '../notifier/templates';
import { inspectionStandings, qualifiesForList } from './inspection-results';
import { forwardedDocuments, storeYearDocuments } from './year-documents';

/** Canonical JSON (sorted keys) so the same plan always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The plan's fingerprint: a cycle runs the one plan with this hash (storePlan refuses another). */
export const planHashOf = (plan: Plan) => createHash('sha256').update(canonicalJson(plan)).digest('hex');

/**
 * Whether `plan` is the plan stored for its cycle. The stored hash was taken after the schema of its day
 * filled in the defaults; a field added to the schema since (review.signingDays, say) gives the same file
 * another hash today. So a differing hash is checked again on the stored plan read with today's schema:
 * the same plan then, and a restart after a deployment is not refused as "another plan".
 */
export async function isStoredPlan(ctx: Context, stored: CycleRecord, planHash: string): Promise<boolean> {
  if (stored.planHash === planHash) return true;
  const kept = await ctx.repo.getPlan(stored.cycleId);
  const today = kept ? validatePlan(kept) : null;
  return !!today?.ok && planHashOf(today.plan) === planHash;
}

/**
 * Primary course: validate the plan (nothing is stored or started if it fails), store it (refusing a
 * different plan under the same cycle id), start the cycle's execution under a name derived from the
 * cycle id. Starting again with the same plan is a no-op; `executionName` starts a new run (a restart).
 */
export async function startCycle(ctx: Context, input: { plan: unknown; startedBy: string; executionName?: string }) {
  const result = validatePlan(input.plan);
  if (!result.ok) throw new ValidationError(result.problems, { zh: '工作计划有误，未启动', en: 'the plan is invalid; nothing was started' });
  const plan = result.plan;
  let planHash = planHashOf(plan);
  // The same plan as stored under an older schema: keep the stored record (and its hash) as it is.
  const existing = await ctx.repo.getCycle(plan.cycleId);
  if (existing && existing.planHash !== planHash && (await isStoredPlan(ctx, existing, planHash))) planHash = existing.planHash;
  const stored = await ctx.repo.storePlan(plan, planHash, ctx.nowIso());
  const executionName = input.executionName ?? plan.cycleId;
  const started = await ctx.workflow.startCycle(executionName, { cycleId: plan.cycleId });
  // Keyed by the plan, and written when the plan was already stored too: a start retried after a failure
  // between storing and auditing still records it, once.
  await ctx.repo.appendAudit({
    cycleId: plan.cycleId, unitId: null, at: ctx.nowIso(), actor: input.startedBy, role: 'city',
    action: 'start-cycle', what: { planHash, executionName, units: plan.units.length }, key: `start-cycle#${planHash}`,
  });
  return { cycleId: plan.cycleId, planHash, executionName, stored, started, warnings: result.warnings };
}

export async function registerCycle(ctx: Context, input: { cycleId: string; executionName: string }) {
  const loaded = await ctx.loadPlan(input.cycleId);
  await ctx.repo.setCycleStatus(input.cycleId, 'running', ctx.nowIso(), { executionName: input.executionName });
  // Dates in a year whose official calendar is not out yet count Monday to Friday: tell the city office, once.
  const { plan } = loaded;
  const missing = loaded.days.calendar.unpublishedYears(plan.phases[0].opens, plan.forwardToProvince.on);
  if (missing.length) {
    const to = plan.city.email;
    await ctx.notifier.send({
      cycleId: plan.cycleId, unitId: null, kind: 'calendar-warning', milestone: missing.join('-'), recipient: to,
      email: { from: fromAddress(plan), to, cc: [], ...templates.calendarWarning(plan, missing, ctx.clock.now()) },
    });
  }
  return { schedule: loaded.schedule, unitCount: loaded.plan.units.length };
}

/**
 * AWS caps execution names at 80 characters of [A-Za-z0-9-_]. `suffix` names a restart of the unit's
 * execution (`-x1` after its first extension); a name too long keeps the unit id and the suffix whole.
 */
export function unitExecutionName(parentExecutionName: string, unitId: string, suffix = ''): string {
  const base = `${parentExecutionName}--${unitId}`;
  const name = `${base}${suffix}`;
  if (name.length <= 80) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 10);
  return `${base.slice(0, 80 - 11 - unitId.length - 2 - suffix.length)}-${hash}--${unitId}${suffix}`;
}

export const UNIT_START_PAGE = 100;

/**
 * Starts one execution per unit, a page at a time, so the cycle's own history stays small whatever the
 * number of units. Names are derived from the parent's, so a retried page starts nothing twice. A unit
 * with extensions (a restarted cycle) starts with its own schedule; each unit's execution name is recorded
 * (an extension stops it and starts the next).
 */
export async function startUnitWorkflows(
  ctx: Context,
  input: { cycleId: string; executionName: string; schedule: Schedule; cursor: string | null },
) {
  const page = await ctx.repo.listUnits(input.cycleId, input.cursor, UNIT_START_PAGE);
  let started = 0;
  let loaded: Awaited<ReturnType<Context['loadPlan']>> | undefined;
  for (const unit of page.items) {
    const extensions = await ctx.repo.listExtensions(input.cycleId, unit.id);
    loaded ??= extensions.length ? await ctx.loadPlan(input.cycleId) : undefined;
    const schedule = loaded && extensions.length ? unitSchedule(loaded, extensions) : input.schedule;
    const name = unitExecutionName(input.executionName, unit.id);
    const r = await ctx.workflow.startUnit(name, { cycleId: input.cycleId, unitId: unit.id, schedule });
    // A retried page must not point the unit back at a name an extension has since replaced.
    if (r === 'started' || (await ctx.repo.getUnitRun(input.cycleId, unit.id)) === null) await ctx.repo.setUnitRun(input.cycleId, unit.id, name);
    if (r === 'started') started++;
  }
  return { started, cursor: page.cursor };
}

/**
 * The list that goes up, recorded once: the review's outcome, then the cross-inspection (the one rule,
 * ./inspection-results.ts qualifiesForList). The first record stands: GenerateYearDocuments records it,
 * ForwardToProvince and any re-run get the same list (and the same forwardedAt, which dates the documents).
 */
async function recordList(ctx: Context, cycleId: string, plan: Plan) {
  const outcomes = new Map((await ctx.repo.listOutcomes(cycleId)).map((o) => [o.unitId, o.outcome]));
  const qualified: Unit[] = [];
  const notQualified: Unit[] = [];
  const standings = await inspectionStandings(ctx, cycleId);
  for (const u of plan.units) (qualifiesForList(outcomes.get(u.id), standings.get(u.id)?.standing) ? qualified : notQualified).push(u);
  return ctx.repo.recordForwarding({
    cycleId, qualified: qualified.map((u) => u.id), notQualified: notQualified.map((u) => u.id), forwardedAt: ctx.nowIso(),
  });
}

/**
 * GenerateYearDocuments (its own task, before ForwardToProvince; no mail): records the list, then stores and
 * records every document not recorded yet (./year-documents.ts). A retry, or a run after a killed attempt,
 * makes only what is missing, with the same bytes.
 */
export async function generateYearDocuments(ctx: Context, input: { cycleId: string }) {
  const loaded = await ctx.loadPlan(input.cycleId);
  const record = await recordList(ctx, input.cycleId, loaded.plan);
  const before = (await ctx.repo.listCycleDocuments(input.cycleId)).length;
  const documents = await storeYearDocuments(ctx, record);
  return { documents: documents.length, generated: documents.length - before };
}

export async function forwardToProvince(ctx: Context, input: { cycleId: string }) {
  const loaded = await ctx.loadPlan(input.cycleId);
  // GenerateYearDocuments recorded it: this returns that record (the same list, whatever changed since).
  const record = await recordList(ctx, input.cycleId, loaded.plan);
  // What GenerateYearDocuments recorded; missing ones made here only for a small cycle, else a loud failure.
  const documents = await forwardedDocuments(ctx, record, loaded.plan);
  // The superior gets the workbook and the report; the 通报批评 drafts are the city office's own (portal 文件).
  const enclosed = documents.filter((d) => d.kind !== 'criticism-draft');
  const byId = loaded.units;
  const mail = templates.provinceForwarding(
    loaded.plan, record.qualified.map((id) => byId.get(id)!), record.notQualified.map((id) => byId.get(id)!), ctx.clock.now(), enclosed,
  );
  // Refused for good: the notifier reports it to the city office, which sends the list another way; the
  // forwarding record stands and the cycle closes.
  const notice = await ctx.notifier.send({
    cycleId: input.cycleId, unitId: null, kind: 'province-forwarding', milestone: 'preliminary-review', recipient: loaded.plan.province.email,
    email: { from: fromAddress(loaded.plan), to: loaded.plan.province.email, cc: [loaded.plan.city.email], ...mail },
  });
  await ctx.repo.setCycleStatus(input.cycleId, 'forwarded', ctx.nowIso());
  // The documents stay out of the task's output (forwardToProvinceOutput): at 2,800 units with drafts they
  // would outgrow the state's 256 KB; their records are where to find them.
  return { qualified: record.qualified, notQualified: record.notQualified, notice };
}

export async function closeCycle(ctx: Context, input: { cycleId: string }) {
  const loaded = await ctx.loadPlan(input.cycleId);
  const outcomes = new Map((await ctx.repo.listOutcomes(input.cycleId)).map((o) => [o.unitId, o.outcome as string]));
  await ctx.repo.setCycleStatus(input.cycleId, 'closed', ctx.nowIso());
  return { outcomes: Object.fromEntries(loaded.plan.units.map((u) => [u.id, outcomes.get(u.id) ?? 'undecided'])) };
}
