/**
 * The twin's Lambda service: each function runs its bundled module (./bundle.ts) in worker threads of its
 * own, so its exported `handler` and its getDeps() cold start run as on Lambda, with exactly that
 * function's environment from the template, its own credentials (so the gate checks its own role), and
 * its own module state. A worker is a warm container: kept for the next invocation, one invocation at a
 * time, more started when the function is busy (up to `containersPerFunction`; beyond that an invocation
 * waits for a free one, its timeout counting only once it runs).
 *
 * As Lambda: a function that runs past its configured timeout is killed (its worker terminated, so it
 * does nothing more) and the invocation fails with `Sandbox.Timedout`; an event over 6 MB is refused
 * (`RequestEntityTooLargeException`), a response over 6 MB fails (`Function.ResponseSizeTooLarge`).
 * The timeout counts from the end of the init phase (the module's top level: imports, getDeps), which has
 * Lambda's own 10 s limit, as on Lambda. The worker's `Date` is the twin's clock as it stood when the invocation began (the clock never moves
 * while an invocation is in flight); on a real-time twin it is the real clock.
 */
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** Lambda's synchronous invocation payload limit, each way. */
export const LAMBDA_PAYLOAD_LIMIT = 6 * 1024 * 1024;

export interface LambdaFunctionSpec {
  /** Logical id: the function's name on the twin. */
  name: string;
  arn: string;
  /** The bundled module (an ESM file exporting `handler`). */
  moduleFile: string;
  /** Exactly the environment its worker sees. */
  environment: Record<string, string>;
  timeoutMs: number;
  memoryMb?: number;
}

export interface LambdaRuntimeOptions {
  functions: LambdaFunctionSpec[];
  region: string;
  accountId: string;
  /** The twin's now for an invocation that starts; undefined: the real clock. */
  now: () => number | undefined;
  /** @default 1 (a 2-core machine gains nothing from more; the simulated clock waits for them anyway) */
  containersPerFunction?: number;
}

export interface InvokeContext {
  awsRequestId?: string;
}

export interface LambdaRuntime {
  /** By ARN, logical id or name. Throws an Error named like the Lambda error (the handler's own, or Sandbox.Timedout). */
  invoke(fn: string, event: unknown, context?: InvokeContext): Promise<unknown>;
  /** Containers started so far per function (cold starts), for tests and the bench. */
  coldStarts(): Record<string, number>;
  close(): Promise<void>;
}

/** The worker's bootstrap (CommonJS, evaluated): Date follows the twin, the module is imported on first use. */
const BOOTSTRAP = `
const { parentPort, workerData } = require('node:worker_threads');
const RealDate = Date;
let fixed = workerData.now === null ? undefined : workerData.now;
class TwinDate extends RealDate {
  constructor(...args) { if (args.length === 0 && fixed !== undefined) super(fixed); else super(...args); }
  static now() { return fixed !== undefined ? fixed : RealDate.now(); }
}
globalThis.Date = TwinDate;
const fail = (e) => ({ name: e && e.name || 'Error', message: e && e.message || String(e), stack: e && e.stack });
let handler;
// The init phase: the module's top level (getDeps, env parsing) runs once, before the first invocation.
import(workerData.moduleUrl).then((m) => {
  if (typeof m.handler !== 'function') throw new Error(workerData.moduleUrl + ' exports no handler');
  handler = m.handler;
  parentPort.postMessage({ ready: true });
}, (e) => parentPort.postMessage({ ready: false, error: fail(e) }));
parentPort.on('message', async (msg) => {
  fixed = msg.now === null ? undefined : msg.now;
  try {
    const deadline = performance.now() + msg.context.timeoutMs;
    const context = { ...msg.context, callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, Math.round(deadline - performance.now())), done() {}, fail() {}, succeed() {} };
    const result = await handler(JSON.parse(msg.event), context);
    parentPort.postMessage({ ok: true, result: result === undefined ? 'null' : JSON.stringify(result) });
  } catch (e) {
    parentPort.postMessage({ ok: false, error: fail(e) });
  }
});
`;

/** Lambda's init phase limit: a module whose top level takes longer fails its cold start. */
const INIT_TIMEOUT_MS = 10_000;

class LambdaError extends Error {
  constructor(name: string, message: string, stack?: string) {
    super(message);
    this.name = name;
    if (stack) this.stack = stack;
  }
}

interface Container {
  worker: Worker;
  busy: boolean;
  /** Settles when the init phase is over (rejects with the init error). */
  ready: Promise<void>;
}

export function createLambdaRuntime(opts: LambdaRuntimeOptions): LambdaRuntime {
  const max = opts.containersPerFunction ?? 1;
  const byKey = new Map<string, LambdaFunctionSpec>();
  for (const fn of opts.functions) for (const key of [fn.arn, fn.name]) byKey.set(key, fn);
  const pools = new Map<string, Container[]>();
  const waiting = new Map<string, Array<() => void>>();
  const cold: Record<string, number> = {};
  let closed = false;

  const start = (fn: LambdaFunctionSpec): Container => {
    cold[fn.name] = (cold[fn.name] ?? 0) + 1;
    const worker = new Worker(BOOTSTRAP, {
      eval: true,
      env: { ...fn.environment },
      workerData: { moduleUrl: pathToFileURL(fn.moduleFile).href, now: opts.now() ?? null },
      resourceLimits: { maxOldGenerationSizeMb: Math.max(64, fn.memoryMb ?? 256) },
    });
    worker.unref();
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new LambdaError('Sandbox.Timedout', `INIT_REPORT Init Duration: ${INIT_TIMEOUT_MS} ms Phase: init Status: timeout`)), INIT_TIMEOUT_MS);
      worker.once('message', (m: { ready: boolean; error?: { name: string; message: string; stack?: string } }) => {
        clearTimeout(timer);
        if (m.ready) resolve();
        else reject(new LambdaError('Runtime.ImportModuleError', m.error!.message, m.error!.stack));
      });
      worker.once('error', (e) => {
        clearTimeout(timer);
        reject(new LambdaError('Runtime.ImportModuleError', e.message, e.stack));
      });
    });
    ready.catch(() => {});
    return { worker, busy: false, ready };
  };

  const acquire = async (fn: LambdaFunctionSpec): Promise<Container> => {
    for (;;) {
      if (closed) throw new LambdaError('ServiceException', 'the twin is closing');
      const pool = pools.get(fn.name) ?? [];
      pools.set(fn.name, pool);
      // Taken here, synchronously: two invocations must never share a container.
      const idle = pool.find((c) => !c.busy);
      if (idle) {
        idle.busy = true;
        return idle;
      }
      if (pool.length < max) {
        const c = start(fn);
        c.busy = true;
        pool.push(c);
        return c;
      }
      await new Promise<void>((resolve) => (waiting.get(fn.name) ?? waiting.set(fn.name, []).get(fn.name)!).push(resolve));
    }
  };
  const release = (fn: LambdaFunctionSpec, c: Container, kill: boolean) => {
    c.busy = false;
    if (kill) {
      void c.worker.terminate();
      pools.set(fn.name, (pools.get(fn.name) ?? []).filter((x) => x !== c));
    }
    waiting.get(fn.name)?.shift()?.();
  };

  return {
    async invoke(key, event, context = {}) {
      const fn = byKey.get(key) ?? byKey.get(key.split(':').pop() ?? '');
      if (!fn) throw new LambdaError('ResourceNotFoundException', `Function not found: ${key}`);
      const payload = JSON.stringify(event ?? null);
      if (Buffer.byteLength(payload) > LAMBDA_PAYLOAD_LIMIT) {
        throw new LambdaError('RequestEntityTooLargeException', `Request must be smaller than ${LAMBDA_PAYLOAD_LIMIT} bytes for the InvokeFunction operation`);
      }
      const c = await acquire(fn);
      try {
        await c.ready;
      } catch (error) {
        // A failed init: Lambda tries a fresh container on the next invocation.
        release(fn, c, true);
        throw error;
      }
      const requestId = context.awsRequestId ?? randomUUID();
      return new Promise<unknown>((resolve, reject) => {
        let settled = false;
        const finish = (kill: boolean, f: () => void) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          c.worker.off('message', onMessage);
          c.worker.off('error', onError);
          c.worker.off('exit', onExit);
          release(fn, c, kill);
          f();
        };
        const onMessage = (m: { ok: boolean; result?: string; error?: { name: string; message: string; stack?: string } }) => {
          if (!m.ok) return finish(false, () => reject(new LambdaError(m.error!.name, m.error!.message, m.error!.stack)));
          if (Buffer.byteLength(m.result!) > LAMBDA_PAYLOAD_LIMIT) {
            return finish(false, () => reject(new LambdaError('Function.ResponseSizeTooLarge', `Response payload size exceeded maximum allowed payload size (${LAMBDA_PAYLOAD_LIMIT} bytes).`)));
          }
          finish(false, () => resolve(JSON.parse(m.result!)));
        };
        // An uncaught error or a crash ends the container, as Lambda's runtime would.
        const onError = (e: Error) => finish(true, () => reject(new LambdaError('Runtime.Unhandled', e.message, e.stack)));
        const onExit = (code: number) => finish(true, () => reject(new LambdaError('Runtime.ExitError', `RequestId: ${requestId} Error: Runtime exited with error: exit status ${code}`)));
        const timer = setTimeout(
          () => finish(true, () => reject(new LambdaError('Sandbox.Timedout', `RequestId: ${requestId} Error: Task timed out after ${(fn.timeoutMs / 1000).toFixed(2)} seconds`))),
          fn.timeoutMs,
        );
        c.worker.on('message', onMessage);
        c.worker.once('error', onError);
        c.worker.once('exit', onExit);
        c.worker.postMessage({
          now: opts.now() ?? null,
          event: payload,
          context: {
            functionName: fn.name,
            functionVersion: '$LATEST',
            invokedFunctionArn: fn.arn,
            memoryLimitInMB: String(fn.memoryMb ?? 256),
            awsRequestId: requestId,
            logGroupName: `/aws/lambda/${fn.name}`,
            logStreamName: 'local-twin',
            timeoutMs: fn.timeoutMs,
          },
        });
      });
    },
    coldStarts: () => ({ ...cold }),
    async close() {
      closed = true;
      for (const resolvers of waiting.values()) for (const r of resolvers.splice(0)) r();
      await Promise.all([...pools.values()].flat().map((c) => c.worker.terminate()));
      pools.clear();
    },
  };
}
