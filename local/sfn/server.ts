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
    const method = OPERATIONS[op as keyof typeof OPERATIONS];
    if (!method) return sendError(res, 400, 'UnknownOperationException', `Unknown operation '${target}'`);
    let input: Record<string, unknown>;
    try {
      const raw = await readBody(req);
      input = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      return sendError(res, 400, 'SerializationException', 'Request body is not valid JSON');
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
