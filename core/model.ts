/**
 * What the product stores about a cycle, apart from the plan itself (./plan/schema.ts).
 * Instants are ISO-8601 UTC strings (`...Z`, milliseconds kept); they are shown in Beijing time.
 */
import type { PhaseKind } from './plan/schema';
import type { Problem } from './validation';

export type CycleStatus = 'stored' | 'running' | 'forwarded' | 'closed';

export interface CycleRecord {
  cycleId: string;
  status: CycleStatus;
  /** SHA-256 of the plan's canonical JSON: the one plan this cycle runs. */
  planHash: string;
  storedAt: string;
  executionName?: string;
  forwardedAt?: string;
  closedAt?: string;
}

export interface DocumentRef {
  /** The upload it came from. */
  uploadId: string;
  /** Object key chosen by the server (documents bucket), written only by the server after its check. */
  key: string;
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
}

/** One immutable version of a deliverable (实施方案, 进展报告, 自评报告). */
export interface SubmissionVersion {
  cycleId: string;
  unitId: string;
  deliverableId: string;
  version: number;
  /** The server's receipt time (回执时间). Nobody can edit it. */
  receivedAt: string;
  onTime: boolean;
  submittedBy: string;
  narrative?: string;
  documents: DocumentRef[];
  /** The structured self-assessment (自评报告), for the reviewed deliverable only. */
  selfAssessment?: SelfAssessment;
}

/** One rubric item as the county scores itself, with the uploads that evidence it. */
export interface SelfScore {
  itemId: string;
  score: number;
  /** Upload ids; each is also among the version's documents. */
  evidence: string[];
  note?: string;
}

/** One community or village of the county's roster (社区/村名单). */
export interface RosterEntry {
  name: string;
  /** 已创建: no pyramid-selling organisation, activity, organised residents or premises. */
  created: boolean;
  /** 合格: passed the county's own check (only a created community can be qualified). */
  qualified: boolean;
}

/** What the server computes from a self-assessment; nobody sends these numbers. */
export interface SelfAssessmentFigures {
  communities: number;
  created: number;
  qualified: number;
  /** created / communities (创建覆盖率), 0..1; null when the roster is empty. */
  coverage: number | null;
  /** qualified / created (合格率), 0..1; null when nothing is created. */
  passRate: number | null;
  /** The plan's targets it was measured against (plan.targets), 0..1 like the figures. Absent on versions stored before targets were in the plan. */
  targets?: { coverage: number; passRate: number };
  /** Standard and bonus points minus deductions, as the county scored itself. */
  selfScore: number;
  /** The rubric's total. */
  total: number;
  /**
   * The registered roster (社区/村名单, issue 10) the figures were measured against: its version. Absent when the
   * unit had registered none (the figures count the report's own list, as before rosters were registered).
   */
  registeredRoster?: { version: number; communities: number };
}

export interface SelfAssessment {
  narrative: string;
  scores: SelfScore[];
  roster: RosterEntry[];
  figures: SelfAssessmentFigures;
  /** Where it falls short (coverage or pass rate below the plan's targets, items not scored): shown before the county confirms, kept with the version. */
  findings: Problem[];
}

/** An upload form the server issued, and what its check found where the file landed. */
export interface Upload {
  cycleId: string;
  unitId: string;
  uploadId: string;
  /** Where the form lets the browser put the file (incoming/ prefix, expires). */
  incomingKey: string;
  fileName: string;
  /** The declared type, from the allow-list. */
  contentType: string;
  /** The size the county announced: the form accepts exactly this many bytes, and the check compares it. */
  announcedSize?: number;
  createdBy: string;
  createdAt: string;
  /** When the form stops working. */
  formExpiresAt: string;
  status: 'pending' | 'checked' | 'rejected';
  checkedAt?: string;
  /** Set when checked: the server's copy, its size and hash. */
  document?: DocumentRef;
  /** Set when rejected: why, named like a validation problem. */
  rejection?: Problem;
}

/** Who acts, as the API established it from the token (never from the request body). */
export interface Actor {
  /** The user's name in the identity provider (Cognito username). */
  id: string;
  role: 'county' | 'city' | 'inspector';
  /** For a county user: the unit the server assigned (a Cognito group), never one the user chose. */
  unitId?: string;
  /**
   * For an inspector (检查组成员): the inspection group of the plan the account is in (Cognito group
   * `inspector-<groupId>`). What it may inspect follows from each cycle's plan, never from the account.
   */
  groupId?: string;
}

export interface DeliverableStatus {
  cycleId: string;
  unitId: string;
  deliverableId: string;
  latestVersion: number;
  firstReceivedAt: string;
  lastReceivedAt: string;
  /** Whether the first version arrived on time. */
  onTime: boolean;
  /** Whether the latest version arrived on time (against a rectification deadline, for a resubmission). */
  latestOnTime: boolean;
  /**
   * The latest version's self-assessment figures (创建覆盖率, 合格率), kept beside the status so the dashboard
   * reads them without the version itself. Absent for a deliverable without a self-assessment, and on status
   * items written before this field existed (until the next version).
   */
  latestFigures?: SelfAssessmentFigures;
}

export type WaitKind = 'submission' | 'review';

/** A Step Functions task token, stored server-side; it never leaves the backend. */
export interface WaitToken {
  cycleId: string;
  unitId: string;
  kind: WaitKind;
  /** submission: the reviewed deliverable id; review: the round number as a string. */
  key: string;
  token: string;
  /** submission waits complete when a version newer than this arrives. */
  afterVersion: number;
  storedAt: string;
}

export type ReviewOutcome = 'approved' | 'returned';

/** The city's preliminary-review (初评) decision for one round. Written once. */
/** The city's score for one rubric item, with its reason. */
export interface ItemScore {
  itemId: string;
  score: number;
  reason?: string;
}

export interface ReviewDecision {
  cycleId: string;
  unitId: string;
  round: number;
  version: number;
  outcome: ReviewOutcome;
  reason?: string;
  /** The city's score per rubric item (and the sum over them). */
  scores?: ItemScore[];
  cityScore?: number;
  /** For 'returned': the rectification deadline's last day (Beijing) the city set; absent, the plan's rule gives it. */
  rectificationLastDay?: string;
  decidedBy: string;
  decidedAt: string;
}

export type UnitOutcomeStatus = 'qualified' | 'not-qualified' | 'not-submitted' | 'rectification-missed' | 'review-overdue';

export interface UnitOutcomeRecord {
  cycleId: string;
  unitId: string;
  outcome: UnitOutcomeStatus;
  recordedAt: string;
}

export type MessageKind =
  | 'phase-opened'
  | 'reminder'
  | 'escalation'
  | 'receipt'
  | 'rectification'
  | 'outcome'
  | 'province-forwarding'
  /** To the city office: a directory address bounced or complained; milestone `<address>#<since>`. */
  | 'contact-undeliverable'
  /** To the city office, once per cycle: the cycle's dates reach a year whose official calendar is not published. */
  | 'calendar-warning'
  /** To the city office: a scheduled notice could not be sent after every retry; milestone names the notice. */
  | 'delivery-failure'
  /** To the unit office (cc its leader): the city granted an extension; milestone `<deliverableId>#<new lastDay>`. */
  | 'extension'
  /** To the unit office (cc its leader): the city confirmed a 通报批评 and 挂牌督办 proposal; milestone the proposal id. */
  | 'criticism'
  /** The unit's inspection sample (抽样结果), to each group member and the unit office; milestone the window id. */
  | 'inspection-sample'
  /** To the city office: the unit had no registered roster when its sample was to be drawn; milestone the window id. */
  | 'inspection-no-roster'
  /** 交叉检查结果通知, to the unit office (cc its leader) after the window's last day; milestone the window id. */
  | 'inspection-result'
  /** To the running office: the unit's draw failed after its retries and will be retried; milestone the window id. */
  | 'inspection-draw-failed'
  /** To the running office: every retry of the unit's draw failed and the window closed; milestone the window id. */
  | 'inspection-draw-gave-up'
  /** To the running office: confirm the qualifying list (上报确认); milestone `forwarding`. */
  | 'confirmation-request'
  /** The list not confirmed by the forwarding date: rung 1 to the office's leader, then reminders; milestone `L<level>`. */
  | 'confirmation-escalation'
  /** To a qualified unit's office (cc its leader): 通报表扬; milestone the commendation id. */
  | 'commendation';

/**
 * An extension (延期) the city office granted one unit for one deliverable. Kept forever; a later one for the
 * same deliverable supersedes an earlier one (the newest `grantedAt` wins).
 */
export interface Extension {
  cycleId: string;
  unitId: string;
  deliverableId: string;
  /** The new last day, YYYY-MM-DD in Beijing (the plan's non-working-day policy still applies). */
  lastDay: string;
  /** The effective last day before this extension (the plan's, or an earlier extension's). */
  previousLastDay: string;
  grantedBy: string;
  grantedAt: string;
  reason: string;
}

/** The ledger key: what a message is about. One message per key, ever. */
export interface MessageKey {
  cycleId: string;
  /** null for cycle-level messages (forwarding to the province). */
  unitId: string | null;
  kind: MessageKind;
  /** Which occurrence: e.g. `self-assessment-report#2016-11-09#D-3` (reminders and escalations name the last day), `round-1`, `implementation-plan#v2`. */
  milestone: string;
  /**
   * Whom the message is for (its To), as the stored plan names that contact: the plan's address. When the
   * city office changes the contact's address in the directory (通讯录), the message goes to the new address
   * (LedgerEntry.to) under the same key, so a step that runs again never sends it a second time.
   */
  recipient: string;
}

export interface LedgerEntry extends MessageKey {
  status: 'sending' | 'sent';
  subject: string;
  cc: string[];
  claimedAt: string;
  sentAt?: string;
  messageId?: string;
  /** The address it went to, when the directory had changed the contact's address (else it went to `recipient`). */
  to?: string;
  /** When the twin or AWS ran this send (sim or real time). */
  phase?: PhaseKind;
}

/**
 * A unit's 签收 (signing for) of one notice the system sent it: written once, by the first county user who
 * signs; a second signing changes nothing and gets this record back.
 */
export interface NoticeSignature {
  cycleId: string;
  unitId: string;
  /** The notice's id (core/use-cases/unit-messages.ts `messageIdOf`: a hash of its ledger key). */
  messageId: string;
  kind: MessageKind;
  milestone: string;
  signedBy: string;
  signedAt: string;
}

/**
 * A drafted 通报批评 with a proposal to list the unit for supervision (挂牌督办): the top of the escalation
 * ladder. The system never issues it; the city office confirms it (the unit then gets the 通报批评, a notice
 * to sign for) or withdraws it, once.
 */
export interface SupervisionProposal {
  cycleId: string;
  unitId: string;
  /** 32 hex digits: a hash of the escalation's ledger milestone (one proposal per missed deadline). */
  proposalId: string;
  /** The escalation's ledger milestone, e.g. `self-assessment-report#2016-11-09#E3`. */
  milestone: string;
  deliverableId: string;
  /** What was missed: the deliverable's deadline, the rectification deadline, or the 签收 of the rectification notice. */
  about: 'deliverable' | 'rectification' | 'signing';
  /** The deadline that was missed (UTC instant). */
  dueAt: string;
  level: number;
  proposedAt: string;
  status: 'proposed' | 'confirmed' | 'withdrawn';
  decidedBy?: string;
  decidedAt?: string;
  /** Why it was withdrawn, or the city's note on confirming. */
  reason?: string;
}

export interface ForwardingRecord {
  cycleId: string;
  qualified: string[];
  notQualified: string[];
  forwardedAt: string;
}

export interface AuditEntry {
  cycleId: string;
  unitId: string | null;
  at: string;
  actor: string;
  role: 'county' | 'city' | 'inspector' | 'system';
  action:
    | 'submit' | 'decide' | 'start-cycle' | 'forward' | 'mark-undeliverable' | 'fix-contact' | 'propose-supervision' | 'extend'
    | 'upload' | 'check-upload' | 'sign-notice' | 'confirm-supervision' | 'withdraw-supervision' | 'edit-contacts'
    | 'register-roster' | 'draw-sample' | 'draw-failed' | 'draw-gave-up' | 'record-inspection-result' | 'record-inspection-score'
    | 'confirm-forwarding' | 'commend';
  what: Record<string, unknown>;
  why?: string;
  /**
   * Makes the entry idempotent: an entry with a key is stored once per cycle and key, so a retried step that
   * writes it again (after its conditional write or send succeeded the first time) changes nothing and
   * loses nothing. Name what the entry is about, e.g. `propose-supervision#<ledger milestone>`.
   */
  key?: string;
}

export type UndeliverableReason = 'bounce' | 'complaint';

/**
 * What we know about one directory address (通讯录邮箱), keyed by the address in lower case. Written when
 * SES reports a permanent bounce or a complaint; the notifier sends nothing to an 'undeliverable' address
 * until the city office marks it fixed.
 */
export interface ContactStatus {
  /** Lower case. */
  email: string;
  status: 'undeliverable' | 'fixed';
  reason: UndeliverableReason;
  /** What the receiving side said, e.g. `Permanent/General: smtp; 550 5.1.1 user unknown`. */
  detail: string;
  /** When the bounce or complaint happened (the SES event's timestamp): first mark wins. */
  since: string;
  /** The SES message id of the email that bounced. */
  messageId?: string;
  /** The cycle and unit of that email (from its SES tags), when known. */
  cycleId?: string;
  unitId?: string;
  fixedBy?: string;
  fixedAt?: string;
}

// ---- The directory (通讯录): the city office's corrections to the plan's contacts ---------------------------

/** The contacts a unit has (the plan's `office` and `leader`), by role. */
export type UnitContactRole = 'office' | 'leader';

/** One contact as the directory keeps it: the plan's fields, a phone the city office may add, and where it came from. */
export interface DirectoryContact {
  name?: string;
  email: string;
  phone?: string;
  /** When and by whom the city office set this address; absent while it is the plan's own. */
  setAt?: string;
  setBy?: string;
  /** The undeliverable address this one replaced: the change marked it fixed (通讯录已更正). */
  replaced?: { email: string; reason: UndeliverableReason; since: string };
}

/**
 * One version of a unit's contacts, as the city office edited them. Version 0 is the plan's own and is never
 * stored; every edit stores the next version (all are kept) and moves the unit's current version to it.
 * The stored plan never changes: the notifier reads the current version over it (core/directory.ts).
 */
export interface UnitContactsVersion {
  cycleId: string;
  unitId: string;
  version: number;
  contacts: Record<UnitContactRole, DirectoryContact>;
  /** What this version replaced (the previous version, or the plan's contacts). */
  previous: Record<UnitContactRole, DirectoryContact>;
  editedBy: string;
  editedAt: string;
  reason?: string;
  /** SHA-256 of the edit's request (`caller#Idempotency-Key`): a retry after a crash finds what it stored. */
  requestHash?: string;
}

// ---- The year's documents (core/exports): generated on forwarding, stored in the documents bucket ---------

export type CycleDocumentKind = 'province-workbook' | 'forwarding-report' | 'criticism-draft';

/** One generated document, recorded once when it is first stored (its bytes are a function of the cycle's data). */
export interface CycleDocument {
  cycleId: string;
  /** `province-workbook`, `forwarding-report`, `criticism-draft-<unitId>`: one per cycle and id. */
  documentId: string;
  kind: CycleDocumentKind;
  /** The unit a 通报批评 draft is about; null for the cycle's own documents. */
  unitId: string | null;
  /** The file name it downloads under, e.g. 关于报送…的报告.docx. */
  name: string;
  /** Its object key in the documents bucket, under documents/<cycleId>/_cycle/. */
  key: string;
  contentType: string;
  size: number;
  sha256: string;
  /** The forwarding's instant: the date the document bears. */
  createdAt: string;
}

/**
 * 上报确认: the running office confirmed the qualifying list, once (a conditional write; the first wins). The
 * list is the recorded outcomes at that moment, and only a list with every unit's outcome recorded can be
 * confirmed; outcomes are written once, so it is also the list that goes to the superior.
 */
export interface ListConfirmation {
  cycleId: string;
  qualified: string[];
  notQualified: string[];
  confirmedBy: string;
  confirmedAt: string;
  /** An optional note of the office, kept with the confirmation (it does not change the list). */
  note?: string;
}

/** The YearlyCycle's waiting AwaitListConfirmation task: its token, replaced by each new wait. Server-side only. */
export interface ConfirmationWait {
  cycleId: string;
  token: string;
  storedAt: string;
}
