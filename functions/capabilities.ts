/**
 * What each function may do: the ONE declaration of its capabilities (core/capabilities.ts). From it come
 * - the adapters its handler's getDeps builds (functions/_shared/deps.ts; an undeclared port is
 *   unavailable, and a call the declaration does not cover fails loudly, as AccessDenied would on AWS);
 * - its IAM grants and environment variables (infra/stacks/stateless-stack.ts, through the bind helpers);
 * - the check that its use cases call nothing else (test/unit/capabilities.test.ts runs them).
 * The local twin may read FUNCTION_CAPABILITIES too (no SDK, no CDK in this module).
 */
import { DOCUMENT_PREFIXES, type Capabilities } from '../core/capabilities';
import type { YearlyCycleFunction } from '../workflows/yearly-cycle/states';
import type { UnitCycleFunction } from '../workflows/unit-cycle/states';
import type { RouteFunction } from './routes';

/** Functions no state machine invokes and no route serves: they have an event source of their own. */
export const EVENT_FUNCTIONS = ['record-email-event'] as const;
export type EventFunction = (typeof EVENT_FUNCTIONS)[number];

export type FunctionName = YearlyCycleFunction | UnitCycleFunction | EventFunction | RouteFunction;

const { incoming: INCOMING, documents: DOCUMENTS } = DOCUMENT_PREFIXES;

export const FUNCTION_CAPABILITIES = {
  // Yearly cycle. register-cycle mails the city office when the plan runs into a year with no published calendar.
  'register-cycle': { table: 'readWrite', email: true },
  // Records each unit's execution name (setUnitRun) as it starts it: an extension stops that one.
  'start-unit-workflows': { table: 'readWrite', startUnitCycle: true },
  // Stores and records the year's documents (core/exports) under documents/; sends nothing (a longer timeout
  // than the notifier's lease assumes: core/task-limits.ts).
  'generate-year-documents': { table: 'readWrite', documents: { write: [DOCUMENTS] } },
  // Mails the list with the documents GenerateYearDocuments recorded; it stores missing ones itself only for a
  // small plan (an execution started before GenerateYearDocuments existed: core/use-cases/year-documents.ts).
  'forward-to-province': { table: 'readWrite', email: true, documents: { write: [DOCUMENTS] } },
  'close-cycle': { table: 'readWrite' },
  // 上报确认: the request and the ladder's rungs (the ledger writes); the wait stores its token and may complete it.
  'request-list-confirmation': { table: 'readWrite', email: true },
  'prepare-confirmation-wait': { table: 'readWrite', email: true },
  'await-list-confirmation': { table: 'readWrite', yearlyCycleTaskResponse: true },

  // Unit cycle.
  'send-unit-notice': { table: 'readWrite', email: true },
  'prepare-review-step': { table: 'read' },
  'await-submission': { table: 'readWrite', unitCycleTaskResponse: true },
  'request-review': { table: 'readWrite', unitCycleTaskResponse: true },
  'issue-rectification': { table: 'readWrite', email: true },
  // Records the outcome only; its notice goes later from send-unit-notice (SendOutcomeNotice).
  'record-outcome': { table: 'readWrite' },
  // Records the unit's inspection sample once and mails it to the group and the unit (issue 10).
  'draw-inspection-sample': { table: 'readWrite', email: true },

  // Subscribed to the SES events topic; marks addresses and mails the city office.
  'record-email-event': { table: 'readWrite', email: true },

  // The HTTP API (one entry per function of ROUTES).
  'get-health': {},
  'get-openapi': {},
  // Role and unit come from the token's groups alone.
  'get-me': {},
  // Every stored cycle's plan, to keep a county's own.
  'list-cycles': { table: 'read' },
  'get-unit-overview': { table: 'read' },
  // Signs a presigned POST with its role: the form can put objects under incoming/ and nowhere else.
  'create-upload': { table: 'readWrite', documents: { write: [INCOMING] } },
  // Reads the upload back (up to 20 MB) to hash and sniff it, then copies it to documents/ server-side.
  'check-upload': { table: 'readWrite', documents: { read: [INCOMING, DOCUMENTS], write: [DOCUMENTS] } },
  'preview-self-assessment': { table: 'read' },
  'submit-deliverable': { table: 'readWrite', email: true, unitCycleTaskResponse: true },
  'list-submissions': { table: 'read' },
  // Presigned GET links to the version's files.
  'get-submission-version': { table: 'read', documents: { read: [DOCUMENTS] } },
  'get-receipt': { table: 'read' },
  'get-dashboard': { table: 'read' },
  'list-unit-messages': { table: 'read' },
  // Writes the signature and its audit entry, each once.
  'sign-notice': { table: 'readWrite' },
  'list-unit-audit': { table: 'read' },
  'decide-review': { table: 'readWrite', unitCycleTaskResponse: true },
  // Starts the unit's execution with the new schedule before stopping the one it replaces.
  'grant-extension': { table: 'readWrite', email: true, startUnitCycle: true, stopUnitCycle: true },
  'fix-contact': { table: 'readWrite' },
  'list-proposals': { table: 'read' },
  // Writes the decision and its audit entry, each once; a confirmation mails the 通报批评 to the unit.
  'decide-proposal': { table: 'readWrite', email: true },
  // Reads the stored cycles' plans (whose office runs them) and the cycle id's record.
  'validate-plan': { table: 'read' },
  // Stores the plan and its audit entry and starts the YearlyCycle execution (and nothing else: its first
  // task, register-cycle, mails what the cycle needs to).
  'start-cycle': { table: 'readWrite', startYearlyCycle: true },
  // The directory (通讯录): each contact's delivery state; an edit stores a version and may mark a bounced address fixed.
  'list-directory': { table: 'read' },
  'edit-unit-contacts': { table: 'readWrite' },
  // The records of the year's documents, and presigned GET links to them.
  'list-cycle-documents': { table: 'read', documents: { read: [DOCUMENTS] } },
  // Registered rosters (社区/村名单) and inspection samples (issue 10): a registration stores a version and its audit entry.
  'get-unit-roster': { table: 'read' },
  'put-unit-roster': { table: 'readWrite' },
  'get-roster-version': { table: 'read' },
  'get-unit-sample': { table: 'read' },
  // 上报确认: the list as it stands; the confirmation (once, audited) completes the waiting YearlyCycle task.
  'get-forwarding': { table: 'read' },
  'confirm-forwarding': { table: 'readWrite', yearlyCycleTaskResponse: true },
  // 通报表扬: audited per unit, each unit's email once through the ledger.
  'issue-commendation': { table: 'readWrite', email: true },
  // Inspection results and score sheets (issue 10 item 4): each write stores a version and its audit entry;
  // evidence names checked uploads (read from the table, never the bucket).
  'get-inspection-results': { table: 'read' },
  // Every group's units, their draw, results and sheets (an inspector's own group only).
  'list-inspections': { table: 'read' },
  'put-inspection-result': { table: 'readWrite' },
  'get-inspection-score': { table: 'read' },
  'put-inspection-score': { table: 'readWrite' },
} as const satisfies Record<FunctionName, Capabilities>;

export type FunctionCapabilities = typeof FUNCTION_CAPABILITIES;

export const FUNCTION_NAMES = Object.keys(FUNCTION_CAPABILITIES) as FunctionName[];
