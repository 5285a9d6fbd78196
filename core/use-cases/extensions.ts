/**
 * The city office grants one unit an extension (延期) for one deliverable: every later reminder and
 * escalation of that unit moves with the new deadline, and the grant is recorded.
 *
 * Primary course: check the request against the plan and the unit's current deadline, and that the unit's
 * outcome is not recorded yet (else ReviewClosedError, a 409, for any deliverable); record the extension
 * (all are kept, the newest wins); audit it; email the unit office (its leader in copy); then restart the
 * unit's execution with a schedule derived with its extensions: stop the current one, start `<name>-x<n>`.
 * Every wait of an execution is an absolute instant and every task is idempotent (the ledger), so the new
 * execution re-reaches the same point without sending anything twice; the ledger keys of reminders and
 * escalations name the last day, so the reminders before the new deadline go out.
 */
import { ValidationError } from '../errors';
import { isRosterDeliverable } from '../plan/roster-deliverable';
import { planDays } from '../plan/schedule';
import { inspectionOf } from '../plan/validate-inspection';
import type { Extension } from '../model';
import { fromAddress, templates } from '../notifier/templates';
import { dayEnd, isCalendarDate, localDateOf, toUtcInstant } from '../time';
import { makeProblem } from '../validation';
import { unitExecutionName } from './cycle';
import { reviewClosed } from './review-record';
import { unitSchedule, type Context } from './context';

export interface GrantExtensionInput {
  cycleId: string;
  unitId: string;
  deliverableId: string;
  /** The new last day, YYYY-MM-DD in Beijing. */
  lastDay: string;
  grantedBy: string;
  reason: string;
}

export async function grantExtension(ctx: Context, input: GrantExtensionInput) {
  const loaded = await ctx.loadPlan(input.cycleId);
  const { plan } = loaded;
  const problems: ReturnType<typeof makeProblem>[] = [];
  const unit = loaded.units.get(input.unitId);
  const inPlan = loaded.deliverables.get(input.deliverableId);
  if (!unit) problems.push(makeProblem('unitId', 'unknown-unit', { zh: `单位 ${input.unitId} 不在本周期的计划中`, en: `unit ${input.unitId} is not in this cycle's plan` }));
  if (!inPlan) {
    problems.push(
      makeProblem('deliverableId', 'unknown-deliverable', { zh: `计划中没有报送材料 ${input.deliverableId}`, en: `the plan has no deliverable ${input.deliverableId}` }),
    );
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.lastDay) || !isCalendarDate(input.lastDay)) {
    problems.push(makeProblem('lastDay', 'date', { zh: '应为有效日期（YYYY-MM-DD）', en: 'must be a real date (YYYY-MM-DD)' }));
  }
  if (!input.reason.trim()) problems.push(makeProblem('reason', 'required', { zh: '必填', en: 'is required' }));
  const now = ctx.clock.now();
  const review = loaded.schedule.review;
  if (now > Date.parse(review.closesAt)) {
    problems.push(makeProblem('', 'review-closed', { zh: '初评阶段已结束，不能再延期', en: 'the preliminary review has closed; no extension can be granted' }));
  }
  if (problems.length) throw invalid(problems);
  // Once the unit's outcome is recorded its cycle is settled: the outcome stands (first wins) and goes to the
  // province, so moving any deadline, the report's or an earlier phase's, would only restart the execution
  // to send notices about work that no longer counts.
  const outcome = await ctx.repo.getOutcome(input.cycleId, unit!.id);
  if (outcome) throw reviewClosed('extend', outcome, review.closesAt);

  const current = await ctx.deadlineFor(loaded, unit!.id, inPlan!.deliverable.id);
  const reviewLastDay = localDateOf(review.closesAt);
  // The same grant again (a retry after a failed restart, a double click) redoes the notice and the
  // restart, both idempotent, and records nothing new.
  const newest = (await ctx.repo.listExtensions(input.cycleId, unit!.id)).filter((e) => e.deliverableId === inPlan!.deliverable.id).at(-1);
  const repeat = newest?.lastDay === input.lastDay;
  if (!repeat && input.lastDay <= current.lastDay) {
    problems.push(
      makeProblem('lastDay', 'not-later', {
        zh: `应晚于现行截止日 ${current.lastDay}`,
        en: `must be after the current last day, ${current.lastDay}`,
      }),
    );
  } else if (input.lastDay > reviewLastDay) {
    problems.push(
      makeProblem('lastDay', 'after-review', { zh: `不能晚于初评结束日 ${reviewLastDay}`, en: `must not be after the review's last day, ${reviewLastDay}` }),
    );
  }
  // The roster registration (core/plan/roster-deliverable.ts): the sample is drawn from the roster registered at its
  // window's draw, so its deadline may not move to the window (the plan's own rule, inspection.roster-due-after-window).
  const window = isRosterDeliverable(current.deliverable.id) ? inspectionOf(plan, unit!.id)?.window : undefined;
  // Compared as the schedule will have it: a last day on a day off may move to the window's first day.
  if (!repeat && window && planDays(plan).extendedLastDay(input.lastDay) >= window.opens) {
    problems.push(
      makeProblem('lastDay', 'roster.after-draw', {
        zh: `名单登记截止日应早于该单位的检查时段开始日 ${window.opens}：抽样使用届时已登记的名单`,
        en: `must be before the unit's inspection window opens on ${window.opens}: the draw uses the roster registered by then`,
      }),
    );
  }
  if (problems.length) throw invalid(problems);

  const extension: Extension = repeat
    ? newest
    : {
        cycleId: input.cycleId,
        unitId: unit!.id,
        deliverableId: current.deliverable.id,
        lastDay: input.lastDay,
        previousLastDay: current.lastDay,
        grantedBy: input.grantedBy,
        grantedAt: ctx.nowIso(),
        reason: input.reason,
      };
  if (!repeat) await ctx.repo.grantExtension(extension);
  // Keyed by the grant and written on a repeat too: a retry after a failure between the two writes loses nothing.
  await ctx.repo.appendAudit({
    cycleId: input.cycleId, unitId: unit!.id, at: extension.grantedAt, actor: extension.grantedBy, role: 'city', action: 'extend',
    what: { deliverableId: extension.deliverableId, lastDay: extension.lastDay, previousLastDay: extension.previousLastDay },
    why: extension.reason,
    key: `extend#${unit!.id}#${extension.deliverableId}#${extension.grantedAt}`,
  });

  const extensions = await ctx.repo.listExtensions(input.cycleId, unit!.id);
  const schedule = unitSchedule(loaded, extensions);
  const slot = schedule.phases.flatMap((p) => p.deliverables).find((d) => d.deliverableId === extension.deliverableId)!;
  const previousDueAt = repeat ? toUtcInstant(dayEnd(extension.previousLastDay)) : current.dueAt;
  const mail = templates.extensionGranted(plan, unit!, current.deliverable, previousDueAt, slot.dueAt, extension.reason, now);
  const notice = await ctx.notifier.send({
    cycleId: input.cycleId, unitId: unit!.id, kind: 'extension', milestone: `${extension.deliverableId}#${extension.lastDay}`,
    recipient: unit!.office.email, contact: 'office', email: { from: fromAddress(plan), to: unit!.office.email, cc: [unit!.leader.email], ...mail },
  });

  // Before the cycle registered there is no unit execution yet: startUnitWorkflows will start it with this schedule.
  const parent = (await ctx.repo.getCycle(input.cycleId))?.executionName;
  let restart: { stopped: string; stoppedStatus: 'stopped' | 'not-running'; started: string } | null = null;
  if (parent) {
    const running = (await ctx.repo.getUnitRun(input.cycleId, unit!.id)) ?? unitExecutionName(parent, unit!.id);
    const name = unitExecutionName(parent, unit!.id, `-x${extensions.length}`);
    // Start the new run before stopping the old one: a failure in between leaves the unit with a running
    // execution (the ledger keeps the two from sending anything twice), never with none.
    await ctx.workflow.startUnit(name, { cycleId: input.cycleId, unitId: unit!.id, schedule });
    await ctx.repo.setUnitRun(input.cycleId, unit!.id, name);
    const stoppedStatus = running === name ? 'not-running' : await ctx.workflow.stopUnit(running, 'extension granted');
    restart = { stopped: running, stoppedStatus, started: name };
  }
  return { extension, dueAt: slot.dueAt, lastDay: slot.lastDay, notice, restart };
}

const invalid = (problems: ReturnType<typeof makeProblem>[]) =>
  new ValidationError(problems, { zh: '延期申请有误，未予记录', en: 'the extension is invalid; nothing was recorded' });
