/**
 * What the product stores for registered rosters (社区/村名单) and inspection samples (抽样), issue 10.
 * Instants are ISO-8601 UTC strings like everywhere else (core/model.ts).
 */
import type { DocumentRef } from '../model';
import type { SamplingRatio } from '../plan/schema';

export const COMMUNITY_KINDS = ['community', 'village'] as const;
/** 社区 (an urban community) or 村 (a village). */
export type CommunityKind = (typeof COMMUNITY_KINDS)[number];
export const COMMUNITY_KIND_ZH: Record<CommunityKind, string> = { community: '社区', village: '村' };

/** One community or village as its unit registered it. The name is its key: unique within the roster. */
export interface RegisteredCommunity {
  name: string;
  kind: CommunityKind;
  /** Taking part in this year's creation (参与创建); only those taking part are sampled. */
  takingPart: boolean;
  /** The community's contact person and telephone (联系人、联系电话). */
  contact: { name: string; telephone: string };
}

/**
 * One version of a unit's registered roster. Every change stores the next version (ROSTER#000n) with its
 * audit entry in one transaction; all versions are kept. `sha256` is the roster's own hash
 * (core/inspection/sample.ts rosterSha256), one of the draw's published inputs.
 */
export interface RosterVersion {
  cycleId: string;
  unitId: string;
  version: number;
  communities: RegisteredCommunity[];
  sha256: string;
  registeredBy: string;
  registeredAt: string;
  reason?: string;
  /** SHA-256 of the request (`caller#Idempotency-Key`): a retry after a crash finds what it stored. */
  requestHash?: string;
}

/** The published inputs of one unit's draw: with the algorithm's name, anyone can recompute the sample. */
export interface SampleInputs {
  algorithm: string;
  planSha256: string;
  unitId: string;
  rosterVersion: number;
  rosterSha256: string;
  /** The announced draw instant (UTC, `YYYY-MM-DDTHH:mm:ssZ`). */
  drawAt: string;
  ratio: SamplingRatio;
}

/** One sampled community: `position` (1-based draw order) is how results will be attached later. */
export interface SampledCommunity {
  position: number;
  name: string;
  kind: CommunityKind;
  contact: { name: string; telephone: string };
  /** SHA-256(seed ":" name), the community's draw key (smallest first). */
  key: string;
}

/**
 * A unit's inspection sample, recorded once (a conditional write) at its window's start. Never changed: the
 * results of item 4 (inspection results) will be stored as their own items per `position`, beside it.
 * `status`: drawn (a sample, possibly empty when no community takes part), or no-roster (the unit had not
 * registered a roster at the draw instant: nothing could be drawn, and the city office was told).
 */
export interface InspectionSample {
  cycleId: string;
  unitId: string;
  windowId: string;
  groupId: string;
  status: 'drawn' | 'no-roster';
  /** When the draw actually ran (at or after inputs.drawAt / the window's draw instant). */
  drawnAt: string;
  drawAt: string;
  inputs: SampleInputs | null;
  seed: string | null;
  /** Communities taking part (the population drawn from). */
  population: number;
  sample: SampledCommunity[];
}

/**
 * A draw that failed after its task's retries (DrawInspectionSample): the unit's execution records it, tells the
 * running office once and tries again later (./draw-retry.ts), until the sample is recorded or the window closes.
 * One item per unit and window, overwritten by each failed attempt (the first failure's instant kept); a later
 * attempt that records the sample marks it resolved. The sample itself is still recorded once, by recordSample.
 */
export interface InspectionDrawFailure {
  cycleId: string;
  unitId: string;
  windowId: string;
  firstFailedAt: string;
  lastFailedAt: string;
  /** What the last failed attempt failed with, as Step Functions reported it (the error's name). */
  error: string;
  /** When the draw is tried again; null once no attempt is left (the window closed): the unit could not be drawn. */
  nextAttemptAt: string | null;
  /** When a later attempt recorded the sample. */
  resolvedAt?: string;
}

// ---- Inspection results and the score sheet (issue 10 item 4) ----------------------------------------------

/**
 * One sampled community's result (检查结果): pass or fail, notes and evidence (checked uploads of the unit).
 * Its own item beside the sample, keyed by the window and the community's `position`; `version` counts its
 * edits (1 = the first record); every write names the version it was made from and is audited.
 */
export interface InspectionResult {
  cycleId: string;
  unitId: string;
  windowId: string;
  groupId: string;
  position: number;
  name: string;
  passed: boolean;
  notes: string;
  evidence: DocumentRef[];
  version: number;
  recordedBy: string;
  recordedAt: string;
}

/** One rubric item as the group scored it. */
export interface ScoredRubricItem {
  itemId: string;
  kind: 'standard' | 'bonus' | 'deduction' | 'veto';
  /** standard: points taken off its maximum; deduction: points taken off the total. 0 for bonus and veto. */
  deduction: number;
  /** bonus: points added (at most its maximum); 0 otherwise. */
  bonus: number;
  /** veto (一票否决) only: passed or failed; null for the other kinds. */
  veto: 'passed' | 'failed' | null;
  reason: string | null;
  /** What the item contributes to the score (standard: max − deduction; bonus: +bonus; deduction: −deduction; veto: 0). */
  points: number;
}

/** The unit's score sheet (考核评分表) of one window: one per unit and window, versioned like the results. */
export interface InspectionScoreSheet {
  cycleId: string;
  unitId: string;
  windowId: string;
  groupId: string;
  items: ScoredRubricItem[];
  /** Computed by the server (core/inspection/scoring.ts), never sent. */
  score: number;
  vetoFailed: string[];
  version: number;
  recordedBy: string;
  recordedAt: string;
}
