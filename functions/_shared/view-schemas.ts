/**
 * What the read and write routes answer, as zod schemas, for the OpenAPI document only: the portal's client
 * is generated from that document (web/src/api), so its types must say what the handlers really return.
 * Nothing parses a response with these at run time; test/unit/view-schemas.test.ts checks at compile time
 * that each use case's result is assignable to its schema, so a field renamed in core/ fails the type check
 * instead of silently drifting from the document.
 */
import * as z from 'zod/mini';
import { LEVELS } from '../../core/plan/schema';

/** An instant in its Beijing forms (core/use-cases/views.ts `beijing`): ISO UTC, ISO +08:00, zh and en text. */
export const instantView = z.object({ iso: z.string(), beijing: z.string(), zh: z.string(), en: z.string() });

export const unitInfoView = z.object({ unitId: z.string(), name: z.string(), nameEn: z.nullable(z.string()) });

/** The plan's targets and the last day (inclusive, Beijing) by which a unit must meet them. */
const targetsView = z.object({ coveragePercent: z.number(), passRatePercent: z.number(), metBy: z.string() });

/**
 * The plan's words for its levels (core/use-cases/view-parts.ts `levelsView`): the running office (市打传办 /
 * 区打传办, 全市 / 全区) and its contact, its units (县(市、区) / 街道), the superior the list goes to (省局 /
 * 杭州市打传办), the document that issued the plan. The portal says what the emails say with these.
 */
export const levelsView = z.object({
  office: z.object({
    level: z.enum(LEVELS),
    name: z.string(),
    nameEn: z.string(),
    office: z.string(),
    officeEn: z.string(),
    shortName: z.string(),
    officeWord: z.string(),
    officeWordEn: z.string(),
    areaWord: z.string(),
    areaWordEn: z.string(),
    contact: z.object({ name: z.string(), telephone: z.string() }),
  }),
  units: z.object({ level: z.enum(LEVELS), word: z.string(), wordEn: z.string(), wordEnPlural: z.string() }),
  superior: z.object({ level: z.enum(LEVELS), name: z.string(), nameEn: z.string(), shortName: z.string(), shortNameEn: z.string() }),
  issuingDocument: z.object({ issuer: z.string(), number: z.string(), issuedOn: z.string() }),
});

export const figuresView = z.object({
  communities: z.number(),
  created: z.number(),
  qualified: z.number(),
  coverage: z.nullable(z.number()),
  passRate: z.nullable(z.number()),
  targets: z.optional(z.object({ coverage: z.number(), passRate: z.number() })),
  selfScore: z.number(),
  total: z.number(),
  /** The registered roster (社区/村名单) the figures were measured against; absent when the unit registered none. */
  registeredRoster: z.optional(z.object({ version: z.number(), communities: z.number() })),
});

/** A problem as the API words it, in the caller's language. */
export const problemView = z.object({ path: z.string(), rule: z.string(), message: z.string() });

const deliverableView = z.object({
  deliverableId: z.string(),
  name: z.string(),
  nameEn: z.string(),
  phase: z.string(),
  reviewed: z.boolean(),
  lastDay: z.string(),
  dueAt: instantView,
  extended: z.boolean(),
  state: z.enum(['not-yet-due', 'due', 'submitted-on-time', 'submitted-late', 'missing']),
  daysLeft: z.nullable(z.number()),
  daysOverdue: z.number(),
  latestVersion: z.number(),
  firstReceivedAt: z.nullable(instantView),
  lastReceivedAt: z.nullable(instantView),
  remindersSent: z.number(),
  escalationsSent: z.number(),
});

const phaseView = z.object({
  kind: z.string(),
  name: z.string(),
  nameEn: z.string(),
  opensAt: instantView,
  closesAt: instantView,
  state: z.enum(['upcoming', 'open', 'closed']),
  deliverables: z.array(deliverableView),
});

const decisionView = z.object({
  round: z.number(),
  version: z.number(),
  outcome: z.enum(['approved', 'returned']),
  reason: z.optional(z.string()),
  scores: z.optional(z.array(z.object({ itemId: z.string(), score: z.number(), reason: z.optional(z.string()) }))),
  cityScore: z.optional(z.number()),
  rectificationLastDay: z.optional(z.string()),
  decidedBy: z.string(),
});

const reviewView = z.object({
  /** The open rectification (限期整改) after a return, while no outcome is recorded; days left as the plan counts them, null once past. */
  rectification: z.nullable(z.object({ round: z.number(), lastDay: z.string(), dueAt: instantView, daysLeft: z.nullable(z.number()) })),
  deliverableId: z.string(),
  maxRounds: z.number(),
  round: z.number(),
  decisions: z.array(z.extend(decisionView, { decidedAt: instantView })),
  outcome: z.nullable(z.object({ outcome: z.string(), recordedAt: instantView })),
});

const extensionView = z.object({
  deliverableId: z.string(),
  lastDay: z.string(),
  previousLastDay: z.string(),
  grantedBy: z.string(),
  grantedAt: z.string(),
  reason: z.string(),
});

export const unitOverviewResponse = z.object({
  cycleId: z.string(),
  title: z.string(),
  unit: unitInfoView,
  now: instantView,
  dayCounting: z.enum(['working', 'calendar']),
  targets: targetsView,
  levels: levelsView,
  phases: z.array(phaseView),
  review: reviewView,
  extensions: z.array(extensionView),
  rubric: z.object({
    total: z.number(),
    items: z.array(
      z.object({
        itemId: z.string(),
        title: z.string(),
        titleEn: z.nullable(z.string()),
        maxPoints: z.number(),
        evidence: z.string(),
        kind: z.enum(['standard', 'bonus', 'deduction', 'veto']),
      }),
    ),
  }),
  unsignedNotices: z.number(),
});

/** What the inspection found about the unit, and whether it keeps the unit off the list (core/inspection/scoring.ts). */
export const standingView = z.object({
  recorded: z.boolean(),
  sampled: z.number(),
  passing: z.number(),
  /** 抽查合格率 0..1; null before anything is recorded or with nothing sampled. */
  sampledPassRate: z.nullable(z.number()),
  score: z.nullable(z.number()),
  vetoFailed: z.array(z.string()),
  /** Why the unit is not qualified for the list whatever its review (empty: the inspection does not keep it off). */
  disqualifiedBy: z.array(z.enum(['veto-failed', 'sampled-pass-rate'])),
});
/** The 总览 row's cross-inspection (core/use-cases/inspection-results.ts unitInspectionGlance). */
export const inspectionGlanceView = z.object({
  window: z.object({ id: z.string(), name: z.string(), nameEn: z.nullable(z.string()), opens: z.string(), closes: z.string() }),
  group: z.object({ id: z.string(), name: z.string(), nameEn: z.nullable(z.string()) }),
  /** `drawn`, `no-roster` (the unit had no registered roster at the draw), or null before the draw. */
  sampleStatus: z.nullable(z.enum(['drawn', 'no-roster'])),
  resultsRecorded: z.number(),
  scoreRecorded: z.boolean(),
  /** After the window's last day (Beijing): the standing is final. */
  closed: z.boolean(),
  standing: standingView,
});
/** A failed inspection draw (core/use-cases/inspection.ts drawFailureView). */
export const drawFailureView = z.object({
  windowId: z.string(),
  state: z.enum(['retrying', 'gave-up', 'resolved']),
  firstFailedAt: instantView,
  lastFailedAt: instantView,
  error: z.string(),
  nextAttemptAt: z.nullable(instantView),
  resolvedAt: z.nullable(instantView),
});

export const dashboardResponse = z.object({
  cycleId: z.string(),
  title: z.string(),
  now: instantView,
  targets: targetsView,
  levels: levelsView,
  totals: z.object({ units: z.number(), submittedOnTime: z.number(), submittedLate: z.number(), missing: z.number(), qualified: z.number() }),
  page: z.object({ cursor: z.nullable(z.string()), limit: z.number(), filter: z.nullable(z.string()), unitsRead: z.number(), next: z.nullable(z.string()) }),
  units: z.array(
    z.extend(unitInfoView, {
      phases: z.array(phaseView),
      review: reviewView,
      /** Notices sent to the unit that it has not signed for (签收) yet. */
      unsignedNotices: z.number(),
      /** Its inspection draw failed after its retries and is not drawn yet: when, why, the next attempt (null: given up). */
      drawFailure: z.nullable(drawFailureView),
      /** Deliverables on time, late and missing so far; 及时率 (on time of those due or in), 创建覆盖率 and 合格率 of the latest self-assessment, 0..1 or null. */
      summary: z.object({
        onTime: z.number(),
        late: z.number(),
        missing: z.number(),
        timeliness: z.nullable(z.number()),
        coverage: z.nullable(z.number()),
        passRate: z.nullable(z.number()),
      }),
      /** The unit's cross-inspection (null: the plan does not inspect it): window, group, the draw, what is recorded, its standing. */
      inspection: z.nullable(inspectionGlanceView),
    }),
  ),
});

export const uploadFormResponse = z.object({
  uploadId: z.string(),
  url: z.string(),
  fields: z.record(z.string(), z.string()),
  key: z.string(),
  formExpiresAt: z.string(),
  size: z.number(),
  maxBytes: z.number(),
});

export const uploadCheckResponse = z.object({
  uploadId: z.string(),
  fileName: z.string(),
  contentType: z.string(),
  status: z.enum(['pending', 'checked', 'rejected']),
  checkedAt: z.nullable(z.string()),
  size: z.nullable(z.number()),
  sha256: z.nullable(z.string()),
  rejection: z.nullable(problemView),
});

export const submittedResponse = z.object({
  deliverableId: z.string(),
  version: z.number(),
  receivedAt: z.string(),
  onTime: z.boolean(),
  documents: z.array(z.object({ uploadId: z.string(), fileName: z.string(), size: z.number(), sha256: z.string() })),
  figures: z.nullable(figuresView),
  findings: z.array(problemView),
  receipt: z.string(),
});

const documentView = z.object({ uploadId: z.string(), fileName: z.string(), contentType: z.string(), size: z.number(), sha256: z.string() });

export const submissionsResponse = z.object({
  cycleId: z.string(),
  unit: unitInfoView,
  deliverables: z.array(
    z.object({
      deliverableId: z.string(),
      name: z.string(),
      nameEn: z.string(),
      versions: z.array(
        z.object({
          deliverableId: z.string(),
          version: z.number(),
          receivedAt: instantView,
          onTime: z.boolean(),
          submittedBy: z.string(),
          documents: z.array(documentView),
          figures: z.nullable(figuresView),
        }),
      ),
    }),
  ),
});

const versionHeader = {
  unit: unitInfoView,
  deliverable: z.object({ deliverableId: z.string(), name: z.string(), nameEn: z.string() }),
  version: z.number(),
  receivedAt: instantView,
  onTime: z.boolean(),
  submittedBy: z.string(),
};

export const versionResponse = z.object({
  cycleId: z.string(),
  ...versionHeader,
  narrative: z.nullable(z.string()),
  selfAssessment: z.nullable(
    z.object({
      narrative: z.string(),
      scores: z.array(z.object({ itemId: z.string(), score: z.number(), evidence: z.array(z.string()), note: z.optional(z.string()) })),
      roster: z.array(z.object({ name: z.string(), created: z.boolean(), qualified: z.boolean() })),
      figures: figuresView,
    }),
  ),
  documents: z.array(z.extend(documentView, { downloadUrl: z.string(), viewUrl: z.nullable(z.string()), linkExpiresAt: instantView })),
  decisions: z.array(z.extend(decisionView, { decidedAt: z.string() })),
});

export const receiptResponse = z.object({
  receiptNo: z.string(),
  issuer: z.string(),
  ...versionHeader,
  documents: z.array(z.object({ fileName: z.string(), size: z.number(), sha256: z.string() })),
  figures: z.nullable(figuresView),
});

export const decisionResponse = z.object({
  decision: z.extend(decisionView, { decidedAt: z.string() }),
  repeated: z.boolean(),
  /** What the unit's execution was told (or that nothing waited); see core/use-cases/review.ts. */
  workflow: z.unknown(),
});

export const cyclesResponse = z.object({
  cycles: z.array(
    z.object({
      cycleId: z.string(),
      title: z.string(),
      year: z.number(),
      status: z.enum(['stored', 'running', 'forwarded', 'closed']),
      storedAt: instantView,
      unit: z.nullable(unitInfoView),
      /** An inspector's inspection group in the cycle's plan (null for everyone else). */
      group: z.nullable(z.object({ id: z.string(), name: z.string(), nameEn: z.nullable(z.string()) })),
      levels: levelsView,
    }),
  ),
});

const MESSAGE_KINDS = [
  'phase-opened', 'reminder', 'escalation', 'receipt', 'rectification', 'outcome', 'province-forwarding',
  'contact-undeliverable', 'calendar-warning', 'delivery-failure', 'extension', 'criticism',
  'inspection-sample', 'inspection-no-roster', 'inspection-result', 'inspection-draw-failed', 'inspection-draw-gave-up',
  'confirmation-request', 'confirmation-escalation', 'commendation',
] as const;

export const unitMessagesResponse = z.object({
  cycleId: z.string(),
  unit: unitInfoView,
  messages: z.array(
    z.object({
      messageId: z.string(),
      kind: z.enum(MESSAGE_KINDS),
      milestone: z.string(),
      subject: z.string(),
      recipient: z.string(),
      cc: z.array(z.string()),
      status: z.enum(['sending', 'sent']),
      sentAt: z.nullable(instantView),
      toUnit: z.boolean(),
      notice: z.boolean(),
      signature: z.nullable(z.object({ signedBy: z.string(), signedAt: instantView })),
    }),
  ),
  unsignedNotices: z.number(),
});

export const noticeSignedResponse = z.object({
  /** false when the notice was signed for already: the first signature is returned. */
  recorded: z.boolean(),
  messageId: z.string(),
  kind: z.enum(MESSAGE_KINDS),
  subject: z.string(),
  signedBy: z.string(),
  signedAt: instantView,
});

export const unitAuditResponse = z.object({
  cycleId: z.string(),
  unit: unitInfoView,
  entries: z.array(
    z.object({
      at: instantView,
      actor: z.string(),
      role: z.enum(['county', 'city', 'inspector', 'system']),
      action: z.string(),
      what: z.record(z.string(), z.unknown()),
      why: z.nullable(z.string()),
    }),
  ),
});

export const previewResponse = z.object({
  figures: figuresView,
  /** Where the county falls short of the plan's targets: it may still submit. */
  findings: z.array(problemView),
  /** What refuses a submission as it stands (the same problems a submit would answer 400 with). */
  errors: z.array(problemView),
  canSubmit: z.boolean(),
});

export const extensionGrantedResponse = z.object({
  extension: extensionView,
  /** The new deadline: its last second (UTC) and last day (Beijing), after the plan's non-working-day policy. */
  dueAt: z.string(),
  lastDay: z.string(),
  /** What the notifier did with the unit's notice (sent, already-sent, suppressed, refused). */
  notice: z.string(),
  /** The unit's execution that was replaced, and the one started with the new schedule; null before the cycle runs. */
  restart: z.nullable(z.object({ stopped: z.string(), stoppedStatus: z.enum(['stopped', 'not-running']), started: z.string() })),
});

const textView = z.object({ zh: z.string(), en: z.string() });

const proposalView = z.object({
  proposalId: z.string(),
  unit: unitInfoView,
  deliverable: z.object({ deliverableId: z.string(), name: z.string(), nameEn: z.string() }),
  /** What was missed: the deliverable's deadline, the rectification deadline, or the 签收 of the rectification notice. */
  about: z.enum(['deliverable', 'rectification', 'signing']),
  dueAt: instantView,
  level: z.number(),
  proposedAt: instantView,
  status: z.enum(['proposed', 'confirmed', 'withdrawn']),
  decidedBy: z.nullable(z.string()),
  decidedAt: z.nullable(instantView),
  reason: z.nullable(z.string()),
  /** The 通报批评 as drafted: what the unit receives if the proposal is confirmed. */
  text: textView,
});

export const proposalsResponse = z.object({
  cycleId: z.string(),
  /** How many still wait for the city office's decision. */
  awaiting: z.number(),
  proposals: z.array(proposalView),
});

export const proposalDecidedResponse = z.object({
  /** false when this same decision was recorded already (a retry): the stored one is returned. */
  recorded: z.boolean(),
  proposal: proposalView,
  /** What the notifier did with the 通报批评 to the unit (sent, already-sent, suppressed, refused); null when withdrawn. */
  notice: z.nullable(z.string()),
});

/** GET /cycles/{cycleId}/documents: the year's documents (core/exports) stored on forwarding, with download links. */
export const cycleDocumentsResponse = z.object({
  cycleId: z.string(),
  documents: z.array(
    z.object({
      documentId: z.string(),
      kind: z.enum(['province-workbook', 'forwarding-report', 'criticism-draft']),
      /** The unit a 通报批评 draft is about; null for the cycle's own documents. */
      unitId: z.nullable(z.string()),
      name: z.string(),
      contentType: z.string(),
      size: z.number(),
      sha256: z.string(),
      created: instantView,
      downloadUrl: z.string(),
      linkExpiresAt: instantView,
    }),
  ),
});
