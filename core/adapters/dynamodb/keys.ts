/**
 * The one place that builds DynamoDB keys for the cycle table (single-table design, see ../README.md).
 * Nothing else concatenates key strings.
 *
 * Cycle and unit ids are slugs (no `#`). Free-text segments (ledger milestone and recipient, wait-token key)
 * may contain `#`, so they are escaped (`%` -> `%25`, `#` -> `%23`) to keep every key unambiguous.
 */
import type { MessageKey, WaitKind } from '../../model';

export interface ItemKey {
  PK: string;
  SK: string;
}

export interface Gsi1Key {
  GSI1PK: string;
  GSI1SK: string;
}

export const GSI1 = 'GSI1';

/** Entity names written to every item's `entityType`. */
export const ENTITY = {
  cycle: 'Cycle',
  plan: 'Plan',
  unit: 'Unit',
  unitOrder: 'UnitOrder',
  forwarding: 'Forwarding',
  deliverable: 'DeliverableStatus',
  submission: 'Submission',
  submissionRequest: 'SubmissionRequest',
  waitToken: 'WaitToken',
  decision: 'Decision',
  outcome: 'Outcome',
  message: 'Message',
  audit: 'Audit',
  contactStatus: 'ContactStatus',
  extension: 'Extension',
  unitRun: 'UnitRun',
  upload: 'Upload',
  idempotencyKey: 'IdempotencyKey',
  cycleIndex: 'CycleIndex',
  noticeSignature: 'NoticeSignature',
  proposal: 'SupervisionProposal',
  directoryRevision: 'DirectoryRevision',
  unitContacts: 'UnitContacts',
  unitContactsVersion: 'UnitContactsVersion',
  cycleDocument: 'CycleDocument',
  rosterVersion: 'RosterVersion',
  inspectionSample: 'InspectionSample',
  inspectionDrawFailure: 'InspectionDrawFailure',
  listConfirmation: 'ListConfirmation',
  confirmationWait: 'ConfirmationWait',
  inspectionResult: 'InspectionResult',
  inspectionScore: 'InspectionScoreSheet',
} as const;

/** How many unit ids one UnitOrder item holds (1,000 ids of <= 40 chars stay far below 400 KB). */
export const UNIT_ORDER_CHUNK = 1000;

/** Cycle-wide listings served by GSI1. */
export type CycleListing = 'MSG' | 'SUB' | 'DECISION' | 'AUDIT' | 'OUTCOME' | 'EXTENSION' | 'PROPOSAL';

const esc = (s: string) => s.replace(/%/g, '%25').replace(/#/g, '%23');
const pad = (n: number, width: number) => String(n).padStart(width, '0');
const unitOrCycle = (unitId: string | null) => unitId ?? '-';

const cyclePk = (cycleId: string) => `CYCLE#${cycleId}`;
const unitPk = (cycleId: string, unitId: string) => `CYCLE#${cycleId}#UNIT#${unitId}`;
/** Items about the cycle as a whole that are not part of the plan (cycle-level ledger and audit). */
const cycleScopePk = (cycleId: string) => `CYCLE#${cycleId}#CYCLE`;
const scopePk = (cycleId: string, unitId: string | null) => (unitId === null ? cycleScopePk(cycleId) : unitPk(cycleId, unitId));

/**
 * Cycle-wide listings are spread over LISTING_SHARDS index partitions by unit, so 2,800 units writing at
 * the same 09:00 never meet on one GSI partition (about 1,000 writes/s each); a listing reads them all.
 */
export const LISTING_SHARDS = 16;
export function listingShard(unitId: string | null): number {
  if (unitId === null) return 0;
  let h = 0x811c9dc5; // FNV-1a: stable across runtimes and deployments
  for (let i = 0; i < unitId.length; i++) h = Math.imul(h ^ unitId.charCodeAt(i), 0x01000193) >>> 0;
  return h % LISTING_SHARDS;
}
export const listingPk = (cycleId: string, listing: CycleListing, shard: number) => `CYCLE#${cycleId}#${listing}#${pad(shard, 2)}`;

/** Sort-key prefixes used with begins_with / BETWEEN inside the cycle partition. */
export const cyclePartition = (cycleId: string) => cyclePk(cycleId);
export const UNIT_PREFIX = 'UNIT#';
export const EXTENSION_PREFIX = 'EXTENSION#';
export const SUBMISSION_PREFIX = 'SUBMISSION#';
export const DELIVERABLE_PREFIX = 'DELIVERABLE#';
export const MESSAGE_PREFIX = 'MSG#';
/** A unit's 签收 records; the last prefix inside UNIT_FACTS_RANGE. */
export const SIGNATURE_PREFIX = 'SIGNED#';
/** The one partition that lists the stored cycles (a handful a year: never hot). */
export const CYCLE_INDEX_PK = 'CYCLES';
/** The partition of everything one unit does (for begins_with queries such as the unit's extensions). */
export const unitPartition = (cycleId: string, unitId: string) => unitPk(cycleId, unitId);
/**
 * The cycle's directory (通讯录): its revision and each edited unit's current contacts, read whole by one
 * Query when the revision moved. Apart from the plan's partition, which holds only what is written once.
 */
export const directoryPartition = (cycleId: string) => `CYCLE#${cycleId}#DIRECTORY`;
/** A unit's contact versions in its own partition; CONTACTS# sorts before DECISION#, outside UNIT_FACTS_RANGE. */
export const CONTACTS_VERSION_PREFIX = 'CONTACTS#';
export const DIRECTORY_UNIT_PREFIX = 'UNIT#';
/** The year's generated documents (core/exports), one Query for the cycle's list. */
export const documentsPartition = (cycleId: string) => `CYCLE#${cycleId}#DOCUMENTS`;
export const DOCUMENT_PREFIX = 'DOCUMENT#';
/**
 * A unit's registered roster versions (社区/村名单) and its inspection samples, in its own partition. Both sort
 * before DECISION#, outside UNIT_FACTS_RANGE: a roster of 2,000 communities is a large item the dashboard
 * must not read (so not `ROSTER#`, which would fall inside the range).
 */
export const ROSTER_VERSION_PREFIX = 'COMMUNITIES#';
export const SAMPLE_PREFIX = 'CHECK-SAMPLE#';
/** A sampled community's inspection result (per window and position) and the unit's score sheet per window: beside the sample. */
export const RESULT_PREFIX = 'CHECK-RESULT#';
export const SCORE_PREFIX = 'CHECK-SCORE#';
/**
 * A unit's failed inspection draw of one window: a small item, and DRAW-FAILURE# sorts inside UNIT_FACTS_RANGE
 * (after DELIVERABLE#), so the dashboard's one read per unit finds it.
 */
export const DRAW_FAILURE_PREFIX = 'DRAW-FAILURE#';

export const keys = {
  cycle: (cycleId: string): ItemKey => ({ PK: cyclePk(cycleId), SK: 'CYCLE' }),
  /** The plan without its units, plus planHash and unitCount. */
  plan: (cycleId: string): ItemKey => ({ PK: cyclePk(cycleId), SK: 'PLAN' }),
  unit: (cycleId: string, unitId: string): ItemKey => ({ PK: cyclePk(cycleId), SK: `${UNIT_PREFIX}${unitId}` }),
  /** Chunk n of the plan's unit ids in plan order (listUnits pages through these). */
  unitOrder: (cycleId: string, chunk: number): ItemKey => ({ PK: cyclePk(cycleId), SK: `ORDER#${pad(chunk, 4)}` }),
  forwarding: (cycleId: string): ItemKey => ({ PK: cyclePk(cycleId), SK: 'FORWARDING' }),
  /** One generated document (ids are slugs: `criticism-draft-<unitId>`). */
  cycleDocument: (cycleId: string, documentId: string): ItemKey => ({ PK: documentsPartition(cycleId), SK: `${DOCUMENT_PREFIX}${esc(documentId)}` }),
  /** 上报确认: the office's confirmation of the list (written once) and the YearlyCycle's waiting token. */
  listConfirmation: (cycleId: string): ItemKey => ({ PK: cyclePk(cycleId), SK: 'FORWARDING#CONFIRMATION' }),
  confirmationWait: (cycleId: string): ItemKey => ({ PK: cyclePk(cycleId), SK: 'FORWARDING#TOKEN' }),
  /** A stored cycle's entry in the list of cycles (written with its plan). */
  cycleIndex: (cycleId: string): ItemKey => ({ PK: CYCLE_INDEX_PK, SK: `CYCLE#${cycleId}` }),
  /** A unit's 签收 of one notice (message ids are hex). */
  noticeSignature: (cycleId: string, unitId: string, messageId: string): ItemKey => ({
    PK: unitPk(cycleId, unitId),
    SK: `${SIGNATURE_PREFIX}${messageId}`,
  }),

  /** A 通报批评 / 挂牌督办 proposal (ids are hex); PROPOSAL# sorts inside UNIT_FACTS_RANGE (read, and ignored). */
  proposal: (cycleId: string, unitId: string, proposalId: string): ItemKey => ({
    PK: unitPk(cycleId, unitId),
    SK: `PROPOSAL#${proposalId}`,
  }),

  deliverable: (cycleId: string, unitId: string, deliverableId: string): ItemKey => ({
    PK: unitPk(cycleId, unitId),
    SK: `${DELIVERABLE_PREFIX}${deliverableId}`,
  }),
  submission: (cycleId: string, unitId: string, deliverableId: string, version: number): ItemKey => ({
    PK: unitPk(cycleId, unitId),
    SK: `${SUBMISSION_PREFIX}${deliverableId}#V#${pad(version, 4)}`,
  }),
  /** The version a request stored, by the hash of its key (`caller#Idempotency-Key`). */
  submissionRequest: (cycleId: string, unitId: string, requestKeyHash: string): ItemKey => ({
    PK: unitPk(cycleId, unitId),
    SK: `REQUEST#${requestKeyHash}`,
  }),
  waitToken: (cycleId: string, unitId: string, kind: WaitKind, key: string): ItemKey => ({
    PK: unitPk(cycleId, unitId),
    SK: `TOKEN#${kind}#${esc(key)}`,
  }),
  decision: (cycleId: string, unitId: string, round: number): ItemKey => ({
    PK: unitPk(cycleId, unitId),
    SK: `DECISION#${pad(round, 2)}`,
  }),
  outcome: (cycleId: string, unitId: string): ItemKey => ({ PK: unitPk(cycleId, unitId), SK: 'OUTCOME' }),
  message: (k: MessageKey): ItemKey => ({
    PK: scopePk(k.cycleId, k.unitId),
    SK: `${MESSAGE_PREFIX}${k.kind}#${esc(k.milestone)}#${esc(k.recipient)}`,
  }),
  audit: (cycleId: string, unitId: string | null, at: string, seq: string): ItemKey => ({
    PK: scopePk(cycleId, unitId),
    SK: `AUDIT#${at}#${seq}`,
  }),
  /** An audit entry with an idempotency key: the key alone names it, so a retry's later `at` cannot make a second one. */
  auditOnce: (cycleId: string, key: string): ItemKey => ({
    PK: cycleScopePk(cycleId),
    SK: `AUDIT#KEY#${esc(key)}`,
  }),
  /** One granted extension; all are kept, the newest grantedAt of a deliverable wins. */
  extension: (cycleId: string, unitId: string, deliverableId: string, grantedAt: string): ItemKey => ({
    PK: unitPk(cycleId, unitId),
    SK: `${EXTENSION_PREFIX}${deliverableId}#${grantedAt}`,
  }),
  /** An upload form and its check (upload ids are UUIDs). */
  upload: (cycleId: string, unitId: string, uploadId: string): ItemKey => ({ PK: unitPk(cycleId, unitId), SK: `UPLOAD#${uploadId}` }),
  /** The name of the unit's current execution. */
  unitRun: (cycleId: string, unitId: string): ItemKey => ({ PK: unitPk(cycleId, unitId), SK: 'RUN' }),
  /** An address's deliverability, across cycles (a directory address outlives a cycle); lower-cased here. */
  contactStatus: (email: string): ItemKey => ({ PK: `CONTACT#${esc(email.toLowerCase())}`, SK: 'STATUS' }),
  /** How many contact edits the cycle has had (loadPlan reads it on every call). */
  directoryRevision: (cycleId: string): ItemKey => ({ PK: directoryPartition(cycleId), SK: 'REVISION' }),
  /** A unit's current contacts (the newest of its versions). */
  unitContacts: (cycleId: string, unitId: string): ItemKey => ({ PK: directoryPartition(cycleId), SK: `${DIRECTORY_UNIT_PREFIX}${unitId}` }),
  /** One version of a unit's contacts, kept for good. */
  unitContactsVersion: (cycleId: string, unitId: string, version: number): ItemKey => ({
    PK: unitPk(cycleId, unitId),
    SK: `${CONTACTS_VERSION_PREFIX}${pad(version, 4)}`,
  }),
  /** One version of a unit's registered roster, kept for good (the newest is the current one). */
  rosterVersion: (cycleId: string, unitId: string, version: number): ItemKey => ({
    PK: unitPk(cycleId, unitId),
    SK: `${ROSTER_VERSION_PREFIX}${pad(version, 4)}`,
  }),
  /** A unit's inspection sample of one window (window ids are slugs), written once. */
  inspectionSample: (cycleId: string, unitId: string, windowId: string): ItemKey => ({
    PK: unitPk(cycleId, unitId),
    SK: `${SAMPLE_PREFIX}${windowId}`,
  }),
  /** A unit's failed draw of one window, overwritten by each failed attempt. */
  drawFailure: (cycleId: string, unitId: string, windowId: string): ItemKey => ({
    PK: unitPk(cycleId, unitId),
    SK: `${DRAW_FAILURE_PREFIX}${windowId}`,
  }),
  /** One sampled community's result (its position in the sample, 1-based), overwritten only on its own version. */
  inspectionResult: (cycleId: string, unitId: string, windowId: string, position: number): ItemKey => ({
    PK: unitPk(cycleId, unitId),
    SK: `${RESULT_PREFIX}${windowId}#${pad(position, 4)}`,
  }),
  /** The unit's score sheet of one window. */
  inspectionScore: (cycleId: string, unitId: string, windowId: string): ItemKey => ({
    PK: unitPk(cycleId, unitId),
    SK: `${SCORE_PREFIX}${windowId}`,
  }),
  /** An Idempotency-Key of one caller on one route (keys are visible ASCII, so `#` and `%` are escaped). */
  idempotencyKey: (caller: string, route: string, key: string): ItemKey => ({ PK: `IDEMPOTENCY#${esc(caller)}`, SK: `${route}#${esc(key)}` }),
};

/** GSI1 keys: the instant first, then the unit, so each cycle-wide listing reads in time order. */
export const gsi1 = {
  submission: (cycleId: string, unitId: string, deliverableId: string, version: number, receivedAt: string): Gsi1Key => ({
    GSI1PK: listingPk(cycleId, 'SUB', listingShard(unitId)),
    GSI1SK: `${receivedAt}#${unitId}#${deliverableId}#V#${pad(version, 4)}`,
  }),
  decision: (cycleId: string, unitId: string, round: number, decidedAt: string): Gsi1Key => ({
    GSI1PK: listingPk(cycleId, 'DECISION', listingShard(unitId)),
    GSI1SK: `${decidedAt}#${unitId}#${pad(round, 2)}`,
  }),
  outcome: (cycleId: string, unitId: string, recordedAt: string): Gsi1Key => ({
    GSI1PK: listingPk(cycleId, 'OUTCOME', listingShard(unitId)),
    GSI1SK: `${recordedAt}#${unitId}`,
  }),
  /** `at` is claimedAt while sending, sentAt once sent. */
  message: (k: MessageKey, at: string): Gsi1Key => ({
    GSI1PK: listingPk(k.cycleId, 'MSG', listingShard(k.unitId)),
    GSI1SK: `${at}#${unitOrCycle(k.unitId)}#${k.kind}#${esc(k.milestone)}#${esc(k.recipient)}`,
  }),
  extension: (cycleId: string, unitId: string, deliverableId: string, grantedAt: string): Gsi1Key => ({
    GSI1PK: listingPk(cycleId, 'EXTENSION', listingShard(unitId)),
    GSI1SK: `${grantedAt}#${unitId}#${deliverableId}`,
  }),
  proposal: (cycleId: string, unitId: string, proposalId: string, proposedAt: string): Gsi1Key => ({
    GSI1PK: listingPk(cycleId, 'PROPOSAL', listingShard(unitId)),
    GSI1SK: `${proposedAt}#${unitId}#${proposalId}`,
  }),
  audit: (cycleId: string, unitId: string | null, at: string, seq: string): Gsi1Key => ({
    GSI1PK: listingPk(cycleId, 'AUDIT', listingShard(unitId)),
    GSI1SK: `${at}#${unitOrCycle(unitId)}#${seq}`,
  }),
  auditOnce: (cycleId: string, unitId: string | null, at: string, key: string): Gsi1Key => ({
    GSI1PK: listingPk(cycleId, 'AUDIT', listingShard(unitId)),
    GSI1SK: `${at}#${unitOrCycle(unitId)}#KEY#${esc(key)}`,
  }),
};

/** Attributes that belong to the table, not to the domain object: stripped on every read. */
export const META_ATTRIBUTES = ['PK', 'SK', 'GSI1PK', 'GSI1SK', 'entityType', 'expiresAt'] as const;

// ---- The dashboard: one unit's facts in one query, the cycle's totals in counter items ----------------------

/**
 * A unit's dashboard facts are the items of its partition whose sort keys fall in DECISION# .. SIGNED#…:
 * decisions, deliverable statuses, extensions, ledger entries, the outcome and the 签收 records, in key
 * order, and none of the versions (SUBMISSION#, the large items), wait tokens, uploads or audit. The few
 * small items between OUTCOME and SIGNED# (PROPOSAL#, REQUEST#, RUN) are read too and ignored by entityType:
 * cheaper than a second request per unit. Keep any new prefix, above all a large one, outside the range.
 */
export const UNIT_FACTS_RANGE = { from: 'DECISION#', to: `${SIGNATURE_PREFIX.slice(0, -1)}$` } as const;

export const TOTALS_ENTITY = 'CycleTotals';
/**
 * The cycle's counters, one item per listing shard of the unit that changed them, each in its own
 * partition: a submission's transaction that also adds 1 to a counter conflicts only with another on the
 * same shard, and 2,800 units writing at 09:00 spread over 16 partitions. Reading sums the 16 items.
 */
export const totalsKey = (cycleId: string, shard: number): ItemKey => ({ PK: `CYCLE#${cycleId}#TOTALS#${pad(shard, 2)}`, SK: 'TOTALS' });
export const TOTALS_ATTRIBUTE = {
  /** `SUB#<deliverableId>#onTime` / `#late`: units whose first version of the deliverable came on time / late. */
  firstVersion: (deliverableId: string, onTime: boolean) => `SUB#${deliverableId}#${onTime ? 'onTime' : 'late'}`,
  /** `OUTCOME#<outcome>`: units with that outcome. */
  outcome: (outcome: string) => `OUTCOME#${outcome}`,
};
