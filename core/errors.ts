/**
 * Domain errors. Each has a stable `name` (Step Functions `Catch` and the API's error mapping match on it)
 * and a message in zh-CN and en. Nothing here knows about HTTP or Lambda: functions/_shared maps them.
 */
export type Bilingual = { zh: string; en: string };

export abstract class DomainError extends Error {
  abstract override readonly name: string;
  /** The HTTP status an API would answer with; task functions ignore it and rethrow. */
  abstract readonly status: number;
  constructor(
    readonly text: Bilingual,
    readonly details?: Record<string, unknown>,
  ) {
    super(text.en);
  }
}

/** A plan, an event or a request that does not pass validation. `problems` name each field and rule. */
export class ValidationError extends DomainError {
  readonly name: string = 'ValidationError';
  /** 400; a subclass may answer another 4xx with the same problems (VersionTooLargeError: 413). */
  readonly status: number = 400;
  constructor(
    readonly problems: Array<{ path: string; rule: string; message: Bilingual }>,
    text: Bilingual = { zh: '输入有误', en: 'Invalid input' },
  ) {
    super(text, { problems });
  }
}

/** A task function invoked with an input it does not expect (a state machine wiring bug). */
export class InvalidTaskInputError extends DomainError {
  readonly name = 'InvalidTaskInputError';
  readonly status = 400;
}

export class NotFoundError extends DomainError {
  readonly name = 'NotFoundError';
  readonly status = 404;
}

/** A different plan is already stored under this cycle id: a cycle's plan never changes under a running execution. */
export class PlanConflictError extends DomainError {
  readonly name = 'PlanConflictError';
  readonly status = 409;
}

/**
 * A plan run by another office than the one whose cycles this deployment runs (core/use-cases/plans.ts):
 * a refusal of the caller, with the problem naming `city.office` and the rule.
 */
export class PlanOfficeError extends ValidationError {
  override readonly name = 'PlanOfficeError';
  override readonly status = 403;
}

/** The review round was already decided: carries the recorded decision. */
export class DecisionConflictError extends DomainError {
  readonly name = 'DecisionConflictError';
  readonly status = 409;
}

/** The unit's contacts were edited since the version the caller edited from: carries who edited and when. */
export class DirectoryConflictError extends DomainError {
  readonly name = 'DirectoryConflictError';
  readonly status = 409;
}

/** Something outside us failed in a way that may pass: the state machine retries tasks failing with this name. */
export class TransientError extends DomainError {
  readonly name = 'TransientError';
  readonly status = 503;
}

/** No valid identity: a token that is not an access token, or claims without a user. */
export class UnauthorizedError extends DomainError {
  readonly name = 'UnauthorizedError';
  readonly status = 401;
}

/**
 * The caller may not do this: a county user on another unit or on a city route, an account in no group.
 * The message never says whether the thing exists.
 */
export class ForbiddenError extends DomainError {
  readonly name = 'ForbiddenError';
  readonly status = 403;
}

/** The one refusal of access (the route's rule or, for an inspector, the cycle's plan): it names nothing. */
export const accessRefused = () => new ForbiddenError({ zh: '无权访问该资源', en: 'You may not access this resource' });

/** The deliverable's phase has not opened yet (what is due is submitted from the day its phase opens). */
export class PhaseNotOpenError extends DomainError {
  readonly name = 'PhaseNotOpenError';
  readonly status = 409;
}

/**
 * The review is over for this unit (its outcome is recorded, or the review closed): a decision, a new version
 * of the reviewed report or an extension now would change nothing, so it is refused. `details` name the outcome.
 */
export class ReviewClosedError extends DomainError {
  readonly name = 'ReviewClosedError';
  readonly status = 409;
}

// ---- Idempotency keys (the API's Idempotency-Key header) ----------------------------------------------------
/** The same Idempotency-Key came back with another request: a key names one request only. */
export class IdempotencyKeyReusedError extends DomainError {
  readonly name = 'IdempotencyKeyReusedError';
  readonly status = 422;
}

/** The request with this Idempotency-Key is still running: retry shortly for its answer. */
export class IdempotencyInProgressError extends DomainError {
  readonly name = 'IdempotencyInProgressError';
  readonly status = 409;
}

/** The request with this Idempotency-Key was done, but its answer was too large to keep: it is not done again. */
export class IdempotentResponseNotKeptError extends DomainError {
  readonly name = 'IdempotentResponseNotKeptError';
  readonly status = 409;
}
// ---- end of idempotency keys ----------------------------------------------------------------------------------

/** A request body above the API's size limit. */
export class PayloadTooLargeError extends DomainError {
  readonly name = 'PayloadTooLargeError';
  readonly status = 413;
}

/**
 * The mail provider refused the message for good before accepting it (unverified sender, SES sandbox, a
 * rejected recipient or content, sending paused): nothing went out, and sending it again is refused again
 * until someone fixes the cause. The notifier reports it to the city office instead of failing the step.
 */
export class EmailRejectedError extends DomainError {
  readonly name = 'EmailRejectedError';
  readonly status = 502;
}

/**
 * The mail provider may or may not have accepted the message: a timeout, a reset connection, a 5xx after
 * the request went out. Retried like any TransientError (same `name`), but the notifier keeps its claim on
 * the message until its lease runs out, so no retry sends it while the first attempt may have.
 */
export class EmailOutcomeUnknownError extends TransientError {}

/**
 * A version that passed the API's body limit but would not fit in one stored record (DynamoDB's 400 KB item
 * limit): refused before anything is written, with problems naming the parts that take the room.
 */
export class VersionTooLargeError extends ValidationError {
  override readonly name = 'VersionTooLargeError';
  override readonly status = 413;
}

/** The unit's registered roster (社区/村名单) changed since the version the caller registered from: who and when. */
export class RosterConflictError extends DomainError {
  readonly name = 'RosterConflictError';
  readonly status = 409;
}

/**
 * 上报确认: the qualifying list cannot be confirmed yet (a unit has no outcome), or no more (the cycle closed
 * without it). `details` name the units and the instants.
 */
export class ListNotFinalError extends DomainError {
  readonly name = 'ListNotFinalError';
  readonly status = 409;
}

/** A sampled community's result or the unit's score sheet changed since the version the caller edited: who and when. */
export class InspectionConflictError extends DomainError {
  readonly name = 'InspectionConflictError';
  readonly status = 409;
}

/** Inspection results are recorded between the window's draw and the end of its last day; `details.rule` names which. */
export class InspectionClosedError extends DomainError {
  readonly name = 'InspectionClosedError';
  readonly status = 409;
}

/**
 * ForwardToProvince found the year's documents not all recorded (GenerateYearDocuments did not run: an
 * execution started before that task existed) and the cycle is too large to make them within its 30 s.
 * Not retried: the execution fails, naming the missing documents; restarting the cycle runs the new task.
 */
export class YearDocumentsMissingError extends DomainError {
  readonly name = 'YearDocumentsMissingError';
  readonly status = 409;
}
