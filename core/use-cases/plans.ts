/**
 * The year, from the city office's side: check a plan before starting it, then start the cycle from it.
 *
 * Primary course: the city office loads its plan file -> checkPlan answers the validator's problems and
 * warnings (path, rule, message), whether the plan is the office's own and its cycle id free, and, for a
 * plan that can start, the timeline of its year; nothing is stored -> the office starts it ->
 * startCycleFromPlan checks the same again and calls startCycle (store the plan, start the YearlyCycle
 * execution, audit), so the same plan again starts nothing twice.
 *
 * Whose plan it is. A deployment runs one office's cycles: its user pool's `city-office` group is that
 * office's staff (the token says no more than the group), and GET /cycles shows them every stored cycle.
 * So a city user's office is the office that runs the cycles already stored (`city.office` of their
 * plans), and a plan run by another office is refused (rule `plan.office`): starting it would mail that
 * office's counties in its name and put its cycle in this office's list. The first plan names the office.
 */
import { PlanConflictError, PlanOfficeError, ValidationError } from '../errors';
import type { Actor, CycleRecord } from '../model';
import { isRosterDeliverable } from '../plan/roster-deliverable';
import type { Plan } from '../plan/schema';
import { planTimeline } from '../plan/timeline';
import { validatePlan } from '../plan/validate';
import { localDateOf, toUtcInstant } from '../time';
import { makeProblem, type Problem } from '../validation';
import type { Context } from './context';
import { isStoredPlan, planHashOf, startCycle } from './cycle';
import { beijing, levelsView } from './view-parts';

export const PLAN_OFFICE_RULE = 'plan.office';
export const PLAN_CONFLICT_RULE = 'cycle.plan-conflict';
export const PLAN_PAST_DEADLINE_RULE = 'plan.deadline-passed';
export const CYCLE_ENDED_RULE = 'cycle.ended';

/**
 * A new cycle whose deadlines have passed would not wait for them: every wait whose instant is past goes on
 * at once, so each unit would get, within minutes, the escalations of a deadline it never saw and a
 * "not submitted" outcome. Such a plan is refused until its dates are this year's. (A restart of a stored
 * cycle is another thing: it catches up on purpose, and goes through `cycle --restart`, not here.)
 */
function pastDeadlineProblems(plan: Plan, now: string): Problem[] {
  const t = planTimeline(plan);
  return t.deadlines
    .filter((d) => d.dueAt < now)
    .map((d) => {
      const due = beijing(d.dueAt);
      const i = plan.phases.findIndex((p) => p.kind === d.phase);
      const j = plan.phases[i].deliverables.findIndex((x) => x.id === d.deliverableId);
      // The roster registration is due by the plan's rosterRegistration, not one of the phase's deliverables.
      const at = isRosterDeliverable(d.deliverableId) ? 'rosterRegistration.due.date' : `phases[${i}].deliverables[${j}].due.date`;
      return makeProblem(at, PLAN_PAST_DEADLINE_RULE, {
        zh: `“${d.name}”的截止时间 ${due.zh} 已过：新启动的周期会立即对各单位按逾期督办并记为未报送，请改为今后的日期`,
        en: `the deadline of "${d.nameEn}", ${due.en}, has passed: a cycle started now would at once escalate every unit as late and record it as not submitted; give a date still to come`,
      });
    });
}

/** A cycle already forwarded or closed is not started again (Step Functions frees an execution's name 90 days after it ends). */
function endedProblem(plan: Plan, stored: CycleRecord): Problem | null {
  if (stored.status !== 'forwarded' && stored.status !== 'closed') return null;
  return makeProblem('cycleId', CYCLE_ENDED_RULE, {
    zh: `周期 ${plan.cycleId} 已结束（${stored.status === 'closed' ? '已关闭' : '已上报'}），不再启动；新的一年请另取 cycleId`,
    en: `cycle ${plan.cycleId} has ended (${stored.status}) and is not started again; give a new year's plan its own cycleId`,
  });
}

/** The offices running the stored cycles (one, unless the operator's script stored others). */
async function runningOffices(ctx: Context): Promise<Set<string>> {
  const offices = new Set<string>();
  for (const c of await ctx.repo.listCycles()) offices.add((await ctx.loadPlan(c.cycleId)).plan.city.office);
  return offices;
}

function officeProblem(plan: Plan, offices: ReadonlySet<string>): Problem | null {
  if (offices.size === 0 || offices.has(plan.city.office)) return null;
  const ours = [...offices].join('、');
  return makeProblem('city.office', PLAN_OFFICE_RULE, {
    zh: `组织实施单位“${plan.city.office}”不是本平台运行工作周期的单位（${ours}）：只能校验和启动本单位的工作计划`,
    // The offices' names are Chinese plan text: the English says what is wrong without them.
    en: "the office running this plan is not the office whose cycles this platform runs; only that office's own plans may be checked and started",
  });
}

function conflictProblem(plan: Plan, stored: CycleRecord): Problem {
  const at = beijing(stored.storedAt);
  return makeProblem('cycleId', PLAN_CONFLICT_RULE, {
    zh: `周期编号 ${plan.cycleId} 已于 ${at.zh} 按另一份工作计划存储：一个周期编号只对应一份计划，请为新计划另取 cycleId`,
    en: `cycle ${plan.cycleId} was stored with another plan on ${at.en}; a cycle id holds one plan only, so give this plan a new cycleId`,
  });
}

const startedWarning = (plan: Plan, stored: CycleRecord) =>
  makeProblem('cycleId', 'cycle.started', {
    zh: `周期 ${plan.cycleId} 已按此计划于 ${beijing(stored.storedAt).zh} 存储；再次启动不会重复启动，也不会重复发送通知`,
    en: `cycle ${plan.cycleId} was stored with this very plan on ${beijing(stored.storedAt).en}; starting it again starts nothing twice and sends nothing twice`,
  });

/**
 * Checks a plan and stores nothing: its problems and warnings, and, when it can start here, the plan in
 * brief and the timeline of its year. `now` and `today` (Beijing) are the server's, for the picture's mark.
 */
export async function checkPlan(ctx: Context, input: { plan: unknown }) {
  const now = toUtcInstant(ctx.clock.now());
  const result = validatePlan(input.plan);
  const answer = { now: beijing(now), today: localDateOf(now) };
  if (!result.ok) return { ...answer, valid: false, problems: result.problems, warnings: result.warnings, plan: null, cycle: null, timeline: null };

  const plan = result.plan;
  const planHash = planHashOf(plan);
  const problems: Problem[] = [];
  const warnings = [...result.warnings];
  const office = officeProblem(plan, await runningOffices(ctx));
  if (office) problems.push(office);
  const stored = await ctx.repo.getCycle(plan.cycleId);
  const samePlan = !!stored && (await isStoredPlan(ctx, stored, planHash));
  if (stored && !samePlan) problems.push(conflictProblem(plan, stored));
  else if (stored) {
    const ended = endedProblem(plan, stored);
    if (ended) problems.push(ended);
    else warnings.push(startedWarning(plan, stored));
  } else problems.push(...pastDeadlineProblems(plan, now));
  const valid = problems.length === 0;
  return {
    ...answer,
    valid,
    problems,
    warnings,
    plan: {
      cycleId: plan.cycleId, title: plan.title, year: plan.year, city: { name: plan.city.name, office: plan.city.office }, units: plan.units.length, planHash,
      levels: levelsView(plan),
    },
    cycle: stored ? { status: stored.status, storedAt: beijing(stored.storedAt), samePlan } : null,
    timeline: valid ? timelineView(planTimeline(plan)) : null,
  };
}

/** The timeline with every instant in its Beijing forms. */
function timelineView(t: ReturnType<typeof planTimeline>) {
  return {
    ...t,
    phases: t.phases.map((p) => ({ ...p, opensAt: beijing(p.opensAt), closesAt: beijing(p.closesAt) })),
    deadlines: t.deadlines.map((d) => ({ ...d, dueAt: beijing(d.dueAt) })),
    review: { ...t.review, opensAt: beijing(t.review.opensAt), closesAt: beijing(t.review.closesAt) },
    forwarding: { ...t.forwarding, at: beijing(t.forwarding.at) },
  };
}

/**
 * Starts the cycle of a plan for the city office. Refused, with nothing stored or started: an invalid plan
 * (400, the validator's problems), a new plan with a deadline already past (400, `plan.deadline-passed`),
 * another office's plan (403, `plan.office`), a cycle id that holds another plan (409,
 * `cycle.plan-conflict`, with when it was stored), a cycle that has ended (409, `cycle.ended`). The same plan
 * again, while its cycle runs, is a no-op.
 */
export async function startCycleFromPlan(ctx: Context, input: { plan: unknown; actor: Actor }) {
  const result = validatePlan(input.plan);
  if (!result.ok) throw new ValidationError(result.problems, { zh: '工作计划有误，未启动', en: 'the plan is invalid; nothing was started' });
  const plan = result.plan;
  const office = officeProblem(plan, await runningOffices(ctx));
  if (office) throw new PlanOfficeError([office], { zh: '不是本单位的工作计划，未启动', en: "not this office's plan; nothing was started" });
  const stored = await ctx.repo.getCycle(plan.cycleId);
  if (stored && !(await isStoredPlan(ctx, stored, planHashOf(plan)))) {
    const { message } = conflictProblem(plan, stored);
    // storePlan refuses it too (a race): this answer says when, and which rule.
    throw new PlanConflictError(
      { zh: `${message.zh}（规则 ${PLAN_CONFLICT_RULE}）；未启动`, en: `${message.en} (rule ${PLAN_CONFLICT_RULE}); nothing was started` },
      { rule: PLAN_CONFLICT_RULE, cycleId: plan.cycleId, status: stored.status, storedAt: beijing(stored.storedAt).beijing },
    );
  }
  const ended = stored && endedProblem(plan, stored);
  if (ended) throw new PlanConflictError({ zh: `${ended.message.zh}（规则 ${CYCLE_ENDED_RULE}）`, en: `${ended.message.en} (rule ${CYCLE_ENDED_RULE})` }, { rule: CYCLE_ENDED_RULE, cycleId: plan.cycleId, status: stored.status });
  const past = stored ? [] : pastDeadlineProblems(plan, toUtcInstant(ctx.clock.now()));
  if (past.length) throw new ValidationError(past, { zh: '工作计划的截止时间已过，未启动', en: "the plan's deadlines have passed; nothing was started" });
  const r = await startCycle(ctx, { plan: input.plan, startedBy: input.actor.id });
  return {
    cycleId: r.cycleId,
    title: plan.title,
    executionName: r.executionName,
    planHash: r.planHash,
    /** 'stored': the plan is stored now; 'same': it was, with this very plan. */
    stored: r.stored,
    /** 'exists': the execution by this name had started already. */
    started: r.started,
    warnings: r.warnings,
  };
}
