/**
 * The dependency container. Each handler names itself and the adapters it uses: getDeps(name, builders)
 * checks them against the function's one declaration of capabilities (functions/capabilities.ts), the
 * same one its IAM role and environment are derived from. So a handler cannot build a port its role does
 * not allow, nor leave out one it declares (the types say so, and so does the cold start); a port it does
 * not declare is unavailable, and a call the declaration does not cover (a write with read-only table
 * access) throws CapabilityError, as AWS would answer AccessDenied. Each bundle carries only the SDK
 * clients its handler names. Tests and the local twin call each handler's makeHandler() with a context
 * of their own instead.
 */
import { portsOf, restrictPorts, type Capabilities, type Port, type TableAccess } from '../../core/capabilities';
import type { CycleRepository, DocumentStore, Mailer, WorkflowEngine } from '../../core/ports';
import { makeContext, unavailable, type Context } from '../../core/use-cases/context';
import { FUNCTION_CAPABILITIES, type FunctionCapabilities, type FunctionName } from '../capabilities';
import { missingEnv, readEnv, type Env } from './env';

type Builder<T> = (env: Env) => T;

export interface AdapterBuilders {
  repo: Builder<CycleRepository>;
  mailer?: Builder<Mailer>;
  workflow?: Builder<WorkflowEngine>;
  documents?: Builder<DocumentStore>;
}

/** A builder for a port the declaration uses is required; one for a port it does not use is refused. */
type Slot<Uses, K extends Port, T> = Uses extends true ? { [P in K]: Builder<T> } : { [P in K]?: never };
type Has<C, Shape> = C extends Shape ? true : false;
type WorkflowUse =
  | { startUnitCycle: true } | { stopUnitCycle: true } | { unitCycleTaskResponse: true } | { startYearlyCycle: true } | { yearlyCycleTaskResponse: true };
export type BuildersFor<C extends Capabilities> = Slot<Has<C, { table: TableAccess }>, 'repo', CycleRepository> &
  Slot<Has<C, { email: true }>, 'mailer', Mailer> &
  Slot<Has<C, WorkflowUse>, 'workflow', WorkflowEngine> &
  Slot<Has<C, { documents: object }>, 'documents', DocumentStore>;

const PORT_NAMES: Record<Port, string> = {
  repo: 'table',
  mailer: 'mailer',
  workflow: 'workflow engine',
  documents: 'documents store',
};

/** Every adapter it is given, nothing checked: the operator's script and the local twin (one context for all). */
export function buildContext(builders: AdapterBuilders, env: Env = readEnv()): Context {
  return makeContext({
    repo: builders.repo(env),
    mailer: builders.mailer ? builders.mailer(env) : unavailable<Mailer>('mailer'),
    workflow: builders.workflow ? builders.workflow(env) : unavailable<WorkflowEngine>('workflow engine'),
    documents: builders.documents?.(env),
    clock: { now: () => Date.now() },
  });
}

/** The context of one function: the adapters its declaration uses, each call checked against it. */
export function contextFor<N extends FunctionName>(
  name: N,
  builders: BuildersFor<FunctionCapabilities[N]>,
  env: Env = readEnv(),
): Context {
  const caps: Capabilities = FUNCTION_CAPABILITIES[name];
  const given = builders as Partial<AdapterBuilders>;
  const uses = portsOf(caps);
  for (const port of Object.keys(PORT_NAMES) as Port[]) {
    if (uses[port] && !given[port]) {
      throw new Error(`${name} declares the ${PORT_NAMES[port]} but its getDeps builds none`);
    }
    if (!uses[port] && given[port]) {
      throw new Error(`${name} builds a ${PORT_NAMES[port]} its capabilities do not declare (functions/capabilities.ts)`);
    }
  }
  const missing = missingEnv(env, caps);
  if (missing.length) {
    throw new Error(`missing or invalid environment variables: ${missing.join(', ')} (${name} needs them)`);
  }
  const build = <T extends object>(port: Port): T => {
    const builder = given[port] as Builder<T> | undefined;
    return builder ? builder(env) : unavailable<T>(PORT_NAMES[port]);
  };
  const built = {
    repo: build<CycleRepository>('repo'),
    mailer: build<Mailer>('mailer'),
    workflow: build<WorkflowEngine>('workflow'),
    documents: build<DocumentStore>('documents'),
  };
  const ports = restrictPorts(built, caps, name);
  return makeContext({ ...ports, clock: { now: () => Date.now() } });
}

/**
 * The builders a function's declaration uses, out of a full set: for a caller that has every adapter (the
 * local twin) and wants each function's own checked context, `contextFor(name, buildersFor(name, all), env)`.
 */
export function buildersFor<N extends FunctionName>(
  name: N,
  all: Required<AdapterBuilders>,
): BuildersFor<FunctionCapabilities[N]> {
  const uses = portsOf(FUNCTION_CAPABILITIES[name]);
  const picked = (Object.keys(PORT_NAMES) as Port[]).filter((port) => uses[port]).map((port) => [port, all[port]]);
  return Object.fromEntries(picked) as BuildersFor<FunctionCapabilities[N]>;
}

/** By function: one process (a test, the local twin) may load several handlers; a Lambda loads one. */
const cached = new Map<FunctionName, Context>();
/** Once per cold start. */
export function getDeps<N extends FunctionName>(name: N, builders: BuildersFor<FunctionCapabilities[N]>): Context {
  let ctx = cached.get(name);
  if (!ctx) cached.set(name, (ctx = contextFor(name, builders)));
  return ctx;
}
