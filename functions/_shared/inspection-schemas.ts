/**
 * What the roster and sample routes answer (社区/村名单, 抽样; issue 10), for the OpenAPI document and the
 * portal's generated client only (see ./view-schemas.ts).
 */
import * as z from 'zod/mini';
import { drawFailureView, instantView, standingView, unitInfoView } from './view-schemas';

const contact = z.object({ name: z.string(), telephone: z.string() });
const communityView = z.object({
  name: z.string(),
  kind: z.enum(['community', 'village']),
  /** 社区 / 村 */
  kindZh: z.string(),
  takingPart: z.boolean(),
  contact,
});
const versionHead = {
  version: z.number(),
  /** The roster's own SHA-256 (core/inspection/README.md), one of the draw's published inputs. */
  sha256: z.string(),
  registeredBy: z.string(),
  registeredAt: instantView,
  reason: z.nullable(z.string()),
  counts: z.object({ communities: z.number(), takingPart: z.number() }),
};
export const rosterVersionView = z.object({ ...versionHead, communities: z.array(communityView) });

export const unitRosterResponse = z.object({
  cycleId: z.string(),
  unit: unitInfoView,
  /** The plan's registration requirement (null: the plan asks none; a unit may register anyway). */
  requirement: z.nullable(z.object({ phase: z.string(), lastDay: z.string() })),
  /** The current version (0: nothing registered); a registration names it. */
  version: z.number(),
  current: z.nullable(rosterVersionView),
  /** The earlier versions, newest first, without their rows (GET …/roster/versions/{version} has them). */
  history: z.array(z.object(versionHead)),
});

export const rosterRegisteredResponse = z.object({
  /** true when this call stored a new version. */
  recorded: z.boolean(),
  /** false when the roster sent is the current one: nothing was stored. */
  changed: z.boolean(),
  roster: rosterVersionView,
});

export const rosterVersionResponse = z.object({ cycleId: z.string(), unit: unitInfoView, roster: rosterVersionView });

const sampled = z.object({ position: z.number(), name: z.string(), kind: z.enum(['community', 'village']), contact, key: z.string() });
export const unitSampleResponse = z.object({
  cycleId: z.string(),
  unit: unitInfoView,
  /** null when the plan has no cross-inspection of the unit. */
  inspection: z.nullable(z.object({
    window: z.object({ id: z.string(), name: z.string(), nameEn: z.nullable(z.string()), opens: z.string(), closes: z.string() }),
    group: z.object({
      id: z.string(), name: z.string(), nameEn: z.nullable(z.string()), fromUnit: z.nullable(z.string()),
      members: z.array(z.object({ name: z.string(), role: z.nullable(z.string()), email: z.string(), telephone: z.string() })),
    }),
    ratio: z.object({ numerator: z.number(), denominator: z.number() }),
    drawAt: instantView,
  })),
  /** null before the draw instant. */
  sample: z.nullable(
    z.object({
      status: z.enum(['drawn', 'no-roster']),
      drawnAt: instantView,
      inputs: z.nullable(
        z.object({
          algorithm: z.string(), planSha256: z.string(), unitId: z.string(), rosterVersion: z.number(), rosterSha256: z.string(), drawAt: z.string(),
          ratio: z.object({ numerator: z.number(), denominator: z.number() }),
        }),
      ),
      seed: z.nullable(z.string()),
      population: z.number(),
      sample: z.array(sampled),
    }),
  ),
  /** A draw that failed after its retries: when, why, and when it is tried again; null when none failed. */
  drawFailure: z.nullable(drawFailureView),
  verify: z.nullable(z.string()),
});

// ---- Inspection results and the score sheet (issue 10 item 4) ----------------------------------------------
const evidenceView = z.object({ uploadId: z.string(), fileName: z.string(), contentType: z.string(), size: z.number(), sha256: z.string() });
const resultView = z.object({
  position: z.number(), name: z.string(), passed: z.boolean(), notes: z.string(), evidence: z.array(evidenceView),
  version: z.number(), recordedBy: z.string(), recordedAt: instantView,
});
const groupView = z.object({ id: z.string(), name: z.string() });
/** The window as it stands for recording, by the server's clock: before its draw, open, or closed (after its last day). */
const windowView = z.object({
  id: z.string(), name: z.string(), nameEn: z.nullable(z.string()), opens: z.string(), closes: z.string(), drawAt: instantView,
  state: z.enum(['before-draw', 'open', 'closed']),
});

export const inspectionResultsResponse = z.object({
  cycleId: z.string(),
  unit: unitInfoView,
  windowId: z.string(),
  group: groupView,
  window: windowView,
  /** null before the draw. */
  sampleStatus: z.nullable(z.enum(['drawn', 'no-roster'])),
  communities: z.array(z.object({ position: z.number(), name: z.string(), kind: z.enum(['community', 'village']), result: z.nullable(resultView) })),
  standing: standingView,
});
export const inspectionResultRecordedResponse = z.object({
  /** true when this call stored a new version; false for the same result again (a retry). */
  recorded: z.boolean(),
  result: resultView,
});

const scoredItemView = z.object({
  itemId: z.string(), title: z.string(), maxPoints: z.number(), kind: z.enum(['standard', 'bonus', 'deduction', 'veto']),
  deduction: z.number(), bonus: z.number(), veto: z.nullable(z.enum(['passed', 'failed'])), reason: z.nullable(z.string()), points: z.number(),
});
const sheetView = z.object({
  version: z.number(), score: z.number(), total: z.number(), vetoFailed: z.array(z.string()), items: z.array(scoredItemView),
  recordedBy: z.string(), recordedAt: instantView,
});
export const inspectionScoreResponse = z.object({
  cycleId: z.string(),
  unit: unitInfoView,
  windowId: z.string(),
  group: groupView,
  window: windowView,
  rubric: z.array(z.object({ id: z.string(), title: z.string(), kind: z.enum(['standard', 'bonus', 'deduction', 'veto']), maxPoints: z.number(), evidence: z.string() })),
  /** null before the sheet is recorded. */
  sheet: z.nullable(sheetView),
  standing: standingView,
  /** core/ranking.ts: units on the list first, then by inspection score (ties by name, zh-Hans-CN); null: no sheet, or a failed veto item. */
  rank: z.nullable(z.number()),
});
export const inspectionScoreRecordedResponse = z.object({ recorded: z.boolean(), sheet: sheetView });

export const inspectionOverviewResponse = z.object({
  cycleId: z.string(),
  /** The caller's group (null: the city office, which sees every group). */
  groupId: z.nullable(z.string()),
  windows: z.array(z.object({ id: z.string(), name: z.string(), nameEn: z.nullable(z.string()), opens: z.string(), closes: z.string() })),
  inspections: z.array(z.object({
    windowId: z.string(),
    window: windowView,
    group: z.object({ id: z.string(), name: z.string(), nameEn: z.nullable(z.string()), fromUnit: z.nullable(z.string()) }),
    unit: unitInfoView,
    /** null before the draw. */
    sampleStatus: z.nullable(z.enum(['drawn', 'no-roster'])),
    /** Communities sampled, and how many have a result recorded. */
    sampled: z.number(),
    recorded: z.number(),
    sheet: z.nullable(z.object({
      version: z.number(), score: z.number(), total: z.number(), vetoFailed: z.array(z.string()), recordedBy: z.string(), recordedAt: instantView,
    })),
    standing: standingView,
    rank: z.nullable(z.number()),
  })),
});
