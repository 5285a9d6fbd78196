/**
 * The review (初评) as the record has it. A submission or a decision exists once it is stored; the unit's
 * execution learns of it by reading the record, never from what a callback carried. Every review wait
 * reads the record when it starts, again at least once a day, and once more at its deadline before any
 * timeout outcome; completing its callback from the API is only a shortcut. So a completion that fails
 * after the write cannot change the outcome, and a restarted execution walks the recorded history again
 * and arrives where the unit actually is.
 *
 * What a round reviews: round 1 the report's latest version received by the review's end; round N+1 the
 * latest version received after the version round N returned, by round N's rectification deadline (限期整改).
 * Once a round has opened on a version (its review wait stored it) or was decided on one, that version stays.
 */
import { ReviewClosedError } from '../errors';
import type { ReviewDecision, UnitOutcomeRecord, WaitToken } from '../model';
import { dayEnd, formatBeijing, localDateOf, toUtcInstant } from '../time';
import { escalationLadder } from '../plan/schedule';
import type { EscalationSlot } from '../plan/schedule-schema';
import type { Context, LoadedPlan } from './context';

/** A wait that found nothing re-reads the record after this long, even if nobody completed its callback. */
export const RECHECK_SECONDS = 86_400;

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

/** What a round's submission wait looks for: a version after `afterVersion`, received by `deadline`. */
export interface SubmissionWindow {
  round: number;
  afterVersion: number;
  deadline: string;
}

/** null when the round cannot come: the round before it was not returned, or no rounds are left. */
export async function submissionWindow(ctx: Context, loaded: LoadedPlan, cycleId: string, unitId: string, round: number): Promise<SubmissionWindow | null> {
  const { review } = loaded.schedule;
  if (round < 1 || round > review.maxRounds) return null;
  if (round === 1) return { round, afterVersion: 0, deadline: review.closesAt };
  const returned = await ctx.repo.getDecision(cycleId, unitId, round - 1);
  if (returned?.outcome !== 'returned') return null;
  return { round, afterVersion: returned.version, deadline: rectificationDeadline(loaded, returned).deadline };
}

/** The version a round reviews, as recorded; null while none has arrived in its window. */
export async function reviewedVersion(
  ctx: Context,
  loaded: LoadedPlan,
  unitId: string,
  window: SubmissionWindow,
): Promise<{ version: number; onTime: boolean } | null> {
  const cycleId = loaded.plan.cycleId;
  const versions = (await ctx.repo.listUnitSubmissions(cycleId, unitId)).filter((v) => v.deliverableId === loaded.schedule.review.deliverableId);
  const [decided, opened] = await Promise.all([
    ctx.repo.getDecision(cycleId, unitId, window.round),
    ctx.repo.getWaitToken(cycleId, unitId, 'review', String(window.round)),
  ]);
  const pinned = decided?.version ?? opened?.afterVersion;
  const found =
    pinned !== undefined && pinned > window.afterVersion
      ? versions.find((v) => v.version === pinned)
      : versions.filter((v) => v.version > window.afterVersion && Date.parse(v.receivedAt) <= Date.parse(window.deadline)).at(-1);
  return found ? { version: found.version, onTime: found.onTime } : null;
}

/**
 * Tells a waiting callback what the record now says. Best effort: the record already stands and the wait
 * reads it again (at the latest after RECHECK_SECONDS, and at its deadline), so a failure here only delays.
 */
export async function tellWorkflow(ctx: Context, waiting: WaitToken | null, output: unknown): Promise<'continued' | 'task-already-closed' | 'will-follow'> {
  if (!waiting) return 'will-follow';
  try {
    return (await ctx.workflow.completeTask(waiting.token, output)) === 'completed' ? 'continued' : 'task-already-closed';
  } catch {
    return 'will-follow';
  }
}

const REFUSED = {
  decide: { zh: '本次决定未记录', en: 'the decision was not recorded' },
  submit: { zh: '不再接收自评报告的新版本', en: 'no new version of the report is accepted' },
  extend: { zh: '不能再延期', en: 'no extension can be granted' },
} as const;

/**
 * The unit's review is over: its outcome is recorded (first wins, so nothing can change it), or the review
 * closed and the outcome is being recorded. A 409 naming the outcome and when.
 */
export function reviewClosed(refused: keyof typeof REFUSED, outcome: UnitOutcomeRecord | null, closesAt: string) {
  const at = outcome?.recordedAt ?? closesAt;
  const [zh, en] = outcome
    ? [`该单位的初评已于 ${formatBeijing(at, 'datetime', 'zh')} 结束（结果：${outcome.outcome}）`, `this unit's review ended on ${formatBeijing(at, 'datetime', 'en')} (outcome: ${outcome.outcome})`]
    : [`初评已于 ${formatBeijing(at, 'datetime', 'zh')} 截止`, `the review closed on ${formatBeijing(at, 'datetime', 'en')}`];
  return new ReviewClosedError(
    { zh: `${zh}，${REFUSED[refused].zh}`, en: `${en}; ${REFUSED[refused].en}` },
    { outcome: outcome?.outcome ?? null, recordedAt: outcome?.recordedAt ?? null, closesAt },
  );
}
