/**
 * The local twin's Step Functions engine: runs the CDK-synthesized ASL definitions with aws-local-stepfunctions,
 * binds every Task to an in-process function, and runs every timer on the SimClock. See ./README.md.
 */
import { setMaxListeners } from 'node:events';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { StateMachine } from 'aws-local-stepfunctions';
import type { SimClock } from '../clock.js';
import { abortError } from '../clock.js';
import { HistoryRecorder, type HistoryEvent, type LibraryEvent } from './history.js';
import { rewriteDefinition, TWIN_KEY, type RewriteResult, type TaskInfo } from './rewrite.js';
import { loadState, createPersister, type PersistedExecution } from './persistence.js';

// aws-local-stepfunctions declares Node >= 22; on Node 20 every Task needs this one function.
const P = Promise as unknown as { withResolvers?: () => unknown };
if (typeof P.withResolvers !== 'function') {
  P.withResolvers = function withResolvers<T>() {
    let resolve!: (v: T) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

const require = createRequire(import.meta.url);
const aslValidator = require('asl-validator') as (
  definition: unknown,
  opts?: { checkArn?: boolean; checkPaths?: boolean },
) => { isValid: boolean; errorsText: (sep?: string) => string };

/**
 * The library excludes its own (unexported) StatesTimeoutError class from the `States.TaskFailed` wildcard, as AWS
 * excludes States.Timeout. We obtain that class once by letting a 1 ms library timeout fire, so our clock-driven
 * timeouts are instances of it and Retry/Catch treat them exactly like AWS.
 */
const StatesTimeoutError: new () => Error = await (async () => {
  const sm = new StateMachine(
    {
      StartAt: 'T',
      States: { T: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:000000000000:function:probe', TimeoutSeconds: 0.001, End: true } },
    } as never,
    { validationOptions: { noValidate: true } },
  );
  const run = sm.run(null, {
    // A task that never answers: only the library's timeout can end it, however loaded the machine (a handler
    // answering after 5 ms could win the race when the event loop stalls, and the probe would find no class).
    overrides: { taskResourceLocalHandlers: { T: () => new Promise(() => {}) } },
  });
  try {
    await run.result;
  } catch (err) {
    const cause = (err as { cause?: Error }).cause;
    if (cause?.name === 'States.Timeout') return cause.constructor as new () => Error;
  }
  return class extends Error {
    constructor() {
      super('States.Timeout');
      this.name = 'States.Timeout';
    }
  };
})();

/** An API error; `name` is the Step Functions error code (ExecutionDoesNotExist, TaskTimedOut, ...). */
export class SfnError extends Error {
  constructor(code: string, message: string) {
    super(message);
    this.name = code;
  }
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface LocalStateMachine {
  name: string;
  arn: string;
  definition: object;
}

export interface LocalStepFunctionsOptions {
  clock: SimClock;
  /** @default 'us-east-1' */
  region?: string;
  /** @default '000000000000' */
  accountId?: string;
  stateMachines: LocalStateMachine[];
  /** Runs the handler behind a function ARN (or name, for lambda:invoke's FunctionName). Throw an Error whose name is the ASL error. */
  invokeFunction: (functionArn: string, payload: unknown) => Promise<unknown>;
  /** JSON file to persist executions; RUNNING executions found there are re-run from the start. */
  dataFile?: string;
  /** @default 64, like a Lambda concurrency limit */
  maxConcurrentInvocations?: number;
  /** Keep full history events in memory (getExecutionHistory); counts are always kept. @default true */
  keepHistory?: boolean;
}

export interface Counters {
  executions: number;
  stateTransitions: number;
  historyEvents: number;
  maxHistoryEventsPerExecution: number;
  lambdaInvocations: number;
}

interface Execution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  input: string;
  status: ExecutionStatus;
  startDate: number;
  stopDate?: number;
  output?: string;
  error?: string;
  cause?: string;
  history?: HistoryRecorder;
  lambdaInvocations: number;
  /** Counts restored from the data file for finished executions. */
  savedCounters?: { stateTransitions: number; historyEvents: number; lambdaInvocations: number };
  controller?: AbortController;
  stopRequest?: { error?: string; cause?: string };
  /** A failure no Catch may take (States.DataLimitExceeded): the execution fails with it at once. */
  failTerminally?: (error: string, cause: string) => void;
  done: Promise<void>;
  resolveDone: () => void;
}

interface Machine {
  name: string;
  arn: string;
  definition: object;
  definitionString: string;
  rewritten: RewriteResult;
  createdAt: number;
}

interface PendingCallback {
  executionArn: string;
  resolve: (output: unknown) => void;
  reject: (err: Error) => void;
  heartbeat?: () => void;
}

const TERMINAL: ExecutionStatus[] = ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'];
/** Step Functions' payload quota: a state's input or output, a task's result, 256 KiB. */
export const MAX_PAYLOAD_BYTES = 256 * 1024;
const NAME_RE = /^[A-Za-z0-9_-]{1,80}$/;

/**
 * Whether a retrier's ErrorEquals covers an error, as AWS matches: by name; States.ALL covers every error but
 * States.Runtime; States.TaskFailed every error but States.Timeout (and States.Runtime).
 */
function retrierMatches(errorEquals: string[], err: Error): boolean {
  const errorName: string = err.name;
  const timeout = errorName === 'States.Timeout' || (err as object) instanceof StatesTimeoutError;
  const name = timeout ? 'States.Timeout' : errorName;
  if (name === 'States.Runtime') return errorEquals.includes('States.Runtime');
  return errorEquals.some((e) => e === name || e === 'States.ALL' || (e === 'States.TaskFailed' && !timeout));
}

function taskError(name: string, message: string): Error {
  const err = new Error(message);
  err.name = name;
  return err;
}

/** Lambda reports a thrown error as {errorType, errorMessage, trace}; Step Functions uses errorType as the ASL error. */
function lambdaError(err: unknown): Error {
  const e = err instanceof Error ? err : new Error(String(err));
  const errorType = e.name || 'Error';
  const cause = JSON.stringify({ errorType, errorMessage: e.message, trace: (e.stack ?? '').split('\n') });
  return taskError(errorType, cause);
}

function toJson(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value));
}

function semaphore(limit: number) {
  let active = 0;
  const queue: Array<() => void> = [];
  return {
    async acquire() {
      if (active < limit) {
        active++;
        return;
      }
      await new Promise<void>((resolve) => queue.push(resolve));
    },
    release() {
      const next = queue.shift();
      if (next) next();
      else active--;
    },
  };
}

export function createLocalStepFunctions(opts: LocalStepFunctionsOptions) {
  const { clock, invokeFunction } = opts;
  const region = opts.region ?? 'us-east-1';
  const accountId = opts.accountId ?? '000000000000';
  const keepHistory = opts.keepHistory ?? true;
  const slots = semaphore(opts.maxConcurrentInvocations ?? 64);

  const machines = new Map<string, Machine>();
  for (const sm of opts.stateMachines) {
    const { isValid, errorsText } = aslValidator(structuredClone(sm.definition), { checkArn: true, checkPaths: true });
    if (!isValid) throw new Error(`State machine ${sm.name} has an invalid definition:\n${errorsText('\n')}`);
    machines.set(sm.arn, {
      ...sm,
      definitionString: JSON.stringify(sm.definition),
      rewritten: rewriteDefinition(sm.definition),
      createdAt: clock.now(),
    });
  }

  const executions = new Map<string, Execution>();
  const callbacks = new Map<string, PendingCallback>();
  /** Tokens whose task finished, timed out or was stopped: AWS answers TaskTimedOut for them. */
  const closedTokens = new Set<string>();
  let closed = false;

  const persister = opts.dataFile
    ? createPersister(opts.dataFile, () => ({
        clockTime: clock.now(),
        executions: [...executions.values()].map(serialize),
      }))
    : undefined;

  function serialize(e: Execution): PersistedExecution {
    return {
      executionArn: e.executionArn,
      name: e.name,
      stateMachineArn: e.stateMachineArn,
      input: e.input,
      status: e.status,
      startDate: e.startDate,
      stopDate: e.stopDate,
      output: e.output,
      error: e.error,
      cause: e.cause,
      counters: executionCounters(e),
    };
  }

  function executionCounters(e: Execution) {
    if (!e.history && e.savedCounters) return e.savedCounters;
    return {
      stateTransitions: e.history?.stateTransitions ?? 0,
      historyEvents: e.history?.eventCount ?? 0,
      lambdaInvocations: e.lambdaInvocations,
    };
  }

  function machineOf(arn: string): Machine {
    const m = machines.get(arn);
    if (!m) throw new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return m;
  }

  function executionOf(arn: string): Execution {
    if (typeof arn !== 'string' || !arn.startsWith('arn:')) throw new SfnError('InvalidArn', `Invalid Arn: '${arn}'`);
    const e = executions.get(arn);
    if (!e) throw new SfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return e;
  }

  function newExecution(fields: Omit<Execution, 'done' | 'resolveDone' | 'lambdaInvocations'>): Execution {
    let resolveDone!: () => void;
    const done = new Promise<void>((resolve) => (resolveDone = resolve));
    const e: Execution = { ...fields, lambdaInvocations: 0, done, resolveDone };
    if (TERMINAL.includes(e.status)) resolveDone();
    return e;
  }

  function mintToken(): string {
    return `AQ${randomBytes(48).toString('base64url')}`;
  }

  async function invoke(e: Execution, functionArn: string, payload: unknown): Promise<unknown> {
    return clock.track(async () => {
      await slots.acquire();
      try {
        e.lambdaInvocations++;
        return toJson(await invokeFunction(functionArn, toJson(payload)));
      } catch (err) {
        throw lambdaError(err);
      } finally {
        slots.release();
      }
    });
  }

  async function runTask(e: Execution, info: TaskInfo, payload: unknown, token: string | undefined, hb: { beat?: () => void }) {
    withinPayloadLimit(e, info, payload, 'input');
    return withinPayloadLimit(e, info, await runTaskKind(e, info, payload, token, hb), 'result');
  }

  /**
   * A task's input after Parameters, or its result, over 256 KiB is States.DataLimitExceeded on AWS: a
   * terminal error that no Catch, not even States.ALL, takes; the execution fails with it.
   */
  function withinPayloadLimit(e: Execution, info: TaskInfo, data: unknown, what: 'input' | 'result'): unknown {
    const bytes = Buffer.byteLength(JSON.stringify(data ?? null), 'utf8');
    if (bytes <= MAX_PAYLOAD_BYTES) return data;
    const cause = what === 'result'
      ? `The state/task '${info.name}' returned a result with a size exceeding the maximum number of bytes service limit.`
      : `The state/task '${info.name}' has an input with a size exceeding the maximum number of bytes service limit.`;
    e.failTerminally?.('States.DataLimitExceeded', cause);
    throw taskError('States.DataLimitExceeded', cause);
  }

  function runTaskKind(e: Execution, info: TaskInfo, payload: unknown, token: string | undefined, hb: { beat?: () => void }) {
    switch (info.taskKind) {
      case 'lambda-arn':
        return invoke(e, info.resource, payload);
      case 'lambda-invoke': {
        const p = (payload ?? {}) as { FunctionName?: string; Payload?: unknown };
        return invoke(e, String(p.FunctionName), p.Payload).then((result) => ({
          ExecutedVersion: '$LATEST',
          Payload: result,
          StatusCode: 200,
        }));
      }
      case 'lambda-callback': {
        const p = (payload ?? {}) as { FunctionName?: string; Payload?: unknown };
        const tok = token ?? mintToken();
        const callback = new Promise<unknown>((resolve, reject) => {
          callbacks.set(tok, { executionArn: e.executionArn, resolve, reject, heartbeat: () => hb.beat?.() });
        });
        callback.catch(() => {}); // a SendTaskFailure may arrive before the invoke returns
        return invoke(e, String(p.FunctionName), p.Payload).then(() => callback);
      }
      default:
        return Promise.reject(taskError('States.Runtime', `The local twin cannot run resource ${info.resource}`));
    }
  }

  function buildHandlers(e: Execution, m: Machine, signal: AbortSignal, tokenState: { pending?: string }) {
    const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const info of m.rewritten.states.values()) {
      if (info.kind === 'wait') {
        handlers[info.name] = async (input) => {
          tokenState.pending = undefined;
          const { [TWIN_KEY]: meta, input: passThrough } = input as { [TWIN_KEY]: { wait: Record<string, unknown> }; input: unknown };
          const w = meta.wait;
          let target: number;
          if (w.Seconds !== undefined) target = clock.now() + Number(w.Seconds) * 1000;
          else target = Date.parse(String(w.Timestamp));
          if (Number.isNaN(target)) throw taskError('States.Runtime', `Invalid wait target ${JSON.stringify(w)}`);
          await clock.sleepUntil(target, signal);
          return passThrough;
        };
      } else if (info.kind === 'task') {
        handlers[info.name] = async (input) => {
          const token = tokenState.pending;
          tokenState.pending = undefined;
          // The state's Retry, as AWS runs it: each interval (with its backoff and cap) waited out on the clock.
          const attempts = new Map<number, number>();
          try {
            for (;;) {
              try {
                return await attempt(input, token);
              } catch (err) {
                const i = info.retry.findIndex((r) => retrierMatches(r.ErrorEquals, err as Error));
                const r = info.retry[i];
                const n = attempts.get(i) ?? 0;
                if (!r || signal.aborted || n >= (r.MaxAttempts ?? 3)) throw err;
                attempts.set(i, n + 1);
                const failed = err as Error;
                const failedName: string = failed.name;
                e.history?.taskRetried(info.name, (failed as object) instanceof StatesTimeoutError ? 'States.Timeout' : failedName, failed.message);
                const seconds = Math.min((r.IntervalSeconds ?? 1) * (r.BackoffRate ?? 2) ** n, r.MaxDelaySeconds ?? Infinity);
                await clock.sleepUntil(clock.now() + seconds * 1000, signal);
              }
            }
          } finally {
            if (token) {
              callbacks.delete(token);
              closedTokens.add(token);
            }
          }
        };
        const attempt = async (input: unknown, token: string | undefined) => {
          if (signal.aborted) throw abortError(signal);
          const { [TWIN_KEY]: meta, payload } = input as {
            [TWIN_KEY]: { timeoutSeconds?: number; heartbeatSeconds?: number; token?: string };
            payload: unknown;
          };
          const local = new AbortController();
          const onAbort = () => local.abort(signal.reason);
          signal.addEventListener('abort', onAbort, { once: true });
          const racers: Promise<unknown>[] = [];
          const hb: { beat?: () => void } = {};
          const started = clock.now();
          if (meta.timeoutSeconds !== undefined) {
            const deadline = started + Number(meta.timeoutSeconds) * 1000;
            racers.push(
              clock.sleepUntil(deadline, local.signal).then(() => {
                throw new StatesTimeoutError();
              }),
            );
          }
          if (meta.heartbeatSeconds !== undefined) {
            const period = Number(meta.heartbeatSeconds) * 1000;
            let hbDeadline = started + period;
            hb.beat = () => (hbDeadline = clock.now() + period);
            racers.push(
              (async () => {
                for (;;) {
                  await clock.sleepUntil(hbDeadline, local.signal);
                  if (clock.now() >= hbDeadline) throw taskError('States.HeartbeatTimeout', 'States.HeartbeatTimeout');
                }
              })(),
            );
          }
          racers.push(
            new Promise((_, reject) => {
              if (local.signal.aborted) reject(abortError(local.signal));
              local.signal.addEventListener('abort', () => reject(abortError(local.signal)), { once: true });
            }),
          );
          const work = runTask(e, info, payload, token, hb);
          try {
            return await Promise.race([work, ...racers]);
          } finally {
            signal.removeEventListener('abort', onAbort);
            local.abort();
            for (const r of racers) r.catch(() => {});
            work.catch(() => {});
          }
        };
      }
    }
    return handlers;
  }

  function launch(e: Execution): void {
    const m = machineOf(e.stateMachineArn);
    const controller = new AbortController();
    // Every wait of the execution listens on this one signal, and a Map's items all wait at once (a
    // unit's reminders): more than Node's default of 10 listeners is normal here, not a leak.
    setMaxListeners(0, controller.signal);
    e.controller = controller;
    let terminal: { error: string; cause: string } | undefined;
    e.failTerminally = (error, cause) => {
      terminal ??= { error, cause };
      controller.abort();
    };
    e.history = new HistoryRecorder(m.rewritten.states, m.rewritten.originalTypes, clock.now, keepHistory);
    e.lambdaInvocations = 0;
    e.history.add('ExecutionStarted', { input: e.input, roleArn: `arn:aws:iam::${accountId}:role/local-twin` });
    const tokenState: { pending?: string } = {};
    const context = {
      // StartTime as AWS gives it (the simulated clock's start of this execution): the 上报确认 wait bounds itself by it.
      Execution: { Id: e.executionArn, Name: e.name, StartTime: new Date(e.startDate).toISOString(), RoleArn: `arn:aws:iam::${accountId}:role/local-twin` },
      StateMachine: { Id: m.arn, Name: m.name },
      // A getter so each evaluation of $$.Task.Token in Parameters mints (or reuses, within one state entry) a token.
      Task: {
        get Token() {
          return (tokenState.pending ??= mintToken());
        },
      },
    };
    const sm = new StateMachine(m.rewritten.definition as never, { validationOptions: { noValidate: true } });
    const run = sm.run(JSON.parse(e.input), {
      overrides: {
        taskResourceLocalHandlers: buildHandlers(e, m, controller.signal, tokenState) as never,
        // Tasks retry in their handlers, on the clock; only other states' retries (none in this app) happen at once.
        retryIntervalOverrides: Object.fromEntries(m.rewritten.retryStates.map((n) => [n, 0])),
      },
      noThrowOnAbort: true,
      context: context as never,
    });
    controller.signal.addEventListener('abort', () => run.abort(), { once: true });
    const history = e.history;
    const consumed = (async () => {
      for await (const ev of run.eventLogs) history.onLibraryEvent(ev as LibraryEvent);
    })();
    let timedOut = false;
    if (m.rewritten.executionTimeoutSeconds !== undefined) {
      clock.sleepUntil(e.startDate + m.rewritten.executionTimeoutSeconds * 1000, controller.signal).then(
        () => {
          timedOut = true;
          controller.abort();
        },
        () => {},
      );
    }
    void (async () => {
      let outcome: Partial<Execution> & { status: ExecutionStatus };
      try {
        const output = await run.result;
        if (terminal) outcome = { status: 'FAILED', ...terminal };
        else if (timedOut) outcome = { status: 'TIMED_OUT', error: 'States.Timeout' };
        else if (controller.signal.aborted) outcome = { status: 'ABORTED', ...e.stopRequest };
        else outcome = { status: 'SUCCEEDED', output: JSON.stringify(output) };
      } catch (err) {
        const cause = (err as { cause?: Error }).cause ?? (err as Error);
        outcome = terminal ? { status: 'FAILED', ...terminal } : { status: 'FAILED', error: cause.name, cause: cause.message };
      }
      await consumed;
      if (closed) {
        e.resolveDone(); // engine closed: the execution stays RUNNING in the data file
        return;
      }
      controller.abort();
      finish(e, outcome);
    })();
  }

  function finish(e: Execution, outcome: Partial<Execution> & { status: ExecutionStatus }) {
    Object.assign(e, outcome);
    e.stopDate = clock.now();
    const h = e.history!;
    if (e.status === 'SUCCEEDED') h.add('ExecutionSucceeded', { output: e.output });
    else if (e.status === 'FAILED') h.add('ExecutionFailed', { error: e.error, cause: e.cause });
    else if (e.status === 'ABORTED') h.add('ExecutionAborted', { error: e.error, cause: e.cause });
    else h.add('ExecutionTimedOut', { error: e.error });
    persister?.schedule();
    e.resolveDone();
  }

  // Resume from the data file: finished executions stay listable; RUNNING ones are re-run from the start.
  if (opts.dataFile) {
    const saved = loadState(opts.dataFile);
    for (const p of saved?.executions ?? []) {
      if (!machines.has(p.stateMachineArn)) continue;
      const e = newExecution({
        executionArn: p.executionArn,
        stateMachineArn: p.stateMachineArn,
        name: p.name,
        input: p.input,
        status: p.status,
        startDate: p.startDate,
        stopDate: p.stopDate,
        output: p.output,
        error: p.error,
        cause: p.cause,
        savedCounters: p.counters,
      });
      executions.set(e.executionArn, e);
      if (e.status === 'RUNNING') launch(e);
    }
  }

  /** What ListExecutions shows of an execution; DescribeExecution adds to it. */
  const listItem = (e: Execution) => ({
    executionArn: e.executionArn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    status: e.status,
    startDate: new Date(e.startDate),
    stopDate: e.stopDate === undefined ? undefined : new Date(e.stopDate),
  });

  const describe = (e: Execution) => ({
    ...listItem(e),
    input: e.input,
    inputDetails: { included: true },
    output: e.output,
    outputDetails: e.output === undefined ? undefined : { included: true },
    error: e.error,
    cause: e.cause,
  });

  const page = <T>(items: T[], maxResults?: number, nextToken?: string) => {
    const start = nextToken ? Number.parseInt(nextToken, 10) : 0;
    if (Number.isNaN(start)) throw new SfnError('InvalidToken', `Invalid nextToken '${nextToken}'`);
    const size = maxResults && maxResults > 0 ? maxResults : 1000;
    const end = start + size;
    return { items: items.slice(start, end), nextToken: end < items.length ? String(end) : undefined };
  };

  function callbackOf(taskToken: string): PendingCallback {
    const cb = callbacks.get(taskToken);
    if (cb) return cb;
    if (closedTokens.has(taskToken)) throw new SfnError('TaskTimedOut', 'Task Timed Out: the task of this token has already finished');
    throw new SfnError('InvalidToken', 'Invalid Token: no task is waiting for this token');
  }

  return {
    region,
    accountId,
    clock,

    async startExecution(input: { stateMachineArn: string; name?: string; input?: string }) {
      if (closed) throw new SfnError('ServiceUnavailable', 'The local Step Functions engine is closed');
      const m = machineOf(input.stateMachineArn);
      const name = input.name ?? crypto.randomUUID();
      if (!NAME_RE.test(name)) throw new SfnError('InvalidName', `Invalid Name: '${name}'`);
      const rawInput = input.input ?? '{}';
      try {
        JSON.parse(rawInput);
      } catch {
        throw new SfnError('InvalidExecutionInput', 'Invalid State Machine Execution Input: input is not valid JSON');
      }
      const executionArn = `arn:aws:states:${region}:${accountId}:execution:${m.name}:${name}`;
      const existing = executions.get(executionArn);
      if (existing) {
        // Like AWS: same name and input while RUNNING is idempotent; anything else is a conflict.
        if (existing.status === 'RUNNING' && existing.input === rawInput) {
          return { executionArn, startDate: new Date(existing.startDate) };
        }
        throw new SfnError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
      }
      const e = newExecution({
        executionArn,
        stateMachineArn: m.arn,
        name,
        input: rawInput,
        status: 'RUNNING',
        startDate: clock.now(),
      });
      executions.set(executionArn, e);
      launch(e);
      persister?.schedule();
      return { executionArn, startDate: new Date(e.startDate) };
    },

    async describeExecution(input: { executionArn: string }) {
      return describe(executionOf(input.executionArn));
    },

    async listExecutions(input: { stateMachineArn: string; statusFilter?: ExecutionStatus; maxResults?: number; nextToken?: string }) {
      machineOf(input.stateMachineArn);
      const all = [...executions.values()]
        .filter((e) => e.stateMachineArn === input.stateMachineArn && (!input.statusFilter || e.status === input.statusFilter))
        .sort((a, b) => b.startDate - a.startDate);
      const { items, nextToken } = page(all, input.maxResults, input.nextToken);
      return {
        executions: items.map(listItem),
        nextToken,
      };
    },

    async stopExecution(input: { executionArn: string; error?: string; cause?: string }) {
      const e = executionOf(input.executionArn);
      if (e.status !== 'RUNNING') {
        throw new SfnError('ExecutionNotRunning', `Execution is not running: '${e.executionArn}'`);
      }
      e.stopRequest = { error: input.error, cause: input.cause };
      e.controller?.abort();
      await e.done;
      return { stopDate: new Date(e.stopDate!) };
    },

    async getExecutionHistory(input: { executionArn: string; maxResults?: number; nextToken?: string; reverseOrder?: boolean }) {
      const e = executionOf(input.executionArn);
      const events = e.history?.events ?? [];
      const ordered = input.reverseOrder ? [...events].reverse() : events;
      const { items, nextToken } = page(ordered, input.maxResults, input.nextToken);
      return { events: items.map(toSdkEvent), nextToken };
    },

    async sendTaskSuccess(input: { taskToken: string; output: string }) {
      const cb = callbackOf(input.taskToken);
      let output: unknown;
      try {
        output = JSON.parse(input.output);
      } catch {
        throw new SfnError('InvalidOutput', 'Invalid Output: output is not valid JSON');
      }
      cb.resolve(output);
      return {};
    },

    async sendTaskFailure(input: { taskToken: string; error?: string; cause?: string }) {
      const cb = callbackOf(input.taskToken);
      cb.reject(taskError(input.error ?? '', input.cause ?? ''));
      return {};
    },

    async sendTaskHeartbeat(input: { taskToken: string }) {
      callbackOf(input.taskToken).heartbeat?.();
      return {};
    },

    /** The execution waiting for a task token (undefined once its task has finished): IAM authorises
     * SendTask* against that execution's state machine. */
    executionOfTaskToken(taskToken: string): string | undefined {
      return callbacks.get(taskToken)?.executionArn;
    },

    async listStateMachines(_input: { maxResults?: number; nextToken?: string } = {}) {
      const all = [...machines.values()];
      const { items, nextToken } = page(all, _input.maxResults, _input.nextToken);
      return {
        stateMachines: items.map((m) => ({ stateMachineArn: m.arn, name: m.name, type: 'STANDARD', creationDate: new Date(m.createdAt) })),
        nextToken,
      };
    },

    async describeStateMachine(input: { stateMachineArn: string }) {
      const m = machineOf(input.stateMachineArn);
      return {
        stateMachineArn: m.arn,
        name: m.name,
        status: 'ACTIVE',
        definition: m.definitionString,
        roleArn: `arn:aws:iam::${accountId}:role/local-twin`,
        type: 'STANDARD',
        creationDate: new Date(m.createdAt),
      };
    },

    /** Totals and a per-state-machine breakdown (keyed by state machine name). */
    counters(): Counters & { byStateMachine: Record<string, Counters> } {
      const zero = (): Counters => ({ executions: 0, stateTransitions: 0, historyEvents: 0, maxHistoryEventsPerExecution: 0, lambdaInvocations: 0 });
      const total = zero();
      const byStateMachine: Record<string, Counters> = {};
      for (const e of executions.values()) {
        const c = executionCounters(e);
        const name = machines.get(e.stateMachineArn)!.name;
        const per = (byStateMachine[name] ??= zero());
        for (const t of [total, per]) {
          t.executions++;
          t.stateTransitions += c.stateTransitions;
          t.historyEvents += c.historyEvents;
          t.lambdaInvocations += c.lambdaInvocations;
          t.maxHistoryEventsPerExecution = Math.max(t.maxHistoryEventsPerExecution, c.historyEvents);
        }
      }
      return { ...total, byStateMachine };
    },

    /** Resolves when the execution reaches a terminal status. */
    whenSettled(executionArn: string): Promise<void> {
      return executionOf(executionArn).done;
    },

    /** Flushes the data file (RUNNING executions stay RUNNING there) and stops every running execution in memory. */
    async close(): Promise<void> {
      if (closed) return;
      await persister?.flush();
      closed = true;
      for (const e of executions.values()) if (e.status === 'RUNNING') e.controller?.abort();
      for (const cb of callbacks.values()) cb.reject(taskError('States.Runtime', 'engine closed'));
      callbacks.clear();
      persister?.dispose();
    },
  };
}

export type LocalStepFunctions = ReturnType<typeof createLocalStepFunctions>;

/** A history event shaped like @aws-sdk/client-sfn's HistoryEvent (details only where cheap). */
export interface SfnHistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: Date;
  type: string;
  [details: string]: unknown;
}

function toSdkEvent(ev: HistoryEvent): SfnHistoryEvent {
  const d = ev.details ?? {};
  const out: SfnHistoryEvent = {
    id: ev.id,
    previousEventId: ev.previousEventId,
    timestamp: new Date(ev.timestamp),
    type: ev.type,
  };
  const t = ev.type;
  if (t.endsWith('StateEntered')) out.stateEnteredEventDetails = { name: d.name, input: d.input };
  else if (t.endsWith('StateExited')) out.stateExitedEventDetails = { name: d.name, output: d.output };
  else if (t === 'ExecutionStarted') out.executionStartedEventDetails = { input: d.input, roleArn: d.roleArn };
  else if (t === 'ExecutionSucceeded') out.executionSucceededEventDetails = { output: d.output };
  else if (t === 'ExecutionFailed') out.executionFailedEventDetails = { error: d.error, cause: d.cause };
  else if (t === 'ExecutionAborted') out.executionAbortedEventDetails = { error: d.error, cause: d.cause };
  else if (t === 'ExecutionTimedOut') out.executionTimedOutEventDetails = { error: d.error };
  else if (t === 'TaskFailed') out.taskFailedEventDetails = { error: d.error, cause: d.cause, resourceType: 'lambda', resource: 'invoke' };
  else if (t === 'TaskTimedOut') out.taskTimedOutEventDetails = { error: d.error, cause: d.cause, resourceType: 'lambda', resource: 'invoke' };
  else if (t === 'LambdaFunctionFailed') out.lambdaFunctionFailedEventDetails = { error: d.error, cause: d.cause };
  else if (t === 'LambdaFunctionTimedOut') out.lambdaFunctionTimedOutEventDetails = { error: d.error, cause: d.cause };
  else if (t === 'LambdaFunctionScheduled') out.lambdaFunctionScheduledEventDetails = { resource: d.resource };
  else if (t === 'TaskSucceeded') out.taskSucceededEventDetails = { output: d.output, resourceType: 'lambda', resource: 'invoke' };
  else if (t === 'LambdaFunctionSucceeded') out.lambdaFunctionSucceededEventDetails = { output: d.output };
  else if (t.startsWith('MapIteration')) {
    const key = `mapIteration${t.slice('MapIteration'.length)}EventDetails`;
    out[key] = { name: d.name, index: d.index };
  }
  return out;
}
