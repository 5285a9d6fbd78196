/**
 * The contract between the state machines and their task functions: what each task receives and returns.
 * One schema per task, shared by the CDK chains (./yearly-cycle, ./unit-cycle), the handlers in
 * functions/, and the local twin. Inputs are strict: a task invoked with an input it does not expect
 * fails with InvalidTaskInputError (catchable by name), never a silent success.
 */
import * as z from 'zod/mini';
import { escalationSlotSchema, scheduleSchema, instant } from '../core/plan/schedule-schema';
import { phaseKind, slug } from '../core/plan/schema';

const cycleId = slug;
const unitId = slug;
const taskToken = z.string().check(z.minLength(1), z.maxLength(2048));

// ---- Yearly cycle (one execution per cycle) ----

/** Execution input of the YearlyCycle state machine. The plan itself is stored by the start-cycle use case. */
export const yearlyCycleInput = z.strictObject({ cycleId });

export const registerCycleInput = z.strictObject({ cycleId, executionName: z.string().check(z.minLength(1), z.maxLength(80)) });
export const registerCycleOutput = z.strictObject({ schedule: scheduleSchema, unitCount: z.int() });

export const startUnitWorkflowsInput = z.strictObject({
  cycleId,
  /** The parent execution's name: child names derive from it, so a restarted cycle gets fresh children. */
  executionName: z.string().check(z.minLength(1), z.maxLength(80)),
  schedule: scheduleSchema,
  cursor: z.nullable(z.string().check(z.maxLength(200))),
});
export const startUnitWorkflowsOutput = z.strictObject({
  started: z.int(),
  /** null when every unit has its execution. */
  cursor: z.nullable(z.string()),
});

/**
 * GenerateYearDocuments: records the list that goes up (the forwarding record, once) and stores and records
 * each of the year's documents not recorded yet. Its output is counts only: the records are in the table.
 */
export const generateYearDocumentsInput = z.strictObject({ cycleId });
export const generateYearDocumentsOutput = z.strictObject({
  /** Documents of the forwarding, all recorded now. */
  documents: z.int().check(z.gte(0)),
  /** Of those, how many this attempt made (0 on a retry after a complete one). */
  generated: z.int().check(z.gte(0)),
});

export const forwardToProvinceInput = z.strictObject({ cycleId });
/** What the notifier did with a message (see core/notifier/notifier.ts): a refused one was reported to the city office. */
export const noticeResult = z.enum(['sent', 'already-sent', 'suppressed', 'refused']);

export const forwardToProvinceOutput = z.strictObject({ qualified: z.array(unitId), notQualified: z.array(unitId), notice: noticeResult });

// ---- 上报确认: the running office confirms the list before it goes up (core/use-cases/forwarding.ts) ----
export const requestListConfirmationInput = z.strictObject({ cycleId });
export const requestListConfirmationOutput = z.strictObject({ status: z.enum([...noticeResult.options, 'not-needed']) });
export const prepareConfirmationWaitInput = z.strictObject({
  cycleId,
  /** `$$.Execution.StartTime`: the wait gives up a day before the execution's one-year limit from it. */
  startedAt: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/)),
});
export const prepareConfirmationWaitOutput = z.strictObject({
  confirmed: z.boolean(),
  /** The give-up instant passed with nothing confirmed: the cycle closes with nothing forwarded. */
  expired: z.boolean(),
  /** Rungs of the ladder sent by this call. */
  escalated: z.int(),
  /** Until the next rung, a day, or the give-up instant, whichever comes first; at least 1. */
  timeoutSeconds: z.int().check(z.gte(1)),
});
/** Callback: stores the token, reads the record; completed by the confirmation (or by itself if it is there). */
export const awaitListConfirmationInput = z.strictObject({ cycleId, taskToken });
export const listConfirmedOutput = z.strictObject({ confirmedAt: z.string() });

export const closeCycleInput = z.strictObject({ cycleId });
export const closeCycleOutput = z.strictObject({ outcomes: z.record(z.string(), z.string()) });

// ---- Unit cycle (one execution per unit) ----

export const unitCycleInput = z.strictObject({ cycleId, unitId, schedule: scheduleSchema });

const scheduledNotices = [
  z.strictObject({ kind: z.literal('phase-opened'), phase: phaseKind }),
  z.strictObject({ kind: z.literal('reminder'), deliverableId: slug, milestone: z.string().check(z.regex(/^D-\d{1,2}$/)) }),
  z.strictObject({ kind: z.literal('escalation'), deliverableId: slug, level: z.int().check(z.gte(1), z.lte(5)) }),
  /** A missed rectification deadline (限期整改): the same ladder, for the round that was returned. */
  z.strictObject({ kind: z.literal('rectification-escalation'), round: z.int().check(z.gte(1)), level: z.int().check(z.gte(1), z.lte(5)) }),
  /** A rectification notice of a returned round left unsigned (签收) past its period: the rungs that came due. */
  z.strictObject({ kind: z.literal('signing-escalation'), round: z.int().check(z.gte(1)) }),
  /** The review's outcome (初评结果通知), at the `noticeAt` record-outcome gave. */
  z.strictObject({ kind: z.literal('outcome') }),
  // 交叉检查结果通知, the first sending morning after the window's last day.
  z.strictObject({ kind: z.literal('inspection-result'), windowId: slug }),
] as const;
export const scheduledNotice = z.discriminatedUnion('kind', [...scheduledNotices]);
export const noticeRequest = z.discriminatedUnion('kind', [
  ...scheduledNotices,
  /** A scheduled notice that still failed after its retries: the city office is told, once. */
  z.strictObject({ kind: z.literal('delivery-failure'), failed: scheduledNotice, error: z.string().check(z.maxLength(200)) }),
]);
export const sendUnitNoticeInput = z.strictObject({ cycleId, unitId, notice: noticeRequest });
export const sendUnitNoticeOutput = z.strictObject({
  status: z.enum([...noticeResult.options, 'not-needed']),
  messages: z.int(),
});

/**
 * Right before a review wait, and again after each of its slices: the callback timeout (until an absolute
 * deadline, at most a day, so a restart keeps it absolute and the wait re-reads the record daily), and
 * whether the deadline passed with nothing recorded (the only way to a timeout outcome).
 */
export const prepareReviewStepInput = z.strictObject({
  cycleId,
  unitId,
  step: z.enum(['await-submission', 'await-decision']),
  round: z.int().check(z.gte(1)),
});
export const prepareReviewStepOutput = z.strictObject({
  round: z.int().check(z.gte(1)),
  /** Seconds until the step's deadline, at least 1, at most a day. */
  timeoutSeconds: z.int().check(z.gte(1)),
  deadline: instant,
  /** The deadline passed and the record has nothing for this step. */
  expired: z.boolean(),
});

/**
 * Callback: completes with the version round `round` reviews, as the record has it (the first round's
 * report, or the resubmission after the round before was returned).
 */
export const awaitSubmissionInput = z.strictObject({
  cycleId,
  unitId,
  round: z.int().check(z.gte(1)),
  taskToken,
});
/** What the submit use case (or the task itself) sends back with SendTaskSuccess. */
export const awaitSubmissionOutput = z.strictObject({ version: z.int().check(z.gte(1)), onTime: z.boolean() });

/** Callback: completes with the city's decision for this round on this version. */
export const requestReviewInput = z.strictObject({
  cycleId,
  unitId,
  round: z.int().check(z.gte(1)),
  version: z.int().check(z.gte(1)),
  taskToken,
});
export const reviewDecisionOutput = z.strictObject({
  round: z.int().check(z.gte(1)),
  outcome: z.enum(['approved', 'returned']),
});

export const issueRectificationInput = z.strictObject({ cycleId, unitId, round: z.int().check(z.gte(1)) });
export const issueRectificationOutput = z.strictObject({
  /** The round that was returned. */
  returnedRound: z.int().check(z.gte(1)),
  /** The ladder climbed if the resubmission does not arrive by the deadline. */
  escalations: z.array(escalationSlotSchema),
  /** The round the resubmission will be reviewed in. */
  round: z.int().check(z.gte(2)),
  /** true when no rounds are left: the unit is not qualified. */
  exhausted: z.boolean(),
  /** The rectification deadline (PrepareResubmissionWait derives the wait from the record again). */
  timeoutSeconds: z.int().check(z.gte(1)),
  deadline: instant,
  /** The rectification notice (absent when no rounds are left). */
  notice: z.optional(noticeResult),
});

export const UNIT_OUTCOMES = ['qualified', 'not-qualified', 'not-submitted', 'rectification-missed', 'review-overdue'] as const;
export const unitOutcome = z.enum(UNIT_OUTCOMES);
export const recordOutcomeInput = z.strictObject({ cycleId, unitId, outcome: unitOutcome });
/** `noticeAt`: when the outcome notice goes (SendOutcomeNotice waits for it); now for a decision, the next sending morning for a deadline. */
export const recordOutcomeOutput = z.strictObject({ outcome: unitOutcome, recorded: z.boolean(), noticeAt: instant });

/**
 * Cross-inspection (issue 10): at a window's draw instant, the unit's sample is drawn from its registered
 * roster and recorded once, then mailed (core/use-cases/inspection.ts). Every window of the plan wakes every
 * unit; only the unit's own window draws ('not-inspected' otherwise).
 */
export const drawInspectionSampleInput = z.strictObject({
  cycleId,
  unitId,
  windowId: slug,
  /**
   * ReportInspectionDrawFailure: the draw failed after its retries (the error's name as Step Functions caught it).
   * The same function records the failure, tells the office once and answers reportDrawFailureOutput.
   */
  failed: z.optional(z.strictObject({ error: z.string().check(z.maxLength(256)) })),
});
export const drawInspectionSampleOutput = z.strictObject({
  status: z.enum(['drawn', 'no-roster', 'not-inspected', 'window-closed']),
  /** false when an earlier attempt had recorded it (a retry, a restart). */
  recorded: z.boolean(),
  sampled: z.int(),
  notices: z.array(noticeResult),
});

/**
 * After a failed draw: `retryAt` the next attempt (WaitForDrawRetry waits for it), or `giveUp` when none is left
 * (the window closed; the office was told the unit could not be drawn). core/inspection/draw-retry.ts.
 */
export const reportDrawFailureOutput = z.strictObject({
  giveUp: z.boolean(),
  retryAt: z.nullable(instant),
  notice: z.enum(['sent', 'already-sent', 'suppressed', 'refused', 'not-needed']),
});

export type YearlyCycleInput = z.infer<typeof yearlyCycleInput>;
export type UnitCycleInput = z.infer<typeof unitCycleInput>;
export type NoticeRequest = z.infer<typeof noticeRequest>;
export type UnitOutcome = z.infer<typeof unitOutcome>;
