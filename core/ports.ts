/**
 * Ports: what the use cases need from the outside world. Adapters live in ./adapters (dynamodb, ses, sfn,
 * memory). core/ imports no AWS SDK.
 */
import type { InspectionDrawFailure, InspectionResult, InspectionSample, InspectionScoreSheet, RosterVersion } from './inspection/model';
import type { Plan, Unit } from './plan/schema';
import type {
  AuditEntry,
  ContactStatus,
  CycleDocument,
  CycleRecord,
  CycleStatus,
  DeliverableStatus,
  Extension,
  ForwardingRecord,
  LedgerEntry,
  MessageKey,
  NoticeSignature,
  ReviewDecision,
  SubmissionVersion,
  SupervisionProposal,
  UnitOutcomeRecord,
  UnitContactsVersion,
  ListConfirmation,
  ConfirmationWait,
  UnitOutcomeStatus,
  Upload,
  WaitKind,
  WaitToken,
} from './model';

export interface Page<T> {
  items: T[];
  cursor: string | null;
}

export type ClaimResult = 'claimed' | 'sent' | 'in-flight';

/** A submission's request: the caller's Idempotency-Key (`caller#key`) and the instant it stops standing (ms). */
export interface SubmissionRequest {
  key: string;
  expiresAt: number;
}

export interface CycleRepository {
  /** Stores the plan and the cycle record. 'same' if this exact plan is already stored; PlanConflictError if another is. */
  storePlan(plan: Plan, planHash: string, now: string): Promise<'stored' | 'same'>;
  getPlan(cycleId: string): Promise<Plan | null>;
  getCycle(cycleId: string): Promise<CycleRecord | null>;
  /** Every stored cycle (a handful a year), by cycle id. */
  listCycles(): Promise<CycleRecord[]>;
  setCycleStatus(cycleId: string, status: CycleStatus, now: string, extra?: { executionName?: string }): Promise<void>;
  getUnit(cycleId: string, unitId: string): Promise<Unit | null>;
  listUnits(cycleId: string, cursor: string | null, limit: number): Promise<Page<Unit>>;

  /**
   * Adds the next version atomically: version = latest + 1; the status item follows, and the audit entry when
   * given, in the same transaction (its `what` gets the version number): a version is never stored unaudited.
   * With a request (the caller's Idempotency-Key, `caller#key`, and until when it stands), the key is
   * recorded in the same transaction: a second call with it, before it expires, stores nothing and returns the
   * version the first stored. Never overwrites.
   */
  addSubmission(input: Omit<SubmissionVersion, 'version'>, audit?: AuditEntry, request?: SubmissionRequest): Promise<SubmissionVersion>;
  /**
   * The version a request (its caller's Idempotency-Key) stored, if it stored one: a retry after a crash
   * between the version's write and its answer finds it here instead of storing another.
   */
  getSubmissionByRequest(cycleId: string, unitId: string, requestKey: string, now: number): Promise<SubmissionVersion | null>;
  getDeliverableStatus(cycleId: string, unitId: string, deliverableId: string): Promise<DeliverableStatus | null>;
  /** Every deliverable status of the unit (one per deliverable it submitted). */
  listDeliverableStatuses(cycleId: string, unitId: string): Promise<DeliverableStatus[]>;
  listSubmissions(cycleId: string): Promise<SubmissionVersion[]>;
  /** Every version the unit submitted, by deliverable then version. */
  listUnitSubmissions(cycleId: string, unitId: string): Promise<SubmissionVersion[]>;
  getSubmission(cycleId: string, unitId: string, deliverableId: string, version: number): Promise<SubmissionVersion | null>;

  /** Stores a new upload form (never overwrites one). */
  putUpload(upload: Upload): Promise<void>;
  getUpload(cycleId: string, unitId: string, uploadId: string): Promise<Upload | null>;
  /**
   * Records the check of a pending upload once: the first result wins; later calls get the stored upload
   * back with `updated: false`.
   */
  completeUploadCheck(
    cycleId: string,
    unitId: string,
    uploadId: string,
    result: Pick<Upload, 'status' | 'checkedAt' | 'document' | 'rejection'>,
  ): Promise<{ updated: boolean; upload: Upload }>;

  putWaitToken(token: WaitToken): Promise<void>;
  getWaitToken(cycleId: string, unitId: string, kind: WaitKind, key: string): Promise<WaitToken | null>;

  /** Writes the decision for its round once. Returns the stored one (which may be an earlier, different decision). */
  recordDecision(decision: ReviewDecision): Promise<{ recorded: boolean; decision: ReviewDecision }>;
  getDecision(cycleId: string, unitId: string, round: number): Promise<ReviewDecision | null>;
  listDecisions(cycleId: string): Promise<ReviewDecision[]>;

  /** First outcome wins; later calls return it unchanged. */
  recordOutcome(cycleId: string, unitId: string, outcome: UnitOutcomeStatus, now: string): Promise<{ recorded: boolean; outcome: UnitOutcomeStatus }>;
  listOutcomes(cycleId: string): Promise<UnitOutcomeRecord[]>;
  getOutcome(cycleId: string, unitId: string): Promise<UnitOutcomeRecord | null>;

  /**
   * The message ledger. claim: 'claimed' if this call may send (no entry, or a 'sending' entry whose lease
   * expired), 'sent' if it was sent, 'in-flight' if another attempt holds a live lease.
   */
  claimMessage(entry: Omit<LedgerEntry, 'status' | 'sentAt' | 'messageId'>, leaseExpiredBefore: string): Promise<ClaimResult>;
  markMessageSent(key: MessageKey, messageId: string, sentAt: string): Promise<void>;
  /** Gives back a claim whose send failed, so a retry may claim it at once: only if it is still this claim (same claimedAt) and unsent. */
  releaseMessage(key: MessageKey, claimedAt: string): Promise<void>;
  listMessages(cycleId: string): Promise<LedgerEntry[]>;
  /** The ledger entries about one unit. */
  listUnitMessages(cycleId: string, unitId: string): Promise<LedgerEntry[]>;

  /** Records a unit's 签收 of a notice once: the first wins; later calls get it back with `recorded: false`. */
  signNotice(signature: NoticeSignature): Promise<{ recorded: boolean; signature: NoticeSignature }>;
  /** The unit's 签收 records. */
  listNoticeSignatures(cycleId: string, unitId: string): Promise<NoticeSignature[]>;

  /** Stores a supervision proposal once (by its id); a repeat returns the stored one. */
  putProposal(proposal: SupervisionProposal): Promise<{ recorded: boolean; proposal: SupervisionProposal }>;
  getProposal(cycleId: string, unitId: string, proposalId: string): Promise<SupervisionProposal | null>;
  /** Every proposal of the cycle, oldest first. */
  listProposals(cycleId: string): Promise<SupervisionProposal[]>;
  /**
   * Decides a 'proposed' proposal once: the first decision wins; a later call gets the stored proposal back
   * with `recorded: false` (null if there is no such proposal).
   */
  decideProposal(
    cycleId: string,
    unitId: string,
    proposalId: string,
    decision: Required<Pick<SupervisionProposal, 'status' | 'decidedBy' | 'decidedAt'>> & Pick<SupervisionProposal, 'reason'>,
  ): Promise<{ recorded: boolean; proposal: SupervisionProposal } | null>;

  recordForwarding(record: ForwardingRecord): Promise<ForwardingRecord>;
  /** Appends an entry; one with a `key` is written once per cycle and key (a repeat is a no-op, never an error). */
  appendAudit(entry: AuditEntry): Promise<void>;
  listAudit(cycleId: string): Promise<AuditEntry[]>;

  /**
   * Marks an address undeliverable (the address is lower-cased). First mark wins: while a mark stands, later
   * calls return it unchanged (marked: false). A 'fixed' record is replaced only by a bounce that happened
   * after the fix (`since > fixedAt`), so a late redelivery of the old event does not undo the fix.
   */
  markContactUndeliverable(status: Omit<ContactStatus, 'status' | 'fixedBy' | 'fixedAt'>): Promise<{ marked: boolean; status: ContactStatus }>;
  /** The record for this address (any case), 'undeliverable' or 'fixed'; null if none. */
  getContactStatus(email: string): Promise<ContactStatus | null>;
  /** The city office fixed the address: 'undeliverable' -> 'fixed'. Returns the fixed record, or null if it was not undeliverable. */
  clearContactStatus(email: string, by: string, at: string): Promise<ContactStatus | null>;

  /** Stores an extension; all are kept (a later one for the same deliverable supersedes, it does not overwrite). */
  grantExtension(extension: Extension): Promise<void>;
  /** The unit's extensions, oldest grant first. */
  listExtensions(cycleId: string, unitId: string): Promise<Extension[]>;
  /** Every unit's extensions in the cycle. */
  listCycleExtensions(cycleId: string): Promise<Extension[]>;
  /** The name of the unit's current execution (it changes when an extension restarts it). */
  setUnitRun(cycleId: string, unitId: string, executionName: string): Promise<void>;
  getUnitRun(cycleId: string, unitId: string): Promise<string | null>;

  // ---- Idempotency keys (the API's Idempotency-Key header; see IdempotencyRecord) ------------------------
  /**
   * Claims a key for one run, atomically: 'claimed' when there is no record, or the record expired, or an
   * earlier claim's lease ran out (its Lambda died); otherwise the record that stands. Never overwrites a
   * completed record that has not expired.
   */
  claimIdempotencyKey(scope: IdempotencyScope, claim: IdempotencyClaim): Promise<{ claimed: true } | { claimed: false; record: IdempotencyRecord }>;
  /** Completes the run holding `claimId` with its outcome; false when the claim is no longer that run's. */
  completeIdempotencyKey(scope: IdempotencyScope, claimId: string, outcome: IdempotencyOutcome): Promise<boolean>;
  /** Gives the key back (the run was refused or failed), only if it is still held by `claimId`. */
  releaseIdempotencyKey(scope: IdempotencyScope, claimId: string): Promise<void>;
  // ---- end of idempotency keys --------------------------------------------------------------------------
}

// ---- The dashboard's reads: a page of units from their own partitions, the cycle's totals from counters ----

/** What one unit's dashboard row is built from: everything about the unit but its versions, tokens, uploads and audit. */
export interface UnitFacts {
  statuses: DeliverableStatus[];
  messages: LedgerEntry[];
  /** By round. */
  decisions: ReviewDecision[];
  outcome: UnitOutcomeRecord | null;
  /** Oldest grant first. */
  extensions: Extension[];
  /** The unit's 签收 records. */
  signatures: NoticeSignature[];
  /** The unit's failed inspection draws (resolved ones too), by window. */
  drawFailures: InspectionDrawFailure[];
}

/** Counters of the whole cycle, kept by the repository as it writes (never by reading every unit). */
export interface CycleTotals {
  /** Per deliverable: how many units' first version came on time, and late. */
  firstVersions: Record<string, { onTime: number; late: number }>;
  /** Per outcome: how many units have it recorded. */
  outcomes: Partial<Record<UnitOutcomeStatus, number>>;
}

export interface CycleRepository {
  /** One unit's facts for the dashboard (one request on DynamoDB). */
  readUnitFacts(cycleId: string, unitId: string): Promise<UnitFacts>;
  /** The cycle's counters: addSubmission counts a deliverable's first version, recordOutcome the first outcome. */
  getCycleTotals(cycleId: string): Promise<CycleTotals>;
}

// ---- The directory (通讯录): each unit's contacts as the city office corrected them -------------------------
export interface CycleRepository {
  /**
   * How many contact edits the cycle has had: 0 while every contact is the plan's. One small strongly
   * consistent read, made by every loadPlan, so an edit reaches the next email of any function at once.
   */
  getDirectoryRevision(cycleId: string): Promise<number>;
  /** The current version of every unit whose contacts were edited, and the revision they are at. */
  listUnitContacts(cycleId: string): Promise<{ revision: number; units: UnitContactsVersion[] }>;
  /** Every version of one unit's contacts, oldest first. */
  listUnitContactVersions(cycleId: string, unitId: string): Promise<UnitContactsVersion[]>;
  /**
   * Stores the unit's next version and its audit entry in one transaction, and counts the cycle's revision up:
   * only if the unit is still at `version - 1` (version 1: never edited). Otherwise nothing is stored and the
   * unit's current version comes back (`recorded: false`; null when it was never edited).
   */
  putUnitContacts(version: UnitContactsVersion, audit: AuditEntry): Promise<{ recorded: boolean; current: UnitContactsVersion | null }>;
}

// ---- The year's documents (core/exports): each generated document recorded once ----------------------------
export interface CycleRepository {
  /**
   * Records a document once per cycle and documentId: the first record wins; a repeat gets the stored one back
   * with `recorded: false` (a retried forwarding never records a second, different document).
   */
  recordCycleDocument(document: CycleDocument): Promise<{ recorded: boolean; document: CycleDocument }>;
  /** The cycle's documents, by documentId. */
  listCycleDocuments(cycleId: string): Promise<CycleDocument[]>;
}

// ---- Registered rosters (社区/村名单) and inspection samples (抽样), issue 10 ------------------------------------
/** The roster registration as a deliverable (CycleRepository.putRoster): its id, and whether this version is on time. */
export interface RosterDue {
  deliverableId: string;
  onTime: boolean;
}

export interface CycleRepository {
  /** The unit's current roster: its newest version; null if it never registered one. */
  getRoster(cycleId: string, unitId: string): Promise<RosterVersion | null>;
  /** Every version of the unit's roster, oldest first. */
  listRosterVersions(cycleId: string, unitId: string): Promise<RosterVersion[]>;
  /**
   * Stores the unit's next version and its audit entry in one transaction, only if the unit is still at
   * `version - 1` (version 1: never registered). Otherwise nothing is stored and the current version comes back.
   * With `due` (the plan asks for the roster: it is the deliverable `due.deliverableId`, core/plan/roster-deliverable.ts),
   * the deliverable's status goes in the same transaction, as addSubmission's does: created by the first version
   * (on time or late, and counted once in the cycle's totals), its latestVersion and lastReceivedAt moved by the
   * later ones. So a roster is registered exactly when its deliverable counts as submitted.
   */
  putRoster(version: RosterVersion, audit: AuditEntry, due?: RosterDue): Promise<{ recorded: boolean; current: RosterVersion | null }>;
  /** Records the unit's sample of a window once, with its audit entry (one transaction); a repeat gets the recorded one. */
  recordSample(sample: InspectionSample, audit: AuditEntry): Promise<{ recorded: boolean; sample: InspectionSample }>;
  getSample(cycleId: string, unitId: string, windowId: string): Promise<InspectionSample | null>;
  /** Stores the unit's draw failure of a window in place of the last (core/inspection/model.ts InspectionDrawFailure). */
  putDrawFailure(failure: InspectionDrawFailure): Promise<void>;
  getDrawFailure(cycleId: string, unitId: string, windowId: string): Promise<InspectionDrawFailure | null>;
}

// ---- 上报确认: the running office signs off the qualifying list before it goes up (core/use-cases/forwarding.ts) ----
export interface CycleRepository {
  /** Records the confirmation once (conditional put): the first wins; a later call gets it back with `recorded: false`. */
  recordListConfirmation(confirmation: ListConfirmation): Promise<{ recorded: boolean; confirmation: ListConfirmation }>;
  getListConfirmation(cycleId: string): Promise<ListConfirmation | null>;
  /** Stores the waiting task's token in place of the last one. */
  putConfirmationWait(wait: ConfirmationWait): Promise<void>;
  getConfirmationWait(cycleId: string): Promise<ConfirmationWait | null>;
  /** The list as it went to the superior (recordForwarding's first write), if it went. */
  getForwarding(cycleId: string): Promise<ForwardingRecord | null>;
}

// ---- Inspection results and score sheets (检查结果、考核评分表), issue 10 item 4 ------------------------------------
export interface CycleRepository {
  /** The unit's results of a window, one per sampled community that has one, by position. */
  listInspectionResults(cycleId: string, unitId: string, windowId: string): Promise<InspectionResult[]>;
  /**
   * Stores a community's result and its audit entry in one transaction, only if the stored result is still at
   * `version - 1` (version 1: none recorded). Otherwise nothing is stored and the current one comes back.
   */
  putInspectionResult(result: InspectionResult, audit: AuditEntry): Promise<{ recorded: boolean; current: InspectionResult | null }>;
  getInspectionScore(cycleId: string, unitId: string, windowId: string): Promise<InspectionScoreSheet | null>;
  /** As putInspectionResult, for the unit's one score sheet of the window. */
  putInspectionScore(sheet: InspectionScoreSheet, audit: AuditEntry): Promise<{ recorded: boolean; current: InspectionScoreSheet | null }>;
}

// ---- Idempotency keys -------------------------------------------------------------------------------------
/** Whose key for what: a key is the caller's own, per route (function name). */
export interface IdempotencyScope {
  caller: string;
  route: string;
  key: string;
}

export interface IdempotencyClaim {
  /** SHA-256 of the canonical request (path parameters and body). */
  fingerprint: string;
  /** This run's own id, so a late completion or release of an earlier run cannot touch a newer claim. */
  claimId: string;
  /** Epoch milliseconds. */
  now: number;
  /** Epoch milliseconds until which the claim holds the key while it runs. */
  leaseUntil: number;
  /** Epoch milliseconds after which the record is forgotten (the table's TTL). */
  expiresAt: number;
}

/** A response as it was sent, to send again. */
export interface KeptResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type IdempotencyOutcome =
  | { kind: 'kept'; response: KeptResponse; completedAt: string }
  /** Done, but the response was too large to keep: a retry is told so, and where the result is. */
  | { kind: 'not-kept'; status: number; location?: string; bytes: number; completedAt: string };

export type IdempotencyRecord =
  | { state: 'in-progress'; fingerprint: string; claimId: string; leaseUntil: number; expiresAt: number }
  | ({ state: 'completed'; fingerprint: string; expiresAt: number } & IdempotencyOutcome);
// ---- end of idempotency keys ------------------------------------------------------------------------------

export interface OutgoingEmail {
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  html: string;
  /**
   * Message tags (SES `Tags`): SES copies them into its bounce and complaint events, which is how an event
   * finds its cycle. Any string; the SES adapter encodes values to SES's [A-Za-z0-9_-].
   */
  tags?: Record<string, string>;
}

export interface Mailer {
  /** Sends one email; throws TransientError when it may pass (throttling, 5xx). */
  send(email: OutgoingEmail): Promise<{ messageId: string }>;
}

export interface WorkflowEngine {
  /** Starts the cycle's execution; 'exists' if one with this name already runs with the same input. */
  startCycle(executionName: string, input: { cycleId: string }): Promise<'started' | 'exists'>;
  startUnit(executionName: string, input: unknown): Promise<'started' | 'exists'>;
  /** Completes a waiting callback; 'gone' if the task already finished, timed out or was stopped. */
  completeTask(token: string, output: unknown): Promise<'completed' | 'gone'>;
  /** Completes a waiting callback of a YearlyCycle execution (上报确认); a grant of its own, on that state machine only. */
  completeCycleTask(token: string, output: unknown): Promise<'completed' | 'gone'>;
  /** Stops a unit execution by name; 'not-running' if there is none by that name or it already ended. */
  stopUnit(executionName: string, cause: string): Promise<'stopped' | 'not-running'>;
}

/**
 * The documents bucket. Browsers upload to `incoming/` keys through presigned POST forms; only the server
 * writes under `documents/`, by copying an upload there before it checks it, so what was checked is what
 * is kept and nobody can overwrite it.
 */
export interface DocumentStore {
  /** A presigned POST form for exactly this key, type and size range (minBytes defaults to 1). */
  createUploadForm(input: {
    key: string;
    contentType: string;
    minBytes?: number;
    maxBytes: number;
    expiresInSeconds: number;
  }): Promise<{ url: string; fields: Record<string, string> }>;
  /** Server-side copy; false if the source does not exist. */
  copy(fromKey: string, toKey: string): Promise<boolean>;
  /** Stores bytes the server generated (the year's documents) under `key`, replacing what was there. */
  put(input: { key: string; bytes: Uint8Array; contentType: string }): Promise<void>;
  /** The object's bytes, or null if it does not exist; TooLarge if it exceeds maxBytes. */
  read(key: string, maxBytes: number): Promise<Uint8Array | null | 'too-large'>;
  /**
   * A short-lived link that names the file: to download it, or with `inline` to show it in the browser (a PDF
   * in the review page; the type is the one the server checked, so nothing else can be shown inline).
   */
  downloadUrl(input: { key: string; fileName: string; contentType: string; expiresInSeconds: number; inline?: boolean }): Promise<string>;
}

export interface Clock {
  now(): number;
}

export interface Deps {
  repo: CycleRepository;
  mailer: Mailer;
  workflow: WorkflowEngine;
  documents: DocumentStore;
  clock: Clock;
}
