/**
 * Local-only rewrite of an ASL definition so that every timer runs on the SimClock:
 * - Wait states become Tasks whose local handler sleeps on the clock (input passes through unchanged);
 * - Task timeouts/heartbeats are removed and enforced by our wrapper (Path variants carried in Parameters);
 * - the library's own 60 s default task timeout is pushed out of reach.
 * The original definition is never mutated.
 */

/** Reserved Parameters key the wrapper strips; it carries timeouts and wait targets evaluated against the state's input. */
export const TWIN_KEY = '__localTwin';
/** Largest TimeoutSeconds whose real setTimeout does not overflow (2^31-1 ms): disables the library's 60 s default. */
export const UNREACHABLE_TIMEOUT_SECONDS = 2_147_483;

export type TaskKind = 'lambda-arn' | 'lambda-invoke' | 'lambda-callback' | 'other';

export interface TaskInfo {
  kind: 'task';
  name: string;
  resource: string;
  taskKind: TaskKind;
  hasParameters: boolean;
  /** The state's Retry, taken out of the definition: the engine waits each interval out on the SimClock. */
  retry: Retrier[];
}

/** One entry of a Task's Retry field, as ASL defines it. */
export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
}
export interface WaitInfo {
  kind: 'wait';
  name: string;
}
export type StateInfo = TaskInfo | WaitInfo | { kind: 'other'; name: string; type: string };

export interface RewriteResult {
  definition: Record<string, unknown>;
  /** Every state (nested included) by name, with its ORIGINAL type. */
  states: Map<string, StateInfo>;
  /** The original state types by name (Wait stays Wait). */
  originalTypes: Map<string, string>;
  /** Names of states that have a Retry field (their retry intervals are overridden). */
  retryStates: string[];
  executionTimeoutSeconds?: number;
}

type Json = Record<string, unknown>;

export function taskKindOf(resource: string): TaskKind {
  if (/^arn:aws[a-z-]*:lambda:/.test(resource)) return 'lambda-arn';
  if (/^arn:aws[a-z-]*:states:::lambda:invoke\.waitForTaskToken$/.test(resource)) return 'lambda-callback';
  if (/^arn:aws[a-z-]*:states:::lambda:invoke$/.test(resource)) return 'lambda-invoke';
  return 'other';
}

export function rewriteDefinition(original: object): RewriteResult {
  const definition = structuredClone(original) as Json;
  const states = new Map<string, StateInfo>();
  const originalTypes = new Map<string, string>();
  const retryStates: string[] = [];
  const executionTimeoutSeconds = definition.TimeoutSeconds as number | undefined;
  delete definition.TimeoutSeconds;
  rewriteStates(definition, states, originalTypes, retryStates);
  return { definition, states, originalTypes, retryStates, executionTimeoutSeconds };
}

function rewriteStates(machine: Json, states: Map<string, StateInfo>, types: Map<string, string>, retry: string[]): void {
  const all = machine.States as Record<string, Json>;
  for (const [name, state] of Object.entries(all)) {
    if (states.has(name)) throw new Error(`State name "${name}" is used twice; the local twin needs unique state names`);
    types.set(name, state.Type as string);
    // A Task's retries are the engine's (on the clock); any other state's stay the library's, at once.
    if (Array.isArray(state.Retry) && state.Type !== 'Task') retry.push(name);
    switch (state.Type) {
      case 'Wait':
        all[name] = rewriteWait(state);
        states.set(name, { kind: 'wait', name });
        break;
      case 'Task':
        all[name] = rewriteTask(state);
        states.set(name, {
          kind: 'task',
          name,
          resource: state.Resource as string,
          taskKind: taskKindOf(state.Resource as string),
          hasParameters: 'Parameters' in state,
          retry: (state.Retry as Retrier[] | undefined) ?? [],
        });
        break;
      case 'Map': {
        const proc = (state.ItemProcessor ?? state.Iterator) as Json | undefined;
        if (proc) rewriteStates(proc, states, types, retry);
        states.set(name, { kind: 'other', name, type: 'Map' });
        break;
      }
      case 'Choice':
        for (const rule of (state.Choices as Json[]) ?? []) normaliseChoiceRule(rule);
        states.set(name, { kind: 'other', name, type: 'Choice' });
        break;
      case 'Parallel':
        for (const branch of state.Branches as Json[]) rewriteStates(branch, states, types, retry);
        states.set(name, { kind: 'other', name, type: 'Parallel' });
        break;
      default:
        states.set(name, { kind: 'other', name, type: state.Type as string });
    }
  }
}

/** The type tests a Choice rule may negate with `false`. */
const TYPE_TESTS = ['IsNull', 'IsPresent', 'IsNumeric', 'IsString', 'IsBoolean', 'IsTimestamp'];

/**
 * aws-local-stepfunctions 3.0.0 evaluates `"IsNull": false` (and every other type test given `false`) as
 * always false; on AWS it means "is not null". `{Not: {Variable, IsNull: true}}` means the same on AWS
 * and runs correctly locally, so the twin rewrites to it (in place, on its own copy).
 */
function normaliseChoiceRule(rule: Json): void {
  for (const nested of ['And', 'Or'] as const) for (const r of (rule[nested] as Json[] | undefined) ?? []) normaliseChoiceRule(r);
  if (rule.Not) normaliseChoiceRule(rule.Not as Json);
  const test = TYPE_TESTS.find((t) => rule[t] === false);
  if (!test) return;
  rule.Not = { Variable: rule.Variable, [test]: true };
  delete rule.Variable;
  delete rule[test];
}

function rewriteWait(state: Json): Json {
  const target: Json = {};
  if (state.Seconds !== undefined) target.Seconds = state.Seconds;
  if (state.Timestamp !== undefined) target.Timestamp = state.Timestamp;
  if (state.SecondsPath !== undefined) target['Seconds.$'] = state.SecondsPath;
  if (state.TimestampPath !== undefined) target['Timestamp.$'] = state.TimestampPath;
  const task: Json = {
    Type: 'Task',
    Resource: 'arn:aws:states:::local-twin:wait',
    // The handler returns `input` as the result, so the output equals a Wait's (InputPath applied, then OutputPath).
    Parameters: { [TWIN_KEY]: { wait: target }, 'input.$': '$' },
    TimeoutSeconds: UNREACHABLE_TIMEOUT_SECONDS,
  };
  for (const k of ['Comment', 'InputPath', 'OutputPath', 'Next', 'End']) if (k in state) task[k] = state[k];
  return task;
}

function rewriteTask(state: Json): Json {
  const twin: Json = {};
  if (state.TimeoutSeconds !== undefined) twin.timeoutSeconds = state.TimeoutSeconds;
  if (state.TimeoutSecondsPath !== undefined) twin['timeoutSeconds.$'] = state.TimeoutSecondsPath;
  if (state.HeartbeatSeconds !== undefined) twin.heartbeatSeconds = state.HeartbeatSeconds;
  if (state.HeartbeatSecondsPath !== undefined) twin['heartbeatSeconds.$'] = state.HeartbeatSecondsPath;
  // Mints the token even when the Payload forgets to pass it (AWS would then wait until the timeout).
  if (taskKindOf(String(state.Resource)) === 'lambda-callback') twin['token.$'] = '$$.Task.Token';
  const task: Json = { ...state };
  delete task.TimeoutSeconds;
  delete task.TimeoutSecondsPath;
  delete task.HeartbeatSeconds;
  delete task.HeartbeatSecondsPath;
  delete task.Retry;
  // Without Parameters the effective input is the InputPath result, i.e. "$" inside Parameters.
  task.Parameters = 'Parameters' in state
    ? { [TWIN_KEY]: twin, payload: state.Parameters }
    : { [TWIN_KEY]: twin, 'payload.$': '$' };
  task.TimeoutSeconds = UNREACHABLE_TIMEOUT_SECONDS;
  return task;
}
