/**
 * A county office submits a deliverable. Every submission is a new immutable version with the server's
 * receipt time and an on-time flag nobody can edit; a late one is accepted and flagged, never refused.
 *
 * Primary course: check the unit and deliverable against the plan and that its phase has opened; for the
 * reviewed deliverable, that the unit's review is not over (its outcome recorded: ReviewClosedError); resolve
 * the documents (only uploads the server checked count); for the reviewed deliverable, assess the
 * structured self-assessment (errors refuse it, shortfalls are kept as findings); add the version and its
 * audit entry in one write; if the unit's execution waits for this deliverable, complete its callback; email
 * the receipt (回执) with each document's hash.
 *
 * The stored version is the answer: nothing after the write can fail the request (a 5xx would make the
 * client send another version). The callback is a shortcut, as the wait reads the record itself
 * (./review-record.ts); a receipt that cannot be sent now stays downloadable (GET .../receipt).
 */
import { isRosterDeliverable } from '../plan/roster-deliverable';
import { PhaseNotOpenError, ValidationError } from '../errors';
import type { DocumentRef, SelfAssessment, SubmissionVersion } from '../model';
import type { Unit } from '../plan/schema';
import { fromAddress, templates } from '../notifier/templates';
import { assessSelfAssessment, type RegisteredRoster, type SelfAssessmentInput } from '../self-assessment';
import { atLocalTime, formatBeijing, isOnTime, toUtcInstant } from '../time';
import { makeProblem } from '../validation';
import type { Context, LoadedPlan } from './context';
import { rectificationDeadline, reviewClosed, tellWorkflow } from './review-record';
import { IDEMPOTENCY_TTL_MS } from './idempotency';
import { resolveDocuments } from './uploads';

/** The latest review decision of a unit, if it returned the report for rectification. */
async function lastReturned(ctx: Context, cycleId: string, unitId: string) {
  let last = null;
  for (let round = 1; round <= 10; round++) {
    const d = await ctx.repo.getDecision(cycleId, unitId, round);
    if (!d) break;
    last = d;
  }
  return last?.outcome === 'returned' ? last : null;
}

export interface SubmitInput {
  cycleId: string;
  unitId: string;
  deliverableId: string;
  submittedBy: string;
  narrative?: string;
  /** Checked uploads of this unit (the API's way). */
  uploadIds?: string[];
  /** Documents already resolved (the simulator's way). */
  documents?: DocumentRef[];
  /** Required for the reviewed deliverable (自评报告), refused for the others. */
  selfAssessment?: SelfAssessmentInput;
  /**
   * The caller's Idempotency-Key (`caller#key`): a request that stored its version before, and lost its
   * answer to a crash, finds that version and finishes the work after it instead of storing another. The key
   * stands as long as the API remembers it (IDEMPOTENCY_TTL_MS); after that the same key is a new request.
   */
  requestKey?: string;
}

/**
 * Primary course: check the phase and the review, store the version with its audit entry (and the request's
 * key) in one transaction, then tell a waiting workflow and send the receipt. Both steps after the write are
 * idempotent, so a retry of the same request runs them again safely and a crash between them loses nothing.
 */
export async function submitDeliverable(ctx: Context, input: SubmitInput) {
  const loaded = await ctx.loadPlan(input.cycleId);
  const unit = ctx.unitOf(loaded, input.unitId);
  const earlier = input.requestKey ? await ctx.repo.getSubmissionByRequest(input.cycleId, unit.id, input.requestKey, ctx.clock.now()) : null;
  if (earlier) return afterStored(ctx, loaded, unit, earlier);
  // On time against the unit's own deadline: the plan's, or its newest extension's; a resubmission
  // after a return, against the rectification deadline (限期整改) of that round.
  if (isRosterDeliverable(input.deliverableId)) {
    // Due like a deliverable, but registered row by row: a file submitted in its place would count as a roster.
    throw new ValidationError([
      makeProblem('deliverableId', 'deliverable.roster', {
        zh: '社区/村名单不通过材料报送提交，请在“社区/村名单”页面逐条登记（PUT /cycles/{cycleId}/units/{unitId}/roster）',
        en: 'the roster of communities and villages is not submitted as a deliverable; register it row by row on the roster page (PUT /cycles/{cycleId}/units/{unitId}/roster)',
      }),
    ]);
  }
  const { deliverable, phase, dueAt: planDueAt } = await ctx.deadlineFor(loaded, unit.id, input.deliverableId);
  const now = ctx.clock.now();
  // What is due may be submitted from the first moment (00:00 Beijing) of its phase's first day.
  const opensAt = toUtcInstant(atLocalTime(phase.opens, '00:00'));
  if (now < Date.parse(opensAt)) {
    throw new PhaseNotOpenError(
      {
        zh: `${phase.name}阶段自${formatBeijing(opensAt, 'date', 'zh')}开始，届时方可报送${deliverable.name}`,
        en: `the ${phase.nameEn} phase opens on ${formatBeijing(opensAt, 'date', 'en')}; ${deliverable.nameEn} can be submitted from then`,
      },
      { opensAt },
    );
  }
  const reviewed = deliverable.id === loaded.schedule.review.deliverableId;
  if (reviewed) {
    // After the outcome a version would change nothing the city or the province sees: say so instead.
    const outcome = await ctx.repo.getOutcome(input.cycleId, unit.id);
    if (outcome) throw reviewClosed('submit', outcome, loaded.schedule.review.closesAt);
  }
  // Measured against the unit's registered roster (社区/村名单) when it has one (issue 10).
  const registered = reviewed && input.selfAssessment ? await ctx.repo.getRoster(input.cycleId, unit.id) : null;
  const selfAssessment = assessIfReviewed(loaded.plan, reviewed, input.selfAssessment, registered);
  const evidence = input.selfAssessment?.scores.flatMap((s) => s.evidence) ?? [];
  const uploadIds = [...new Set([...(input.uploadIds ?? []), ...evidence])];
  const documents = [...(input.documents ?? []), ...(uploadIds.length ? await resolveDocuments(ctx, { cycleId: input.cycleId, unitId: unit.id, uploadIds }) : [])];
  const returned = reviewed ? await lastReturned(ctx, input.cycleId, unit.id) : null;
  const dueAt = returned ? rectificationDeadline(loaded, returned).deadline : planDueAt;
  const receivedAt = new Date(now).toISOString();
  const onTime = isOnTime(now, dueAt);
  const version = await ctx.repo.addSubmission(
    {
      cycleId: input.cycleId, unitId: unit.id, deliverableId: deliverable.id, receivedAt, onTime,
      submittedBy: input.submittedBy, narrative: input.narrative, documents, ...(selfAssessment ? { selfAssessment } : {}),
    },
    { cycleId: input.cycleId, unitId: unit.id, at: receivedAt, actor: input.submittedBy, role: 'county', action: 'submit', what: { deliverableId: deliverable.id, onTime } },
    input.requestKey ? { key: input.requestKey, expiresAt: now + IDEMPOTENCY_TTL_MS } : undefined,
  );
  return afterStored(ctx, loaded, unit, version);
}

/** Tells the waiting review (reviewed deliverable) and sends the receipt; both are safe to run again. */
async function afterStored(ctx: Context, loaded: LoadedPlan, unit: Unit, version: SubmissionVersion) {
  const { deliverable } = ctx.deliverableOf(loaded, version.deliverableId);
  const now = ctx.clock.now();
  if (version.deliverableId === loaded.schedule.review.deliverableId) {
    // Read after the write: a wait that stored its token meanwhile is completed here, or finds the version itself.
    const waiting = await ctx.repo.getWaitToken(version.cycleId, unit.id, 'submission', deliverable.id);
    if (waiting && waiting.afterVersion < version.version) await tellWorkflow(ctx, waiting, { version: version.version, onTime: version.onTime });
  }
  const mail = templates.receipt(loaded.plan, unit, deliverable, version, now);
  await ctx.notifier
    .send({
      cycleId: version.cycleId, unitId: unit.id, kind: 'receipt', milestone: `${deliverable.id}#v${version.version}`, recipient: unit.office.email, contact: 'office',
      email: { from: fromAddress(loaded.plan), to: unit.office.email, cc: [], ...mail },
    })
    .catch(() => 'not-sent-now');
  return version;
}

/** The self-assessment of the reviewed deliverable, assessed; refused on any other deliverable. */
function assessIfReviewed(
  plan: Parameters<typeof assessSelfAssessment>[0],
  reviewed: boolean,
  input: SelfAssessmentInput | undefined,
  registered: RegisteredRoster | null = null,
): SelfAssessment | null {
  if (!reviewed) {
    if (input) {
      throw new ValidationError([
        makeProblem('selfAssessment', 'not-allowed', { zh: '只有自评报告需要填写自评内容', en: 'only the self-assessment report takes a self-assessment' }),
      ]);
    }
    return null;
  }
  if (!input) {
    throw new ValidationError([
      makeProblem('selfAssessment', 'required', { zh: '自评报告须填写自评内容：自评说明、各项自评分和社区（村）名单', en: 'the self-assessment report needs its self-assessment: narrative, a self-score per item and the roster' }),
    ]);
  }
  const { figures, findings, errors } = assessSelfAssessment(plan, input, registered);
  if (errors.length) throw new ValidationError(errors);
  return { narrative: input.narrative, scores: input.scores, roster: input.roster, figures, findings };
}

/**
 * What the county sees before it confirms its self-assessment: the figures the server computes, where it
 * falls short (findings) and what would refuse it (errors). Stores nothing.
 */
export async function previewSelfAssessment(ctx: Context, input: { cycleId: string; unitId: string; deliverableId: string; selfAssessment: SelfAssessmentInput }) {
  const loaded = await ctx.loadPlan(input.cycleId);
  const unit = ctx.unitOf(loaded, input.unitId);
  const { deliverable } = ctx.deliverableOf(loaded, input.deliverableId);
  if (deliverable.id !== loaded.schedule.review.deliverableId) assessIfReviewed(loaded.plan, false, input.selfAssessment);
  const registered = await ctx.repo.getRoster(input.cycleId, unit.id);
  const { figures, findings, errors } = assessSelfAssessment(loaded.plan, input.selfAssessment, registered);
  return { figures, findings, errors, canSubmit: errors.length === 0 };
}
