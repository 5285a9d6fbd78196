/**
 * The city's preliminary review (初评) of one unit, as the unit's execution drives it: wait for the
 * self-assessment report, wait for the city's decision, on "returned" issue a rectification notice
 * (限期整改) with its own deadline and wait for the resubmission, then record the outcome.
 *
 * The waits are Step Functions callbacks. Each callback task stores its token server-side (it never
 * leaves the backend) and then checks whether what it waits for already happened; if so it completes
 * its own token. The submit and decide use cases do the same from the other side. Whoever comes second
 * finds the token already completed ('gone') and does nothing. This also makes a restarted execution
 * pick up decisions and submissions made before the restart.
 */
import { DecisionConflictError, NotFoundError } from '../errors';
import type { ReviewDecision, ReviewOutcome, UnitOutcomeStatus } from '../model';
import { fromAddress, templates } from '../notifier/templates';
import { dayEnd, localDateOf, secondsUntil, toUtcInstant } from '../time';
import type { Context, LoadedPlan } from './context';
import { escalationLadder } from '../plan/schedule';
import type { EscalationSlot } from '../plan/schedule-schema';

/**
 * The rectification deadline (限期整改) of a returned round: the end of the N-th day (as the plan counts
 * days) after the decision, never past the review's end; and the escalation ladder that follows it.
 * Derived from the stored decision time, so every re-run computes the same.
 */
export function rectificationDeadline(loaded: LoadedPlan, decidedAt: string): { deadline: string; lastDay: string; escalations: EscalationSlot[] } {
  const { review, forwardAt } = loaded.schedule;
  // The same rule as every deadline: one on a day off moves to the next working day (unless the plan keeps it).
  const day = loaded.days.extendedLastDay(loaded.days.add(localDateOf(decidedAt), review.rectificationDays));
  const end = toUtcInstant(dayEnd(day));
  const [deadline, lastDay] = end < review.closesAt ? [end, day] : [review.closesAt, localDateOf(review.closesAt)];
  // Rungs after the list has gone to the province would come too late to matter: the outcome is recorded.
  const escalations = escalationLadder(loaded.plan, loaded.days, lastDay).filter((e) => e.at < forwardAt);
  return { deadline, lastDay, escalations };
}

export async function prepareReviewStep(
  ctx: Context,
  input: { cycleId: string; unitId: string; step: 'await-submission' | 'await-decision'; round: number },
) {
  const loaded = await ctx.loadPlan(input.cycleId);
  ctx.unitOf(loaded, input.unitId);
  const deadline = loaded.schedule.review.closesAt;
  return { round: input.round, timeoutSeconds: secondsUntil(ctx.clock.now(), deadline), deadline };
}

export async function awaitSubmission(
  ctx: Context,
  input: { cycleId: string; unitId: string; afterVersion: number; taskToken: string },
) {
  const loaded = await ctx.loadPlan(input.cycleId);
  ctx.unitOf(loaded, input.unitId);
  const deliverableId = loaded.schedule.review.deliverableId;
  await ctx.repo.putWaitToken({
    cycleId: input.cycleId, unitId: input.unitId, kind: 'submission', key: deliverableId,
    token: input.taskToken, afterVersion: input.afterVersion, storedAt: ctx.nowIso(),
  });
  const status = await ctx.repo.getDeliverableStatus(input.cycleId, input.unitId, deliverableId);
  if (status && status.latestVersion > input.afterVersion) {
    const r = await ctx.workflow.completeTask(input.taskToken, { version: status.latestVersion, onTime: status.latestOnTime ?? status.onTime });
    return { waiting: false, completed: r };
  }
  return { waiting: true };
}

export async function requestReview(
  ctx: Context,
  input: { cycleId: string; unitId: string; round: number; version: number; taskToken: string },
) {
  const loaded = await ctx.loadPlan(input.cycleId);
  ctx.unitOf(loaded, input.unitId);
  await ctx.repo.putWaitToken({
    cycleId: input.cycleId, unitId: input.unitId, kind: 'review', key: String(input.round),
    token: input.taskToken, afterVersion: input.version, storedAt: ctx.nowIso(),
  });
  const decision = await ctx.repo.getDecision(input.cycleId, input.unitId, input.round);
  if (decision) {
    const r = await ctx.workflow.completeTask(input.taskToken, { round: decision.round, outcome: decision.outcome });
    return { waiting: false, completed: r };
  }
  return { waiting: true };
}

/**
 * The city office decides a review round. A decision is written once: repeating the same decision
 * returns the recorded one; a different decision on a decided round is a DecisionConflictError naming
 * who decided and when. If the workflow's task already timed out or finished, the decision is still
 * recorded and the answer says so plainly.
 */
export async function decideReview(
  ctx: Context,
  input: { cycleId: string; unitId: string; round: number; outcome: ReviewOutcome; reason?: string; decidedBy: string },
) {
  const loaded = await ctx.loadPlan(input.cycleId);
  ctx.unitOf(loaded, input.unitId);
  const waiting = await ctx.repo.getWaitToken(input.cycleId, input.unitId, 'review', String(input.round));
  if (!waiting) {
    throw new NotFoundError(
      { zh: `第 ${input.round} 轮初评尚未开始，无法决定`, en: `review round ${input.round} has not started; nothing to decide` },
      { round: input.round },
    );
  }
  const decision: ReviewDecision = {
    cycleId: input.cycleId, unitId: input.unitId, round: input.round, version: waiting.afterVersion,
    outcome: input.outcome, reason: input.reason, decidedBy: input.decidedBy, decidedAt: ctx.nowIso(),
  };
  const stored = await ctx.repo.recordDecision(decision);
  if (!stored.recorded && (stored.decision.outcome !== input.outcome || stored.decision.decidedBy !== input.decidedBy)) {
    throw new DecisionConflictError(
      {
        zh: `第 ${input.round} 轮初评已由 ${stored.decision.decidedBy} 于 ${stored.decision.decidedAt} 作出决定`,
        en: `review round ${input.round} was already decided by ${stored.decision.decidedBy} at ${stored.decision.decidedAt}`,
      },
      { decision: stored.decision },
    );
  }
  if (stored.recorded) {
    await ctx.repo.appendAudit({
      cycleId: input.cycleId, unitId: input.unitId, at: decision.decidedAt, actor: input.decidedBy, role: 'city',
      action: 'decide', what: { round: input.round, version: decision.version, outcome: input.outcome }, why: input.reason,
    });
  }
  const task = await ctx.workflow.completeTask(waiting.token, { round: input.round, outcome: stored.decision.outcome });
  return { decision: stored.decision, repeated: !stored.recorded, workflow: task === 'completed' ? 'continued' : 'task-already-closed' };
}

export async function issueRectification(ctx: Context, input: { cycleId: string; unitId: string; round: number }) {
  const loaded = await ctx.loadPlan(input.cycleId);
  const unit = ctx.unitOf(loaded, input.unitId);
  const decision = await ctx.repo.getDecision(input.cycleId, input.unitId, input.round);
  if (!decision || decision.outcome !== 'returned') {
    throw new NotFoundError(
      { zh: `第 ${input.round} 轮没有退回整改的决定`, en: `round ${input.round} has no decision to return for rectification` },
      { round: input.round },
    );
  }
  const { review } = loaded.schedule;
  const now = ctx.clock.now();
  if (input.round >= review.maxRounds) {
    return { returnedRound: input.round, round: input.round + 1, exhausted: true, timeoutSeconds: 1, deadline: review.closesAt, escalations: [] };
  }
  const { deadline, escalations } = rectificationDeadline(loaded, decision.decidedAt);
  const { deliverable } = ctx.deliverableOf(loaded, review.deliverableId);
  const mail = templates.rectification(loaded.plan, unit, deliverable, decision.reason, deadline, now);
  await ctx.notifier.send({
    cycleId: input.cycleId, unitId: unit.id, kind: 'rectification', milestone: `round-${input.round}`, recipient: unit.office.email,
    email: { from: fromAddress(loaded.plan), to: unit.office.email, cc: [unit.leader.email], ...mail },
  });
  return { returnedRound: input.round, round: input.round + 1, exhausted: false, timeoutSeconds: secondsUntil(now, deadline), deadline, escalations };
}

export async function recordOutcome(ctx: Context, input: { cycleId: string; unitId: string; outcome: UnitOutcomeStatus }) {
  const loaded = await ctx.loadPlan(input.cycleId);
  const unit = ctx.unitOf(loaded, input.unitId);
  const r = await ctx.repo.recordOutcome(input.cycleId, unit.id, input.outcome, ctx.nowIso());
  const mail = templates.outcome(loaded.plan, unit, r.outcome, ctx.clock.now());
  await ctx.notifier.send({
    cycleId: input.cycleId, unitId: unit.id, kind: 'outcome', milestone: 'preliminary-review', recipient: unit.office.email,
    email: { from: fromAddress(loaded.plan), to: unit.office.email, cc: [unit.leader.email], ...mail },
  });
  return { outcome: r.outcome, recorded: r.recorded };
}
