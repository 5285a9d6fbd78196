/**
 * The signing gate: one small reverse proxy in front of each stand-in (DynamoDB Local, the SES emulator,
 * s3rver, the twin's Step Functions endpoint), on 127.0.0.1. Every request is checked as AWS checks it
 * before the stand-in sees it: SigV4 (header, presigned query or S3 POST form) with the secret of its access
 * key, then the caller's role policies from the synthesized template against the action and resource ARN
 * the request needs (./actions.ts). A refusal is the service's own error shape. Operations the twin does
 * not serve get the service's unknown-operation error at once.
 *
 * Who calls: each function signs with an access key of its own (the twin gives every function one, and its
 * worker only that one); the operator's key (`local`, used by the AWS CLI, `npm start`'s tools and tests)
 * may do anything, as an administrator would.
 */
import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bareAddress, dynamodbAccesses, s3Accesses, sendingIdentity, sesAccesses, sesMessage, sfnAccesses, type Access, type ArnScope } from './actions';
import { policyEvaluator, type AccessRequest, type PolicyDocument } from './policy';
import { parseAmzDate, SignatureError, verifyPostPolicy, verifySigV4, type VerifiedSignature } from './sigv4';

export type GatedService = 'dynamodb' | 'ses' | 's3' | 'sfn';

export type Principal =
  | { kind: 'operator'; secretAccessKey: string }
  | { kind: 'function'; secretAccessKey: string; functionName: string; roleName: string; allows: (request: AccessRequest) => boolean };

export interface Principals {
  get(accessKeyId: string): Principal | undefined;
}

/** One function's identity on the twin: its own key pair and its role's policies. */
export function functionPrincipal(opts: { functionName: string; roleName: string; policies: PolicyDocument[]; secretAccessKey: string }): Principal {
  return { kind: 'function', functionName: opts.functionName, roleName: opts.roleName, secretAccessKey: opts.secretAccessKey, allows: policyEvaluator(opts.policies) };
}

/** SES's sandbox, as the twin keeps it: which identities are verified, which addresses SES refuses. */
export interface SesSandbox {
  /** Verified identities (addresses and domains), lower case. */
  verified: Set<string>;
  /** Addresses (senders or recipients) SES refuses permanently (MessageRejected), lower case. */
  refused: Set<string>;
  /** The account's sending quota, as GetSendQuota reports it; the 24-hour quota is enforced, by recipient. */
  quota: { max24HourSend: number; maxSendRate: number };
  /** When each recipient of an accepted message was sent (the twin's clock, ms), within the last 24 hours. */
  sent: number[];
}

const DAY_MS = 86_400_000;
/** AWS's usual first production quota: 50,000 recipients a day, 14 a second. */
export const DEFAULT_SES_QUOTA = { max24HourSend: 50_000, maxSendRate: 14 } as const;
const noSandbox = (): SesSandbox => ({ verified: new Set(), refused: new Set(), quota: { ...DEFAULT_SES_QUOTA }, sent: [] });
/** The recipients sent in the 24 hours before `now` (older ones are dropped). */
function sentLast24Hours(sandbox: SesSandbox, now: number): number {
  const since = now - DAY_MS;
  while (sandbox.sent.length && sandbox.sent[0] <= since) sandbox.sent.shift();
  return sandbox.sent.length;
}

export interface GateOptions {
  service: GatedService;
  /** Where the stand-in listens (loopback). */
  upstream: string;
  principals: Principals;
  scope: ArnScope;
  /** The instants "now" may be: the twin's clock and the wall clock. */
  clocks: () => number[];
  port?: number;
  ses?: SesSandbox;
  /** Step Functions: the execution a task token belongs to. */
  executionOfToken?: (token: string) => string | undefined;
  /** Called for each refusal (tests and logs). */
  onRefusal?: (refusal: { service: GatedService; code: string; message: string; principal?: string }) => void;
  /**
   * Called with each answer of the stand-in to a signed request, after the stand-in has done the work and
   * before the caller hears of it: the instant a crash is hardest on the caller (the chaos run kills the twin
   * here, and journals what SES accepted).
   */
  onAnswered?: (exchange: GateExchange) => void;
}

/** A signed request the stand-in answered, as the gate saw it. */
export interface GateExchange {
  service: GatedService;
  /** The function whose role signed it (its logical id), or 'operator'. */
  principal: string;
  /** DynamoDB and Step Functions: the target's operation; SES: the Action; S3: the HTTP method. */
  operation: string;
  status: number;
  request: Buffer;
  response: Buffer;
}

export interface Gate {
  url: string;
  port: number;
  close(): Promise<void>;
}

interface Refusal {
  status: number;
  code: string;
  message: string;
}

const wallClock = () => performance.timeOrigin + performance.now();
export const twinClocks = (twinNow: () => number) => () => [twinNow(), wallClock()];

const xml = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** Each service's error for a refused signature. */
function signatureRefusal(service: GatedService, e: SignatureError): Refusal {
  const json = service === 'dynamodb' || service === 'sfn';
  switch (e.code) {
    case 'MissingAuthenticationToken':
      return service === 's3' ? { status: 403, code: 'AccessDenied', message: 'Access Denied' } : { status: json ? 400 : 403, code: json ? 'MissingAuthenticationTokenException' : 'MissingAuthenticationToken', message: e.message };
    case 'UnrecognizedClient':
      return service === 's3' ? { status: 403, code: 'InvalidAccessKeyId', message: e.message } : json ? { status: 400, code: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' } : { status: 403, code: 'InvalidClientTokenId', message: 'The security token included in the request is invalid.' };
    case 'SignatureDoesNotMatch':
      return json ? { status: 400, code: 'InvalidSignatureException', message: e.message } : { status: 403, code: 'SignatureDoesNotMatch', message: e.message };
    case 'RequestTimeTooSkewed':
      return service === 's3' ? { status: 403, code: 'RequestTimeTooSkewed', message: e.message } : json ? { status: 400, code: 'InvalidSignatureException', message: `Signature expired: ${e.message}` } : { status: 400, code: 'RequestExpired', message: e.message };
    case 'RequestExpired':
      return service === 's3' ? { status: 403, code: 'AccessDenied', message: e.message } : json ? { status: 400, code: 'InvalidSignatureException', message: `Signature expired: ${e.message}` } : { status: 400, code: 'RequestExpired', message: e.message };
    default:
      return service === 's3' ? { status: 400, code: 'AuthorizationQueryParametersError', message: e.message } : { status: 400, code: json ? 'IncompleteSignatureException' : 'IncompleteSignature', message: e.message };
  }
}

function unknownOperation(service: GatedService, what: string): Refusal {
  switch (service) {
    case 'ses':
      return { status: 400, code: 'InvalidAction', message: `The action ${what} is not valid for this web service.` };
    case 's3':
      return { status: 501, code: 'NotImplemented', message: `A header or query you provided implies functionality that is not implemented (${what})` };
    default:
      return { status: 400, code: 'UnknownOperationException', message: `Unknown operation ${what}` };
  }
}

function sendRefusal(res: ServerResponse, service: GatedService, r: Refusal): void {
  const requestId = randomUUID();
  let body: string;
  let type: string;
  if (service === 'dynamodb' || service === 'sfn') {
    // DynamoDB's authentication and authorisation errors come from its front end (coral); the SDK keeps
    // only what follows '#'.
    const prefix = service === 'dynamodb' ? 'com.amazon.coral.service#' : 'com.amazonaws.swf.service.v2.model#';
    body = JSON.stringify({ __type: `${prefix}${r.code}`, [service === 'dynamodb' ? 'Message' : 'message']: r.message });
    type = 'application/x-amz-json-1.0';
  } else if (service === 'ses') {
    body = `<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>Sender</Type><Code>${r.code}</Code><Message>${xml(r.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
    type = 'text/xml';
  } else {
    body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${r.code}</Code><Message>${xml(r.message)}</Message><RequestId>${requestId}</RequestId></Error>`;
    type = 'application/xml';
  }
  res.writeHead(r.status, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'x-amzn-requestid': requestId, 'x-amz-request-id': requestId });
  res.end(body);
}

function sendXml(res: ServerResponse, body: string): void {
  res.writeHead(200, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(body), 'x-amzn-requestid': randomUUID() });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The fields of a multipart/form-data body before its file, and the file's size. */
export function formFields(body: Buffer, contentType: string): { fields: Record<string, string>; fileSize: number } | undefined {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  if (!boundary) return undefined;
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const fields: Record<string, string> = {};
  let fileSize = 0;
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length + 2; // CRLF
    const next = body.indexOf(delimiter, start);
    if (next < 0) break;
    const part = body.subarray(start, next - 2);
    const split = part.indexOf('\r\n\r\n');
    const head = part.subarray(0, split).toString('utf8');
    const value = part.subarray(split + 4);
    const name = /name="([^"]*)"/.exec(head)?.[1];
    if (/filename=/.test(head)) fileSize = value.length;
    else if (name !== undefined) fields[name] = value.toString('utf8');
    at = next;
  }
  return { fields, fileSize };
}

/** S3 checks every condition of a POST policy against the form; s3rver checks none. */
function checkPostConditions(policy: { conditions: unknown[] }, fields: Record<string, string>, bucket: string, fileSize: number): string | undefined {
  const field = (name: string) => (name.toLowerCase() === 'bucket' ? bucket : Object.entries(fields).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1]);
  for (const c of policy.conditions) {
    if (Array.isArray(c)) {
      const [op, a, b] = c as [string, unknown, unknown];
      if (op === 'content-length-range') {
        if (fileSize < Number(a) || fileSize > Number(b)) return `Your proposed upload ${fileSize < Number(a) ? 'is smaller than the minimum' : 'exceeds the maximum'} allowed size`;
        continue;
      }
      const value = field(String(a).replace(/^\$/, ''));
      if (op === 'eq' && value !== b) return `Invalid according to Policy: Policy Condition failed: ["eq", "${String(a)}", "${String(b)}"]`;
      if (op === 'starts-with' && !(value ?? '').startsWith(String(b))) return `Invalid according to Policy: Policy Condition failed: ["starts-with", "${String(a)}", "${String(b)}"]`;
    } else if (c && typeof c === 'object') {
      for (const [k, v] of Object.entries(c)) if (field(k) !== v) return `Invalid according to Policy: Policy Condition failed: ["eq", "$${k}", "${String(v)}"]`;
    }
  }
  return undefined;
}

/** Query parameters and headers of SigV4 that the stand-in must not see again (it checked nothing anyway). */
const PRESIGN_PARAMS = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature', 'X-Amz-Security-Token'];

export async function startGate(opts: GateOptions): Promise<Gate> {
  const { service, principals, scope } = opts;
  const upstream = new URL(opts.upstream);
  // A fresh loopback connection per request: a pooled one outlives a stand-in that restarts (a test takes SES
  // down and up again) and would fail the first request after it, which AWS never does.
  const agent = new Agent({ keepAlive: false });
  const refuse = (res: ServerResponse, r: Refusal, principal?: string) => {
    opts.onRefusal?.({ service, code: r.code, message: r.message, principal });
    sendRefusal(res, service, r);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const body = await readBody(req);
    const u = new URL(url, 'http://gate');
    let forwardPath = url;

    // The SES emulator's own pages (the inbox, its JSON store) are the operator's window, like a console.
    if (service === 'ses' && !(method === 'POST' && u.pathname === '/') && !u.pathname.startsWith('/v2/')) return forward();
    // A browser's CORS preflight carries no credentials, on AWS too: the bucket's CORS rules answer it.
    if (service === 's3' && method === 'OPTIONS') return forward();

    const secretOf = (id: string) => principals.get(id)?.secretAccessKey;
    const clocks = opts.clocks();
    // Every answer, a refusal included, carries the time of the clock the caller signed with (the simulated
    // one for the handlers, the wall clock for the AWS CLI): the SDK corrects its clock from any response's
    // Date, and one wall-clock Date on a refusal would shift a handler's later signatures by years, then by
    // the simulated clock's next jump, until SES refused them as expired.
    const claimed = parseAmzDate(String(req.headers['x-amz-date'] ?? u.searchParams.get('X-Amz-Date') ?? ''));
    const near = Number.isNaN(claimed) ? clocks[0] : clocks.reduce((best, c) => (Math.abs(c - claimed) < Math.abs(best - claimed) ? c : best));
    const stamp = new Date(near).toUTCString();
    res.setHeader('date', stamp);
    let signature: VerifiedSignature;
    let form: ReturnType<typeof formFields>;
    const contentType = String(req.headers['content-type'] ?? '');
    const [, bucket = '', ...keyParts] = u.pathname.split('/');
    const key = keyParts.map((p) => decodeURIComponent(p)).join('/');
    try {
      if (service === 's3' && method === 'POST' && !key && contentType.startsWith('multipart/form-data')) {
        form = formFields(body, contentType);
        const checked = verifyPostPolicy(form?.fields ?? {}, secretOf, clocks);
        const failed = checkPostConditions(checked.policy, form?.fields ?? {}, decodeURIComponent(bucket), form?.fileSize ?? 0);
        if (failed) return refuse(res, { status: 403, code: failed.includes('size') ? 'EntityTooLarge' : 'AccessDenied', message: failed });
        signature = checked;
      } else {
        signature = verifySigV4({ method, url, headers: req.headers, body }, secretOf, clocks);
      }
    } catch (error) {
      if (error instanceof SignatureError) return refuse(res, signatureRefusal(service, error));
      throw error;
    }
    const principal = principals.get(signature.accessKeyId)!;

    // What the request needs.
    let accesses: Access[] | undefined;
    let ses: ReturnType<typeof sesMessage>;
    let answer: string | undefined;
    const target = String(req.headers['x-amz-target'] ?? '');
    const json = () => {
      try {
        return JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        return {};
      }
    };
    if (service === 'dynamodb') {
      accesses = target.startsWith('DynamoDB_20120810.') ? dynamodbAccesses(target.slice(18), json(), scope) : undefined;
      if (!accesses) return refuse(res, unknownOperation(service, target), signature.accessKeyId);
    } else if (service === 'sfn') {
      accesses = target.startsWith('AWSStepFunctions.') ? sfnAccesses(target.slice(17), json(), opts.executionOfToken ?? (() => undefined)) : undefined;
      if (!accesses) return refuse(res, unknownOperation(service, target), signature.accessKeyId);
    } else if (service === 'ses') {
      const params = new URLSearchParams(body.toString('utf8'));
      const action = params.get('Action') ?? '';
      const sandbox = opts.ses ?? noSandbox();
      ses = sesMessage(params);
      if (ses) {
        // Authorised against the verified identity that covers the sender (an unverified sender: its own
        // address); refused after that if SES would not send from it.
        accesses = sesAccesses(ses, sendingIdentity(ses.source, sandbox.verified) ?? ses.source.toLowerCase(), scope);
      } else if (action === 'ListIdentities') {
        accesses = [{ action: 'ses:ListIdentities', resource: '*' }];
        answer = `<ListIdentitiesResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><ListIdentitiesResult><Identities>${[...sandbox.verified].map((i) => `<member>${xml(i)}</member>`).join('')}</Identities></ListIdentitiesResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></ListIdentitiesResponse>`;
      } else if (action === 'GetSendQuota') {
        accesses = [{ action: 'ses:GetSendQuota', resource: '*' }];
        const f = (n: number) => n.toFixed(1);
        answer = `<GetSendQuotaResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><GetSendQuotaResult><SentLast24Hours>${f(sentLast24Hours(sandbox, opts.clocks()[0]))}</SentLast24Hours><Max24HourSend>${f(sandbox.quota.max24HourSend)}</Max24HourSend><MaxSendRate>${f(sandbox.quota.maxSendRate)}</MaxSendRate></GetSendQuotaResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></GetSendQuotaResponse>`;
      } else {
        return refuse(res, unknownOperation(service, action || '(none)'), signature.accessKeyId);
      }
    } else {
      const query = u.searchParams;
      accesses = s3Accesses(method, decodeURIComponent(bucket), key, query, req.headers, form?.fields.key);
      if (accesses && method === 'POST' && query.has('delete')) {
        accesses = [...body.toString('utf8').matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => ({ action: 's3:DeleteObject', resource: `arn:aws:s3:::${decodeURIComponent(bucket)}/${m[1]}` }));
      }
      if (!accesses) return refuse(res, unknownOperation(service, `${method} ${u.pathname}${u.search}`), signature.accessKeyId);
      // The stand-in checks no signature; the gate has. Drop SigV4 so its own clock and key list play no part.
      for (const p of PRESIGN_PARAMS) u.searchParams.delete(p);
      forwardPath = `${u.pathname}${u.search}`;
      if (!form) {
        // s3rver refuses some requests when anonymous (response-* overrides on GET), checks V4 signatures not
        // at all, and checks their time against its own clock (this process's Date): sign as its own key, now.
        const now = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
        req.headers.authorization = `AWS4-HMAC-SHA256 Credential=S3RVER/${now.slice(0, 8)}/${scope.region}/s3/aws4_request,SignedHeaders=host,Signature=${'0'.repeat(64)}`;
        req.headers['x-amz-date'] = now;
        req.headers['x-amz-content-sha256'] ??= 'UNSIGNED-PAYLOAD';
      }
    }

    if (principal.kind === 'function') {
      const now = new Date(clocks[0]);
      const common = { 'aws:CurrentTime': now.toISOString(), 'aws:EpochTime': String(Math.floor(now.getTime() / 1000)), 'aws:SecureTransport': 'false', 'aws:RequestedRegion': scope.region, 'aws:SourceIp': '127.0.0.1', 'aws:PrincipalArn': `arn:aws:iam::${scope.accountId}:role/${principal.roleName}` };
      for (const access of accesses) {
        if (!principal.allows({ ...access, context: { ...common, ...access.context } })) {
          const message = `User: arn:aws:sts::${scope.accountId}:assumed-role/${principal.roleName}/${principal.functionName} is not authorized to perform: ${access.action} on resource: ${access.resource} because no identity-based policy allows the ${access.action} action`;
          const code = service === 's3' || service === 'ses' ? 'AccessDenied' : 'AccessDeniedException';
          return refuse(res, { status: service === 's3' || service === 'ses' ? 403 : 400, code, message }, signature.accessKeyId);
        }
      }
    }
    if (answer) return sendXml(res, answer);
    if (ses) {
      const sandbox = opts.ses ?? noSandbox();
      const unverified = sendingIdentity(ses.source, sandbox.verified) ? [] : [ses.source];
      const refused = [...unverified, ...[ses.source, ...ses.recipients].map((a) => bareAddress(a).toLowerCase()).filter((a) => sandbox.refused.has(a))];
      if (refused.length) {
        return refuse(res, { status: 400, code: 'MessageRejected', message: `Email address is not verified. The following identities failed the check in region ${scope.region.toUpperCase()}: ${refused.join(', ')}` }, signature.accessKeyId);
      }
      // SES counts every recipient against the 24-hour quota, and refuses the whole message past it.
      const now = opts.clocks()[0];
      if (sentLast24Hours(sandbox, now) + ses.recipients.length > sandbox.quota.max24HourSend) {
        return refuse(res, { status: 400, code: 'Throttling', message: 'Daily message quota exceeded.' }, signature.accessKeyId);
      }
      for (const _ of ses.recipients) sandbox.sent.push(now);
    }
    const operation = service === 'ses' ? new URLSearchParams(body.toString('utf8')).get('Action') ?? '' : service === 's3' ? method : target.split('.').pop() ?? '';
    const who = principal.kind === 'function' ? principal.functionName : 'operator';
    return forward(stamp, opts.onAnswered && ((status, response) => opts.onAnswered!({ service, principal: who, operation, status, request: body, response })));

    function forward(date?: string, answered?: (status: number, response: Buffer) => void): Promise<void> {
      return new Promise<void>((resolve) => {
        const headers = { ...req.headers, host: upstream.host, 'content-length': String(body.length) };
        delete headers['transfer-encoding'];
        const up = httpRequest({ host: upstream.hostname, port: upstream.port, method, path: forwardPath, headers, agent }, (upRes) => {
          const head = date ? { ...upRes.headers, date } : upRes.headers;
          upRes.on('error', () => resolve());
          if (!answered) {
            res.writeHead(upRes.statusCode ?? 502, head);
            upRes.pipe(res);
            upRes.on('end', resolve);
            return;
          }
          const chunks: Buffer[] = [];
          upRes.on('data', (c: Buffer) => chunks.push(c));
          upRes.on('end', () => {
            const response = Buffer.concat(chunks);
            answered(upRes.statusCode ?? 502, response);
            res.writeHead(upRes.statusCode ?? 502, head).end(response);
            resolve();
          });
        });
        up.on('error', (error) => {
          if (!res.headersSent) refuse(res, { status: 503, code: 'ServiceUnavailable', message: `the stand-in behind the gate did not answer: ${error.message}` });
          else res.destroy();
          resolve();
        });
        up.end(body);
      });
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (!res.headersSent) sendRefusal(res, service, { status: 500, code: 'InternalFailure', message: String(error) });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}
