/**
 * Capabilities: what a function may ask of the outside world, at the grain IAM grants it. Each function
 * declares its capabilities once (functions/capabilities.ts); its handler's context, its role and its
 * environment are derived from that declaration, and the tests check the declaration against what its use
 * cases actually call. This module classifies every port method by the capability it needs, so a new
 * method cannot be added to a port without saying whether it reads, writes, sends or starts something.
 */
import type { CycleRepository, Deps, DocumentStore, Mailer, WorkflowEngine } from './ports';

/** Key prefixes of the documents bucket: uploads land in incoming/, checked files are copied to documents/. */
export const DOCUMENT_PREFIXES = { incoming: 'incoming/', documents: 'documents/' } as const;
export type DocumentPrefix = (typeof DOCUMENT_PREFIXES)[keyof typeof DOCUMENT_PREFIXES];

export type TableAccess = 'read' | 'readWrite';

export interface Capabilities {
  /** The table: 'read' (get, query) or 'readWrite' (also put, update, delete, conditional writes). */
  readonly table?: TableAccess;
  /** Sends email (through the configuration set). */
  readonly email?: true;
  /** Starts UnitCycle executions. */
  readonly startUnitCycle?: true;
  /** Starts YearlyCycle executions (the city office starts a cycle from the portal). */
  readonly startYearlyCycle?: true;
  /** Stops and describes UnitCycle executions (an extension replaces a unit's execution). */
  readonly stopUnitCycle?: true;
  /** Completes UnitCycle callback tasks (SendTaskSuccess/Failure/Heartbeat). */
  readonly unitCycleTaskResponse?: true;
  /** Completes YearlyCycle callback tasks (the 上报确认 wait), on that state machine only. */
  readonly yearlyCycleTaskResponse?: true;
  /** Object prefixes of the documents bucket it reads and writes. */
  readonly documents?: { readonly read?: readonly DocumentPrefix[]; readonly write?: readonly DocumentPrefix[] };
}

/** One thing a port call needs. */
export type Need =
  | 'table:read'
  | 'table:write'
  | 'email:send'
  | 'unit-cycle:start'
  | 'unit-cycle:stop'
  | 'unit-cycle:task-response'
  | 'yearly-cycle:start'
  | 'yearly-cycle:task-response'
  | `documents:read:${string}`
  | `documents:write:${string}`;

/** Every repository method, read or write. `satisfies` keeps it exhaustive: a new method must be classified. */
export const REPOSITORY_ACCESS = {
  storePlan: 'write',
  getPlan: 'read',
  getCycle: 'read',
  listCycles: 'read',
  setCycleStatus: 'write',
  getUnit: 'read',
  listUnits: 'read',
  addSubmission: 'write',
  getDeliverableStatus: 'read',
  listDeliverableStatuses: 'read',
  listSubmissions: 'read',
  listUnitSubmissions: 'read',
  getSubmission: 'read',
  getSubmissionByRequest: 'read',
  putUpload: 'write',
  getUpload: 'read',
  completeUploadCheck: 'write',
  putWaitToken: 'write',
  getWaitToken: 'read',
  recordDecision: 'write',
  getDecision: 'read',
  listDecisions: 'read',
  recordOutcome: 'write',
  listOutcomes: 'read',
  getOutcome: 'read',
  claimMessage: 'write',
  markMessageSent: 'write',
  releaseMessage: 'write',
  listMessages: 'read',
  listUnitMessages: 'read',
  signNotice: 'write',
  listNoticeSignatures: 'read',
  putProposal: 'write',
  getProposal: 'read',
  listProposals: 'read',
  decideProposal: 'write',
  recordForwarding: 'write',
  appendAudit: 'write',
  listAudit: 'read',
  markContactUndeliverable: 'write',
  getContactStatus: 'read',
  clearContactStatus: 'write',
  grantExtension: 'write',
  listExtensions: 'read',
  listCycleExtensions: 'read',
  setUnitRun: 'write',
  getUnitRun: 'read',
  // The paged dashboard: one unit's own partition, and the cycle's counters.
  readUnitFacts: 'read',
  getCycleTotals: 'read',
  // The directory: every loadPlan reads its revision; only the city office's edit writes.
  getDirectoryRevision: 'read',
  listUnitContacts: 'read',
  listUnitContactVersions: 'read',
  putUnitContacts: 'write',
  // Registered rosters and inspection samples (issue 10).
  getRoster: 'read',
  listRosterVersions: 'read',
  putRoster: 'write',
  recordSample: 'write',
  getSample: 'read',
  putDrawFailure: 'write',
  getDrawFailure: 'read',
  // Inspection results and score sheets (issue 10 item 4).
  listInspectionResults: 'read',
  putInspectionResult: 'write',
  getInspectionScore: 'read',
  putInspectionScore: 'write',
  // Idempotency keys: only the write routes use them (a claim is a conditional put).
  claimIdempotencyKey: 'write',
  completeIdempotencyKey: 'write',
  releaseIdempotencyKey: 'write',
  // The year's documents: forwarding records each once; the city office lists them.
  recordCycleDocument: 'write',
  listCycleDocuments: 'read',
  // 上报确认: the confirmation is a conditional put; the wait stores its token.
  recordListConfirmation: 'write',
  getListConfirmation: 'read',
  putConfirmationWait: 'write',
  getConfirmationWait: 'read',
  getForwarding: 'read',
} as const satisfies Record<keyof CycleRepository, 'read' | 'write'>;

/** The repository methods that need table write access (PutItem, UpdateItem, DeleteItem, conditional writes). */
export const REPOSITORY_WRITES: ReadonlySet<keyof CycleRepository> = new Set(
  (Object.keys(REPOSITORY_ACCESS) as Array<keyof CycleRepository>).filter((m) => REPOSITORY_ACCESS[m] === 'write'),
);

const WORKFLOW_NEEDS = {
  startCycle: 'yearly-cycle:start',
  startUnit: 'unit-cycle:start',
  completeTask: 'unit-cycle:task-response',
  completeCycleTask: 'yearly-cycle:task-response',
  stopUnit: 'unit-cycle:stop',
} as const satisfies Record<keyof WorkflowEngine, Need>;

const MAILER_NEEDS = { send: 'email:send' } as const satisfies Record<keyof Mailer, Need>;

/** `incoming/2016/x` -> `incoming/`: the prefix a key's grant is on. */
const prefixOf = (key: string) => `${key.split('/')[0]}/`;
const readKey = (key: string): Need => `documents:read:${prefixOf(key)}`;
const writeKey = (key: string): Need => `documents:write:${prefixOf(key)}`;

/** What each documents call needs, from its keys (a server-side copy reads its source and writes its target). */
const DOCUMENT_NEEDS: { [M in keyof DocumentStore]: (...args: Parameters<DocumentStore[M]>) => Need[] } = {
  createUploadForm: (input) => [writeKey(input.key)],
  copy: (fromKey, toKey) => [readKey(fromKey), writeKey(toKey)],
  put: (input) => [writeKey(input.key)],
  read: (key) => [readKey(key)],
  downloadUrl: (input) => [readKey(input.key)],
};

export type Port = 'repo' | 'mailer' | 'workflow' | 'documents';
export type PortDeps = Pick<Deps, Port>;

/** The needs of one port call. */
export function needsOf(port: Port, method: string, args: readonly unknown[]): Need[] {
  switch (port) {
    case 'repo': {
      const access = REPOSITORY_ACCESS[method as keyof CycleRepository];
      if (!access) throw new Error(`repo.${method} is not classified in REPOSITORY_ACCESS`);
      return [access === 'write' ? 'table:write' : 'table:read'];
    }
    case 'mailer':
      return [MAILER_NEEDS[method as keyof Mailer]].filter(Boolean);
    case 'workflow':
      return [WORKFLOW_NEEDS[method as keyof WorkflowEngine]].filter(Boolean);
    case 'documents': {
      const of = DOCUMENT_NEEDS[method as keyof DocumentStore] as ((...a: unknown[]) => Need[]) | undefined;
      if (!of) throw new Error(`documents.${method} is not classified in DOCUMENT_NEEDS`);
      return of(...args);
    }
  }
}

/** Everything a declaration grants, as needs. */
export function grantedNeeds(caps: Capabilities): Need[] {
  return [
    ...(caps.table ? (['table:read'] as const) : []),
    ...(caps.table === 'readWrite' ? (['table:write'] as const) : []),
    ...(caps.email ? (['email:send'] as const) : []),
    ...(caps.startUnitCycle ? (['unit-cycle:start'] as const) : []),
    ...(caps.startYearlyCycle ? (['yearly-cycle:start'] as const) : []),
    ...(caps.stopUnitCycle ? (['unit-cycle:stop'] as const) : []),
    ...(caps.unitCycleTaskResponse ? (['unit-cycle:task-response'] as const) : []),
    ...(caps.yearlyCycleTaskResponse ? (['yearly-cycle:task-response'] as const) : []),
    ...(caps.documents?.read ?? []).map((p): Need => `documents:read:${p}`),
    ...(caps.documents?.write ?? []).map((p): Need => `documents:write:${p}`),
  ];
}

export const covers = (caps: Capabilities, need: Need) => grantedNeeds(caps).includes(need);

/** The ports a declaration uses at all (the others are not built, and are unavailable). */
export function portsOf(caps: Capabilities): Record<Port, boolean> {
  return {
    repo: caps.table !== undefined,
    mailer: caps.email === true,
    workflow: Boolean(caps.startUnitCycle || caps.stopUnitCycle || caps.unitCycleTaskResponse || caps.startYearlyCycle || caps.yearlyCycleTaskResponse),
    documents: Boolean(caps.documents?.read?.length || caps.documents?.write?.length),
  };
}

/** A call of a port method, with what it needed. */
export interface PortCall {
  call: string;
  needs: Need[];
}

/**
 * Wraps each port so every method call is first shown to `observe` (which may throw to refuse it), then
 * passed through. Ports that are themselves refusing proxies (`unavailable`) are wrapped the same way.
 */
export function observePorts<D extends PortDeps>(deps: D, observe: (call: PortCall) => void): D {
  const wrap = <T extends object>(port: Port, target: T): T =>
    new Proxy(target, {
      get(t, prop, receiver) {
        let value: unknown;
        try {
          value = Reflect.get(t, prop, receiver);
        } catch (error) {
          // An `unavailable` port throws on any property: let the call be observed first, then throw.
          if (typeof prop !== 'string' || prop === 'then') return undefined;
          value = () => {
            throw error;
          };
        }
        if (typeof prop !== 'string' || typeof value !== 'function') return value;
        const method = value as (...a: unknown[]) => unknown;
        return (...args: unknown[]) => {
          try {
            observe({ call: `${port}.${prop}`, needs: needsOf(port, prop, args) });
          } catch (error) {
            // Every port method is async: a refusal is a rejected promise, as the adapter's own errors are.
            return Promise.reject(error);
          }
          return method.apply(t, args);
        };
      },
    });
  return {
    ...deps,
    repo: wrap('repo', deps.repo),
    mailer: wrap('mailer', deps.mailer),
    workflow: wrap('workflow', deps.workflow),
    documents: wrap('documents', deps.documents),
  };
}

/** Thrown when a function calls a port method its declaration does not grant: on AWS this is AccessDenied. */
export class CapabilityError extends Error {
  override readonly name = 'CapabilityError';
}

/** The ports, refusing every call the declaration does not cover (so a missing grant fails here, loudly, as on AWS). */
export function restrictPorts<D extends PortDeps>(deps: D, caps: Capabilities, owner: string): D {
  return observePorts(deps, ({ call, needs }) => {
    const missing = needs.filter((n) => !covers(caps, n));
    if (missing.length) {
      const what = `${owner} may not ${missing.join(', ')} (${call})`;
      throw new CapabilityError(`${what}: declare it in functions/capabilities.ts`);
    }
  });
}
