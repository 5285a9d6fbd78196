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
import { DecisionConflictError, NotFoundError, ReviewClosedError, ValidationError } from '../errors';
import type { ItemScore, ReviewDecision, ReviewOutcome, UnitOutcomeStatus } from '../model';
import { fromAddress, templates } from '../notifier/templates';
import { addCalendarDays, atLocalTime, dayEnd, formatBeijing, localDateOf, secondsUntil, toUtcInstant } from '../time';
import { makeProblem, type Problem } from '../validation';
import type { Context, LoadedPlan } from './context';
import { escalationLadder } from '../plan/schedule';
import type { EscalationSlot } from '../plan/schedule-schema';

/**
 * The rectification deadline (限期整改) of a returned round: the last day the city set in its decision, or
 * else the end of the N-th day (as the plan counts days) after the decision; never past the review's end;
 * and the escalation ladder that follows it. Derived from the stored decision, so every re-run computes the same.
 */
export function rectificationDeadline(
  loaded: LoadedPlan,
  decision: Pick<ReviewDecision, 'decidedAt' | 'rectificationLastDay'>,
): { deadline: string; lastDay: string; escalations: EscalationSlot[] } {
  const { review, forwardAt } = loaded.schedule;
  // The same rule as every deadline: one on a day off moves to the next working day (unless the plan keeps it).
  const day = loaded.days.extendedLastDay(decision.rectificationLastDay ?? loaded.days.add(localDateOf(decision.decidedAt), review.rectificationDays));
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
 * The city office decides a review round: approve, or return for rectification (限期整改) with a reason,
 * optionally a city score and reason per rubric item, and optionally the rectification deadline's last day
 * (else the plan's rule gives it).
 *
 * Optimistic locking: the decision of a round is written once (a conditional write), so of two city users
 * deciding at once exactly one wins and the other gets a DecisionConflictError naming who decided and when.
 * Repeating the same decision returns the recorded one. A decision naming a version other than the one
 * under review is a conflict too (the county resubmitted meanwhile). Once the unit's outcome is recorded
 * (the review timed out, or it is over) a decision changes nothing: ReviewClosedError says so. If the
 * workflow's task already finished, the decision is still recorded and the answer says so plainly.
 */
export interface DecideInput {
  cycleId: string;
  unitId: string;
  round: number;
  outcome: ReviewOutcome;
  reason?: string;
  scores?: ItemScore[];
  /** For 'returned': the last day (Beijing) to rectify by. */
  rectificationLastDay?: string;
  /** The version the city reviewed; when given it must be the one under review. */
  version?: number;
  decidedBy: string;
}

export async function decideReview(ctx: Context, input: DecideInput) {
  const loaded = await ctx.loadPlan(input.cycleId);
  ctx.unitOf(loaded, input.unitId);
  const outcome = await ctx.repo.getOutcome(input.cycleId, input.unitId);
  const waiting = await ctx.repo.getWaitToken(input.cycleId, input.unitId, 'review', String(input.round));
  if (!waiting) {
    if (outcome) throw reviewClosed(outcome.outcome, outcome.recordedAt);
    throw new NotFoundError(
      { zh: `第 ${input.round} 轮初评尚未开始，无法决定`, en: `review round ${input.round} has not started; nothing to decide` },
      { round: input.round },
    );
  }
  const existing = await ctx.repo.getDecision(input.cycleId, input.unitId, input.round);
  if (!existing && outcome) throw reviewClosed(outcome.outcome, outcome.recordedAt);
  if (!existing && input.version !== undefined && input.version !== waiting.afterVersion) {
    throw new DecisionConflictError(
      {
        zh: `第 ${input.round} 轮初评针对的是第 ${waiting.afterVersion} 版，而不是第 ${input.version} 版，请刷新后再决定`,
        en: `review round ${input.round} is about version ${waiting.afterVersion}, not version ${input.version}; reload and decide again`,
      },
      { round: input.round, versionUnderReview: waiting.afterVersion },
    );
  }
  const now = ctx.nowIso();
  // A repeat is answered with the recorded decision; only a new one is checked against the rules.
  const scored = existing ? null : checkDecision(loaded, input, now);
  const decision: ReviewDecision = {
    cycleId: input.cycleId, unitId: input.unitId, round: input.round, version: waiting.afterVersion,
    outcome: input.outcome, decidedBy: input.decidedBy, decidedAt: now,
    ...(input.reason !== undefined ? { reason: input.reason } : {}),
    ...(scored ? { scores: input.scores, cityScore: scored.cityScore } : {}),
    ...(input.rectificationLastDay ? { rectificationLastDay: input.rectificationLastDay } : {}),
  };
  const stored = existing ? { recorded: false, decision: existing } : await ctx.repo.recordDecision(decision);
  if (!stored.recorded && !sameDecision(stored.decision, input)) {
    throw new DecisionConflictError(
      {
        zh: `第 ${input.round} 轮初评已由 ${stored.decision.decidedBy} 于 ${formatBeijing(stored.decision.decidedAt, 'datetime', 'zh')} 作出决定（${stored.decision.outcome === 'approved' ? '通过' : '退回整改'}）`,
        en: `review round ${input.round} was already decided by ${stored.decision.decidedBy} on ${formatBeijing(stored.decision.decidedAt, 'datetime', 'en')} (${stored.decision.outcome})`,
      },
      { decision: stored.decision },
    );
  }
  if (stored.recorded) {
    await ctx.repo.appendAudit({
      cycleId: input.cycleId, unitId: input.unitId, at: decision.decidedAt, actor: input.decidedBy, role: 'city',
      action: 'decide', what: { round: input.round, version: decision.version, outcome: input.outcome, cityScore: decision.cityScore ?? null, rectificationLastDay: decision.rectificationLastDay ?? null }, why: input.reason,
    });
  }
  const task = await ctx.workflow.completeTask(waiting.token, { round: input.round, outcome: stored.decision.outcome });
  return { decision: stored.decision, repeated: !stored.recorded, workflow: task === 'completed' ? 'continued' : 'task-already-closed' };
}

/**
 * A repeat (a retry, a double click) is the same user with the same outcome, and with the same reason,
 * scores and rectification day where the request gives them: anything else is another decision, a conflict.
 */
function sameDecision(recorded: ReviewDecision, input: DecideInput): boolean {
  const given = <T>(v: T | undefined, recordedValue: T | undefined) => v === undefined || JSON.stringify(v) === JSON.stringify(recordedValue);
  return (
    recorded.outcome === input.outcome &&
    recorded.decidedBy === input.decidedBy &&
    given(input.reason, recorded.reason) &&
    given(input.scores?.length ? input.scores : undefined, recorded.scores) &&
    given(input.rectificationLastDay, recorded.rectificationLastDay)
  );
}

function reviewClosed(outcome: string, recordedAt: string) {
  return new ReviewClosedError(
    {
      zh: `该单位的初评已于 ${formatBeijing(recordedAt, 'datetime', 'zh')} 结束（结果：${outcome}），本次决定未记录`,
      en: `this unit's review ended on ${formatBeijing(recordedAt, 'datetime', 'en')} (outcome: ${outcome}); the decision was not recorded`,
    },
    { outcome, recordedAt },
  );
}

/** The rules of a decision that depend on the plan and the day: reasons, scores within each item's maximum, the rectification day. */
function checkDecision(loaded: LoadedPlan, input: DecideInput, nowIso: string): { cityScore: number } | null {
  const problems: Problem[] = [];
  if (input.outcome === 'returned' && !input.reason?.trim()) {
    problems.push(makeProblem('reason', 'required', { zh: '退回整改须写明整改意见', en: 'a return for rectification needs a reason' }));
  }
  if (input.outcome === 'approved' && input.rectificationLastDay) {
    problems.push(makeProblem('rectificationLastDay', 'not-allowed', { zh: '通过时不设整改期限', en: 'an approval takes no rectification deadline' }));
  }
  if (input.rectificationLastDay) {
    const today = localDateOf(nowIso);
    const reviewEnds = localDateOf(loaded.schedule.review.closesAt);
    if (input.rectificationLastDay <= today || input.rectificationLastDay > reviewEnds) {
      problems.push(
        makeProblem('rectificationLastDay', 'out-of-range', {
          zh: `整改期限应晚于今天（${today}），且不晚于初评结束日（${reviewEnds}）`,
          en: `the rectification deadline must be after today (${today}) and no later than the review's last day (${reviewEnds})`,
        }),
      );
    }
  }
  let cityScore = 0;
  const items = new Map(loaded.plan.rubric.items.map((i) => [i.id, i]));
  const seen = new Set<string>();
  (input.scores ?? []).forEach((s, i) => {
    const item = items.get(s.itemId);
    if (!item) {
      problems.push(makeProblem(`scores[${i}].itemId`, 'unknown-rubric-item', { zh: `评分表中没有“${s.itemId}”这一项`, en: `the score sheet has no item "${s.itemId}"` }));
      return;
    }
    if (seen.has(s.itemId)) problems.push(makeProblem(`scores[${i}].itemId`, 'duplicate', { zh: `“${item.title}”重复评分`, en: `"${item.titleEn ?? item.id}" is scored twice` }));
    seen.add(s.itemId);
    if (s.score > item.maxPoints) {
      problems.push(
        makeProblem(`scores[${i}].score`, 'exceeds-max', { zh: `“${item.title}”评 ${s.score} 分，超过该项满分 ${item.maxPoints} 分`, en: `"${item.titleEn ?? item.id}" is scored ${s.score}, above its maximum of ${item.maxPoints}` }),
      );
    }
    if (input.outcome === 'returned' && s.score < item.maxPoints && !s.reason?.trim()) {
      problems.push(makeProblem(`scores[${i}].reason`, 'required', { zh: `“${item.title}”扣分须写明理由`, en: `"${item.titleEn ?? item.id}" loses points, so it needs a reason` }));
    }
    cityScore += item.kind === 'deduction' ? -s.score : item.kind === 'veto' ? 0 : s.score;
  });
  if (problems.length) throw new ValidationError(problems);
  return input.scores?.length ? { cityScore: Math.round(cityScore * 10) / 10 } : null;
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
  const { deadline, escalations } = rectificationDeadline(loaded, decision);
  const { deliverable } = ctx.deliverableOf(loaded, review.deliverableId);
  const mail = templates.rectification(loaded.plan, unit, deliverable, decision.reason, deadline, now);
  // A notice the mail service refuses is reported to the city office by the notifier ('refused'): the
  // rectification deadline stands and the unit's cycle goes on.
  const notice = await ctx.notifier.send({
    cycleId: input.cycleId, unitId: unit.id, kind: 'rectification', milestone: `round-${input.round}`, recipient: unit.office.email,
    email: { from: fromAddress(loaded.plan), to: unit.office.email, cc: [unit.leader.email], ...mail },
  });
  return { returnedRound: input.round, round: input.round + 1, exhausted: false, timeoutSeconds: secondsUntil(now, deadline), deadline, escalations, notice };
}

/** Outcomes a deadline gave (at 23:59:59 of its last day), not a person's decision. */
const BY_DEADLINE: ReadonlySet<UnitOutcomeStatus> = new Set(['not-submitted', 'review-overdue', 'rectification-missed']);

/**
 * Records the unit's outcome (the first one wins) and says when its notice (初评结果通知) goes out: at once
 * for a decision; for an outcome a deadline gave, at the plan's send time on the first day after that
 * deadline's last day on which notices go out (the next working day, unless the plan sends on days off),
 * like the first rung of an escalation ladder. The workflow waits for `noticeAt`, then sendOutcomeNotice.
 */
export async function recordOutcome(ctx: Context, input: { cycleId: string; unitId: string; outcome: UnitOutcomeStatus }) {
  const loaded = await ctx.loadPlan(input.cycleId);
  const unit = ctx.unitOf(loaded, input.unitId);
  const now = ctx.clock.now();
  const r = await ctx.repo.recordOutcome(input.cycleId, unit.id, input.outcome, new Date(now).toISOString());
  let noticeAt = now;
  if (BY_DEADLINE.has(r.outcome)) {
    const lastDay = await outcomeDeadlineDay(ctx, loaded, unit.id, r.outcome);
    const { plan, days } = loaded;
    noticeAt = Math.max(now, atLocalTime(days.sendDayAfter(addCalendarDays(lastDay, 1)), plan.notices.sendAt, plan.timeZone).toMillis());
  }
  return { outcome: r.outcome, recorded: r.recorded, noticeAt: toUtcInstant(noticeAt) };
}

/** The last day of the deadline that gave the outcome: the review's, or the last returned round's rectification. */
async function outcomeDeadlineDay(ctx: Context, loaded: LoadedPlan, unitId: string, outcome: UnitOutcomeStatus): Promise<string> {
  const { review } = loaded.schedule;
  if (outcome === 'rectification-missed') {
    for (let round = review.maxRounds; round >= 1; round--) {
      const decision = await ctx.repo.getDecision(loaded.plan.cycleId, unitId, round);
      if (decision?.outcome === 'returned') return rectificationDeadline(loaded, decision).lastDay;
    }
  }
  return localDateOf(review.closesAt);
}

/** Sends the unit its recorded outcome (初评结果通知), naming the reviewed deliverable as the plan does. Once, through the ledger. */
export async function sendOutcomeNotice(ctx: Context, input: { cycleId: string; unitId: string }) {
  const loaded = await ctx.loadPlan(input.cycleId);
  const unit = ctx.unitOf(loaded, input.unitId);
  const recorded = await ctx.repo.getOutcome(input.cycleId, unit.id);
  if (!recorded) {
    throw new NotFoundError({ zh: `${unit.name}尚无初评结果，无从通知`, en: `${unit.id} has no recorded outcome to send` }, { unitId: unit.id });
  }
  const { deliverable } = ctx.deliverableOf(loaded, loaded.schedule.review.deliverableId);
  const mail = templates.outcome(loaded.plan, unit, recorded.outcome, deliverable, ctx.clock.now());
  const notice = await ctx.notifier.send({
    cycleId: input.cycleId, unitId: unit.id, kind: 'outcome', milestone: 'preliminary-review', recipient: unit.office.email,
    email: { from: fromAddress(loaded.plan), to: unit.office.email, cc: [unit.leader.email], ...mail },
  });
  return { outcome: recorded.outcome, notice };
}
