/**
 * The city's preliminary review (初评) of one unit, as the unit's execution drives it: wait for the
 * self-assessment report, wait for the city's decision, on "returned" issue a rectification notice
 * (限期整改) with its own deadline and wait for the resubmission, then record the outcome.
 *
 * The waits are Step Functions callbacks, but the record decides (./review-record.ts): each callback task
 * stores its token server-side (it never leaves the backend) and then reads the record; if what it waits
 * for is there, it completes its own token. The submit and decide use cases complete the stored token
 * after their write as a shortcut only; the wait reads the record again at least daily and at its deadline.
 */
import { DecisionConflictError, InvalidTaskInputError, NotFoundError, ValidationError } from '../errors';
import type { ItemScore, ReviewDecision, ReviewOutcome, UnitOutcomeStatus } from '../model';
import { fromAddress, templates } from '../notifier/templates';
import { addCalendarDays, atLocalTime, dayEnd, formatBeijing, localDateOf, secondsUntil, toUtcInstant } from '../time';
import { makeProblem, type Problem } from '../validation';
import type { Context, LoadedPlan } from './context';
import { RECHECK_SECONDS, rectificationDeadline, reviewClosed, reviewedVersion, submissionWindow, tellWorkflow } from './review-record';
import { nextSigningRung, rectificationSigning, signingDeadline } from './signing';
import { outcomeInspection, unitInspectionGlance } from './inspection-results';

export { rectificationDeadline } from './review-record';

/**
 * Right before a review wait (and again after each of its slices): the wait's deadline, how long to wait
 * (until the deadline, at most RECHECK_SECONDS, and for a resubmission until the next rung of the unsigned
 * rectification notice's 签收 ladder), and whether the deadline passed with nothing in the record,
 * which is the only way to a timeout outcome. Read from the record, so a completion lost after a write is
 * found here at the latest at the deadline.
 */
export async function prepareReviewStep(
  ctx: Context,
  input: { cycleId: string; unitId: string; step: 'await-submission' | 'await-decision'; round: number },
) {
  const loaded = await ctx.loadPlan(input.cycleId);
  const unit = ctx.unitOf(loaded, input.unitId);
  const now = ctx.clock.now();
  let deadline: string;
  let found: boolean;
  /** A resubmission wait also wakes when a rung of the rectification notice's 签收 ladder comes due (./signing.ts). */
  let wakeAt: string | null = null;
  if (input.step === 'await-decision') {
    deadline = loaded.schedule.review.closesAt;
    found = (await ctx.repo.getDecision(input.cycleId, input.unitId, input.round)) !== null;
  } else {
    const window = await windowOf(ctx, loaded, input.unitId, input.round);
    deadline = window.deadline;
    found = (await reviewedVersion(ctx, loaded, input.unitId, window)) !== null;
    const returned = input.round > 1 && !found ? await ctx.repo.getDecision(input.cycleId, input.unitId, input.round - 1) : null;
    if (returned) wakeAt = nextSigningRung(await rectificationSigning(ctx, loaded, unit, returned), now);
  }
  const expired = !found && now >= Date.parse(deadline);
  const timeoutSeconds = Math.min(secondsUntil(now, deadline), RECHECK_SECONDS, wakeAt ? secondsUntil(now, wakeAt) : RECHECK_SECONDS);
  return { round: input.round, timeoutSeconds, deadline, expired };
}

async function windowOf(ctx: Context, loaded: LoadedPlan, unitId: string, round: number) {
  const window = await submissionWindow(ctx, loaded, loaded.plan.cycleId, unitId, round);
  if (!window) {
    throw new InvalidTaskInputError(
      { zh: `第 ${round} 轮初评不会到来（上一轮未退回整改，或轮次已用完）`, en: `review round ${round} cannot come (the round before was not returned, or no rounds are left)` },
      { round },
    );
  }
  return window;
}

/**
 * Callback: the version round `round` reviews. Stores the token first and reads the record after, so a
 * submission stored meanwhile either finds this token or is found here.
 */
export async function awaitSubmission(ctx: Context, input: { cycleId: string; unitId: string; round: number; taskToken: string }) {
  const loaded = await ctx.loadPlan(input.cycleId);
  ctx.unitOf(loaded, input.unitId);
  const window = await windowOf(ctx, loaded, input.unitId, input.round);
  await ctx.repo.putWaitToken({
    cycleId: input.cycleId, unitId: input.unitId, kind: 'submission', key: loaded.schedule.review.deliverableId,
    token: input.taskToken, afterVersion: window.afterVersion, storedAt: ctx.nowIso(),
  });
  const version = await reviewedVersion(ctx, loaded, input.unitId, window);
  if (version) return { waiting: false, completed: await ctx.workflow.completeTask(input.taskToken, version) };
  return { waiting: true };
}

/** Callback: the city's decision of round `round` on `version`. Stores the token first, then reads the record. */
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
 * The round and the version it reviews come from the record (./review-record.ts), not from the workflow's
 * wait, so a decision can be recorded even while the execution has not yet learned of the submission.
 * Optimistic locking: the decision of a round is written once (a conditional write), so of two city users
 * deciding at once exactly one wins and the other gets a DecisionConflictError naming who decided and when.
 * Repeating the same decision returns the recorded one. A decision naming a version other than the one
 * under review is a conflict too (the county resubmitted meanwhile). Once the unit's outcome is recorded,
 * or the review has closed, a decision changes nothing: ReviewClosedError says so. Whatever the answer,
 * a recorded decision is passed on to a waiting task first; the answer says whether the workflow continued
 * at once ('continued'), was past that step ('task-already-closed') or will read the record ('will-follow').
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
  const existing = await ctx.repo.getDecision(input.cycleId, input.unitId, input.round);
  if (existing) return repeatOrConflict(ctx, existing, input);
  const outcome = await ctx.repo.getOutcome(input.cycleId, input.unitId);
  const now = ctx.nowIso();
  const { review } = await ctx.scheduleFor(loaded, input.unitId);
  if (outcome || Date.parse(now) > Date.parse(review.closesAt)) throw reviewClosed('decide', outcome, review.closesAt);
  // Round 1 opens with the unit's review (an extension of the report moves it), unless its wait already
  // opened it on a version; a later round opens with the return before it.
  const opened =
    input.round > 1 ||
    Date.parse(now) >= Date.parse(review.opensAt) ||
    (await ctx.repo.getWaitToken(input.cycleId, input.unitId, 'review', '1')) !== null;
  const window = opened ? await submissionWindow(ctx, loaded, input.cycleId, input.unitId, input.round) : null;
  const underReview = window && (await reviewedVersion(ctx, loaded, input.unitId, window));
  if (!underReview) {
    throw new NotFoundError(
      { zh: `第 ${input.round} 轮初评尚未开始，无法决定`, en: `review round ${input.round} has not started; nothing to decide` },
      { round: input.round },
    );
  }
  if (input.version !== undefined && input.version !== underReview.version) {
    throw new DecisionConflictError(
      {
        zh: `第 ${input.round} 轮初评针对的是第 ${underReview.version} 版，而不是第 ${input.version} 版，请刷新后再决定`,
        en: `review round ${input.round} is about version ${underReview.version}, not version ${input.version}; reload and decide again`,
      },
      { round: input.round, versionUnderReview: underReview.version },
    );
  }
  const scored = checkDecision(loaded, input, now);
  const decision: ReviewDecision = {
    cycleId: input.cycleId, unitId: input.unitId, round: input.round, version: underReview.version,
    outcome: input.outcome, decidedBy: input.decidedBy, decidedAt: now,
    ...(input.reason !== undefined ? { reason: input.reason } : {}),
    ...(scored ? { scores: input.scores, cityScore: scored.cityScore } : {}),
    ...(input.rectificationLastDay ? { rectificationLastDay: input.rectificationLastDay } : {}),
  };
  const stored = await ctx.repo.recordDecision(decision);
  if (!stored.recorded) return repeatOrConflict(ctx, stored.decision, input);
  await ctx.repo.appendAudit({
    cycleId: input.cycleId, unitId: input.unitId, at: decision.decidedAt, actor: input.decidedBy, role: 'city',
    action: 'decide', what: { round: input.round, version: decision.version, outcome: input.outcome, cityScore: decision.cityScore ?? null, rectificationLastDay: decision.rectificationLastDay ?? null }, why: input.reason,
  });
  return { decision, repeated: false, workflow: await passOn(ctx, decision) };
}

/** The round's decision is recorded: pass it on to a waiting task whoever asks, then answer a repeat or refuse another decision. */
async function repeatOrConflict(ctx: Context, recorded: ReviewDecision, input: DecideInput) {
  const workflow = await passOn(ctx, recorded);
  if (!sameDecision(recorded, input)) {
    throw new DecisionConflictError(
      {
        zh: `第 ${input.round} 轮初评已由 ${recorded.decidedBy} 于 ${formatBeijing(recorded.decidedAt, 'datetime', 'zh')} 作出决定（${recorded.outcome === 'approved' ? '通过' : '退回整改'}）`,
        en: `review round ${input.round} was already decided by ${recorded.decidedBy} on ${formatBeijing(recorded.decidedAt, 'datetime', 'en')} (${recorded.outcome})`,
      },
      { decision: recorded },
    );
  }
  return { decision: recorded, repeated: true, workflow };
}

/** Read after the write: a wait that stored its token meanwhile is completed here, or reads the decision itself. */
async function passOn(ctx: Context, decision: ReviewDecision) {
  const waiting = await ctx.repo.getWaitToken(decision.cycleId, decision.unitId, 'review', String(decision.round));
  return tellWorkflow(ctx, waiting, { round: decision.round, outcome: decision.outcome });
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
  // The 签收 period runs from the day the notice goes out: today (a retry sends nothing new, so the text stands).
  const signBy = signingDeadline(loaded, toUtcInstant(now)).deadline;
  const mail = templates.rectification(loaded.plan, unit, deliverable, decision.reason, deadline, now, signBy);
  // A notice the mail service refuses is reported to the city office by the notifier ('refused'): the
  // rectification deadline stands and the unit's cycle goes on.
  const notice = await ctx.notifier.send({
    cycleId: input.cycleId, unitId: unit.id, kind: 'rectification', milestone: `round-${input.round}`, recipient: unit.office.email, contact: 'office',
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
  const glance = await unitInspectionGlance(ctx, loaded, unit.id);
  const inspection = glance && outcomeInspection(glance);
  const mail = templates.outcome(loaded.plan, unit, recorded.outcome, deliverable, ctx.clock.now(), inspection);
  const notice = await ctx.notifier.send({
    cycleId: input.cycleId, unitId: unit.id, kind: 'outcome', milestone: 'preliminary-review', recipient: unit.office.email, contact: 'office',
    email: { from: fromAddress(loaded.plan), to: unit.office.email, cc: [unit.leader.email], ...mail },
  });
  return { outcome: recorded.outcome, notice };
}
