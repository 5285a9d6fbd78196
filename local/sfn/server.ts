/**
 * The Step Functions AWS JSON 1.0 endpoint of the local twin: POST / with `X-Amz-Target: AWSStepFunctions.<Op>`.
 * Point @aws-sdk/client-sfn at it with AWS_ENDPOINT_URL_SFN=http://127.0.0.1:PORT.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SimClock } from '../clock.js';
import { SfnError, type LocalStepFunctions } from './engine.js';

const OPERATIONS = {
  StartExecution: 'startExecution',
  DescribeExecution: 'describeExecution',
  ListExecutions: 'listExecutions',
  StopExecution: 'stopExecution',
  GetExecutionHistory: 'getExecutionHistory',
  SendTaskSuccess: 'sendTaskSuccess',
  SendTaskFailure: 'sendTaskFailure',
  SendTaskHeartbeat: 'sendTaskHeartbeat',
  ListStateMachines: 'listStateMachines',
  DescribeStateMachine: 'describeStateMachine',
} as const;

/**
 * The members' constraints in the service model (the API reference's "Length Constraints", "Valid Range"
 * and "Valid Values"), checked before the operation runs, as the service does. The AWS CLI checks none of
 * the upper bounds or enums, so without this the twin accepted what AWS refuses.
 */
type Constraint =
  /** `bytes`: the length is counted in UTF-8 bytes (payloads: an execution's input, a task's output), not characters. */
  | { type: 'string'; min?: number; max?: number; bytes?: true; values?: readonly string[]; required?: true }
  | { type: 'integer'; min: number; max: number }
  | { type: 'boolean' };
const arn = (required?: true) => ({ type: 'string', min: 1, max: 256, ...(required ? { required } : {}) }) as const;
const nextToken = { type: 'string', min: 1, max: 3096 } as const;
const maxResults = { type: 'integer', min: 0, max: 1000 } as const;
const taskToken = { type: 'string', min: 1, max: 2048, required: true } as const;
const includedData = { type: 'string', values: ['ALL_DATA', 'METADATA_ONLY'] } as const;
const CONSTRAINTS: Record<keyof typeof OPERATIONS, Record<string, Constraint>> = {
  StartExecution: { stateMachineArn: arn(true), name: { type: 'string', min: 1, max: 80 }, input: { type: 'string', max: 262144, bytes: true }, traceHeader: { type: 'string', max: 256 } },
  DescribeExecution: { executionArn: arn(true), includedData },
  ListExecutions: {
    stateMachineArn: arn(),
    statusFilter: { type: 'string', values: ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'] },
    maxResults,
    nextToken,
    mapRunArn: { type: 'string', min: 1, max: 2000 },
    redriveFilter: { type: 'string', values: ['REDRIVEN', 'NOT_REDRIVEN'] },
  },
  StopExecution: { executionArn: arn(true), error: { type: 'string', max: 256 }, cause: { type: 'string', max: 32768 } },
  GetExecutionHistory: { executionArn: arn(true), maxResults, reverseOrder: { type: 'boolean' }, nextToken, includeExecutionData: { type: 'boolean' } },
  SendTaskSuccess: { taskToken, output: { type: 'string', max: 262144, bytes: true, required: true } },
  SendTaskFailure: { taskToken, error: { type: 'string', max: 256 }, cause: { type: 'string', max: 32768 } },
  SendTaskHeartbeat: { taskToken },
  ListStateMachines: { maxResults, nextToken },
  DescribeStateMachine: { stateMachineArn: arn(true), includedData },
};

class RequestError extends Error {
  constructor(
    readonly code: 'ValidationException' | 'SerializationException',
    message: string,
  ) {
    super(message);
  }
}

/**
 * The service's wording: `2 validation errors detected: Value 'X' at 'statusFilter' failed to satisfy
 * constraint: Member must satisfy enum value set: [...]; Value '1001' at 'maxResults' ...`.
 */
function validateRequest(op: keyof typeof OPERATIONS, input: Record<string, unknown>): void {
  const failures: string[] = [];
  const fail = (member: string, value: unknown, rule: string) =>
    failures.push(`Value ${value === undefined || value === null ? 'null' : `'${String(value)}'`} at '${member}' failed to satisfy constraint: Member must ${rule}`);
  for (const [member, c] of Object.entries(CONSTRAINTS[op])) {
    const value = input[member];
    if (value === undefined || value === null) {
      if (c.type === 'string' && c.required) fail(member, value, 'not be null');
      continue;
    }
    if (c.type === 'boolean') {
      if (typeof value !== 'boolean') throw new RequestError('SerializationException', `${member}: expected a boolean`);
    } else if (c.type === 'integer') {
      if (typeof value !== 'number' || !Number.isInteger(value)) throw new RequestError('SerializationException', `${member}: expected an integer`);
      if (value > c.max) fail(member, value, `have value less than or equal to ${c.max}`);
      if (value < c.min) fail(member, value, `have value greater than or equal to ${c.min}`);
    } else {
      if (typeof value !== 'string') throw new RequestError('SerializationException', `${member}: expected a string`);
      if (c.values && !c.values.includes(value)) fail(member, value, `satisfy enum value set: [${c.values.join(', ')}]`);
      const length = c.bytes ? Buffer.byteLength(value, 'utf8') : value.length;
      if (c.max !== undefined && length > c.max) fail(member, value.length > 64 ? `${value.slice(0, 64)}…` : value, `have length less than or equal to ${c.max}`);
      if (c.min !== undefined && value.length < c.min) fail(member, value, `have length greater than or equal to ${c.min}`);
    }
  }
  if (failures.length) {
    throw new RequestError('ValidationException', `${failures.length} validation error${failures.length > 1 ? 's' : ''} detected: ${failures.join('; ')}`);
  }
  if (op === 'ListExecutions' && input.stateMachineArn === undefined && input.mapRunArn === undefined) {
    throw new RequestError('ValidationException', 'Must provide a StateMachine ARN or a MapRun ARN');
  }
}

/** The real service's error type prefix; the SDK keeps only what follows '#'. */
const ERROR_PREFIX = 'com.amazonaws.swf.service.v2.model#';

/** Dates go out as epoch seconds, like the real service; undefined fields are dropped by JSON.stringify. */
function toWire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toWire(v)]));
  }
  return value;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': crypto.randomUUID(),
  });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  send(res, status, { __type: `${ERROR_PREFIX}${code}`, message });
}

export interface SfnServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startSfnServer(
  engine: LocalStepFunctions,
  opts: { port?: number; host?: string; clock?: SimClock } = {},
): Promise<SfnServer> {
  const host = opts.host ?? '127.0.0.1';
  const clock = opts.clock ?? engine.clock;
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST') return sendError(res, 404, 'UnknownOperationException', 'Only POST / is served');
    const target = String(req.headers['x-amz-target'] ?? '');
    const op = target.startsWith('AWSStepFunctions.') ? target.slice('AWSStepFunctions.'.length) : '';
    // Own keys only: `toString` or `constructor` is no operation (it once reached the engine and became a 500, which the SDK retries).
    if (!Object.hasOwn(OPERATIONS, op)) {
      req.resume();
      return sendError(res, 400, 'UnknownOperationException', `Unknown operation '${target}'`);
    }
    const name = op as keyof typeof OPERATIONS;
    const method = OPERATIONS[name];
    let input: Record<string, unknown>;
    try {
      const raw = await readBody(req);
      const parsed: unknown = raw ? JSON.parse(raw) : {};
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      input = parsed as Record<string, unknown>;
    } catch {
      return sendError(res, 400, 'SerializationException', 'Request body is not valid JSON');
    }
    try {
      validateRequest(name, input);
    } catch (err) {
      const e = err as RequestError;
      return sendError(res, 400, e.code, e.message);
    }
    try {
      const fn = engine[method] as (i: unknown) => Promise<unknown>;
      const output = await fn(input);
      send(res, 200, toWire(output));
    } catch (err) {
      const e = err as Error;
      // SfnError names are the service's error codes; anything else is our bug, reported as a 500.
      if (e instanceof SfnError) sendError(res, 400, e.name, e.message);
      else sendError(res, 500, 'InternalFailure', e?.message ?? String(err));
    }
  };
  const server = createServer((req, res) => {
    const work = handle(req, res).catch((err) => sendError(res, 500, 'InternalFailure', String(err)));
    // Every request is simulated work: the clock never advances while one is being answered.
    void (clock ? clock.track(work) : work);
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
