/**
 * The twin's API Gateway (HTTP API, payload format 2.0): serves the routes the synthesized template defines,
 * each bound to its function's handler, with what API Gateway does before and after the handler:
 *
 *   request -> 413 over 10 MB -> CORS preflight (answered here) -> route match (404) -> route throttle (429)
 *   -> JWT authorizer (401/403, the handler is not called) -> payload 2.0 event -> handler (timeout, 500)
 *   -> Lambda's 6 MB response limit (500) -> the handler's result translated to HTTP -> CORS headers.
 *
 * Error bodies are API Gateway's own: `{"message":"Not Found"}`, `Unauthorized`, `Forbidden`,
 * `Too Many Requests`, `Request Entity Too Large`, `Internal Server Error`, `Service Unavailable`.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import type { TwinCors, TwinThrottle } from '../assembly';
import { wallClockNow } from '../clock';
import { lambdaContext } from './lambda-context';
import { createJwtAuthorizer, stringifyClaims, type JwtAuthorizer, type JwtRouteAuth } from './jwt-authorizer';

/** API Gateway's payload limit for HTTP APIs. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;
/**
 * Lambda's limit on a synchronous invocation's response, the serialized JSON the handler returns (6 MB as
 * Lambda counts it). Over it Lambda fails the invocation (Function.ResponseSizeTooLarge) and the HTTP API
 * answers 500 Internal Server Error.
 */
export const LAMBDA_MAX_RESPONSE_BYTES = 6_291_556;

class ResponseTooLargeError extends Error {
  override readonly name = 'Function.ResponseSizeTooLarge';
  constructor() {
    super(`Response payload size exceeded maximum allowed payload size (${LAMBDA_MAX_RESPONSE_BYTES} bytes).`);
  }
}

/** Lambda takes JSON out: the response as it crosses the wire, refused over Lambda's limit. */
function lambdaResponse(result: unknown): unknown {
  if (result === undefined) return null;
  const text = JSON.stringify(result);
  if (text !== undefined && Buffer.byteLength(text, 'utf8') > LAMBDA_MAX_RESPONSE_BYTES) throw new ResponseTooLargeError();
  return text === undefined ? null : JSON.parse(text);
}

export type ApiEventV2 = Omit<APIGatewayProxyEventV2WithJWTAuthorizer, 'requestContext'> & {
  requestContext: Omit<APIGatewayProxyEventV2WithJWTAuthorizer['requestContext'], 'authorizer'> & {
    authorizer?: { jwt: { claims: Record<string, string>; scopes: string[] | null } };
  };
};

export interface GatewayRoute {
  /** `GET /me`, `ANY /x`, `$default`. */
  routeKey: string;
  auth: JwtRouteAuth | null;
  functionName: string;
  /** The function's own timeout: past it the invocation fails (500). */
  timeoutMs: number;
  /** The integration's timeout: past it, if shorter than the function's, API Gateway answers 503. @default 30 000 */
  integrationTimeoutMs?: number;
  invoke(event: ApiEventV2, context: ReturnType<typeof lambdaContext>): Promise<unknown>;
}

export interface GatewayOptions {
  /** @default a free port */
  port?: number;
  routes: GatewayRoute[];
  cors?: TwinCors | null;
  /** Per route, like the stage's DefaultRouteSettings; null: no throttle. */
  throttle?: TwinThrottle | null;
  /** @default 'localapi' */
  apiId?: string;
  /** @default 'us-east-1' */
  region?: string;
  /** @default '000000000000' */
  accountId?: string;
  /** Wraps each request (the twin's clock.track: simulated time stands still while a request runs). */
  track?: <T>(work: () => Promise<T>) => Promise<T>;
  /** requestContext.time/timeEpoch. @default Date.now (in the twin: the simulated clock the handlers see) */
  requestTime?: () => number;
  authorizer?: JwtAuthorizer;
  /** Where a failed invocation is reported (the Lambda runtime would log it). */
  onInvocationError?: (routeKey: string, error: unknown) => void;
}

export interface LocalGateway {
  url: string;
  port: number;
  close(): Promise<void>;
}

interface HttpResult {
  status: number;
  headers: Record<string, string>;
  cookies?: string[];
  body: Buffer;
}

const json = (status: number, message: string, headers: Record<string, string> = {}): HttpResult => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: Buffer.from(JSON.stringify({ message })),
});

/** Bodies API Gateway passes as text; anything else arrives base64-encoded with isBase64Encoded: true. */
function isTextContent(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(';')[0].trim().toLowerCase();
  return (
    type.startsWith('text/') ||
    ['application/json', 'application/xml', 'application/javascript', 'application/ecmascript'].includes(type) ||
    type.endsWith('+json') ||
    type.endsWith('+xml')
  );
}

const decode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

interface CompiledRoute {
  route: GatewayRoute;
  method: string;
  segments: string[];
  greedy: boolean;
  bucket: TokenBucket | null;
}

class TokenBucket {
  private tokens: number;
  private last = performance.now();
  constructor(private readonly limits: TwinThrottle) {
    this.tokens = limits.burstLimit;
  }
  take(): boolean {
    const t = performance.now();
    this.tokens = Math.min(this.limits.burstLimit, this.tokens + ((t - this.last) / 1000) * this.limits.rateLimit);
    this.last = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

function compile(route: GatewayRoute, throttle: TwinThrottle | null): CompiledRoute {
  const bucket = throttle ? new TokenBucket(throttle) : null;
  if (route.routeKey === '$default') return { route, method: '$default', segments: [], greedy: true, bucket };
  const [method, path] = route.routeKey.split(' ');
  const segments = path.split('/').slice(1);
  const greedy = /^\{[^}]+\+\}$/.test(segments.at(-1) ?? '');
  return { route, method, segments, greedy, bucket };
}

/** Matches a request path; on success the decoded path parameters. */
function match(c: CompiledRoute, method: string, rawPath: string): Record<string, string> | null {
  if (c.method === '$default') return {};
  if (c.method !== 'ANY' && c.method !== method) return null;
  const parts = rawPath.split('/').slice(1);
  const fixed = c.greedy ? c.segments.length - 1 : c.segments.length;
  if (c.greedy ? parts.length < c.segments.length : parts.length !== c.segments.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < fixed; i++) {
    const seg = c.segments[i];
    const param = /^\{([^}]+)\}$/.exec(seg);
    if (param) {
      if (parts[i] === '') return null;
      params[param[1]] = decode(parts[i]);
    } else if (decode(parts[i]) !== seg) {
      return null;
    }
  }
  if (c.greedy) params[c.segments.at(-1)!.slice(1, -2)] = decode(parts.slice(fixed).join('/'));
  return params;
}

/** API Gateway picks the most specific route: exact before greedy before `$default`, literal segments before parameters, a method before ANY. */
function specificity(c: CompiledRoute): number[] {
  if (c.method === '$default') return [0];
  return [c.greedy ? 1 : 2, ...c.segments.map((s) => (s.startsWith('{') ? 0 : 1)), c.method === 'ANY' ? 0 : 1];
}
const bySpecificity = (a: CompiledRoute, b: CompiledRoute) => {
  const x = specificity(a);
  const y = specificity(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? -1) !== (y[i] ?? -1)) return (y[i] ?? -1) - (x[i] ?? -1);
  return 0;
};

/** `12/Mar/2020:19:03:58 +0000`, as requestContext.time is written. */
function clfTime(ms: number): string {
  const d = new Date(ms);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/** Lower-cased names, repeated headers joined with commas; `cookie` moves to `cookies`. */
function eventHeaders(req: IncomingMessage): { headers: Record<string, string>; cookies: string[] } {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i].toLowerCase();
    const value = req.rawHeaders[i + 1];
    if (name === 'cookie') cookies.push(...value.split(';').map((c) => c.trim()).filter(Boolean));
    else headers[name] = Object.hasOwn(headers, name) ? `${headers[name]},${value}` : value;
  }
  return { headers, cookies };
}

/** Repeated parameters joined with commas, names and values percent-decoded. */
function queryParameters(raw: string): Record<string, string> | undefined {
  if (!raw) return undefined;
  // No prototype: a parameter named __proto__ or constructor is an ordinary key, as API Gateway passes it.
  const out: Record<string, string> = Object.create(null);
  for (const pair of raw.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const name = decode(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : decode(pair.slice(eq + 1));
    out[name] = Object.hasOwn(out, name) ? `${out[name]},${value}` : value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * The handler's result as API Gateway reads a format 2.0 response: an object with `statusCode` is a full
 * response (headers, cookies, body, isBase64Encoded); anything else is a 200 with the result as JSON body.
 */
export function translateResult(result: unknown): HttpResult {
  if (result !== null && typeof result === 'object' && 'statusCode' in result) {
    const r = result as { statusCode: unknown; headers?: unknown; cookies?: unknown; body?: unknown; isBase64Encoded?: unknown };
    if (typeof r.statusCode !== 'number' || !Number.isInteger(r.statusCode) || r.statusCode < 100 || r.statusCode > 599) {
      throw new Error(`malformed Lambda proxy response: statusCode ${String(r.statusCode)}`);
    }
    if (r.body !== undefined && r.body !== null && typeof r.body !== 'string') throw new Error('malformed Lambda proxy response: body is not a string');
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries((r.headers ?? {}) as Record<string, unknown>)) headers[k.toLowerCase()] = String(v);
    const body = typeof r.body === 'string' ? Buffer.from(r.body, r.isBase64Encoded === true ? 'base64' : 'utf8') : Buffer.alloc(0);
    return { status: r.statusCode, headers, cookies: Array.isArray(r.cookies) ? r.cookies.map(String) : undefined, body };
  }
  const text = typeof result === 'string' ? result : JSON.stringify(result ?? null);
  return { status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(text) };
}

class TimeoutError extends Error {
  constructor(readonly by: 'function' | 'integration') {
    super(`${by} timed out`);
  }
}

export async function startGateway(opts: GatewayOptions): Promise<LocalGateway> {
  const region = opts.region ?? 'us-east-1';
  const accountId = opts.accountId ?? '000000000000';
  const apiId = opts.apiId ?? 'localapi';
  const authorizer = opts.authorizer ?? createJwtAuthorizer();
  const track = opts.track ?? (<T>(work: () => Promise<T>) => work());
  const requestTime = opts.requestTime ?? (() => Date.now());
  const routes = opts.routes.map((r) => compile(r, opts.throttle ?? null)).sort(bySpecificity);
  const cors = opts.cors ?? null;

  const allowedOrigin = (origin: string | undefined): string | undefined => {
    if (!cors || !origin) return undefined;
    if (cors.allowOrigins.includes(origin)) return origin;
    if (cors.allowOrigins.includes('*')) return cors.allowCredentials ? origin : '*';
    return undefined;
  };

  const corsHeaders = (origin: string | undefined): Record<string, string> => {
    const allowed = allowedOrigin(origin);
    if (!cors || !allowed) return {};
    return {
      'access-control-allow-origin': allowed,
      ...(cors.allowCredentials ? { 'access-control-allow-credentials': 'true' } : {}),
      ...(cors.exposeHeaders.length ? { 'access-control-expose-headers': cors.exposeHeaders.join(',') } : {}),
      ...(allowed !== '*' ? { vary: 'origin' } : {}),
    };
  };

  const preflight = (headers: Record<string, string>): HttpResult => {
    const origin = headers.origin;
    if (!allowedOrigin(origin)) return { status: 204, headers: {}, body: Buffer.alloc(0) };
    const method = headers['access-control-request-method'];
    const requested = headers['access-control-request-headers'];
    const methods = cors!.allowMethods.includes('*') ? method : cors!.allowMethods.join(',');
    const allowHeaders = cors!.allowHeaders.includes('*') ? requested : cors!.allowHeaders.join(',');
    return {
      status: 204,
      headers: {
        ...corsHeaders(origin),
        ...(methods ? { 'access-control-allow-methods': methods } : {}),
        ...(allowHeaders ? { 'access-control-allow-headers': allowHeaders } : {}),
        ...(cors!.maxAge !== undefined ? { 'access-control-max-age': String(cors!.maxAge) } : {}),
      },
      body: Buffer.alloc(0),
    };
  };

  const invoke = async (route: GatewayRoute, event: ApiEventV2): Promise<HttpResult> => {
    const integrationMs = route.integrationTimeoutMs ?? 30_000;
    const by = route.timeoutMs <= integrationMs ? 'function' : 'integration';
    const context = lambdaContext(route.functionName, { region, accountId, timeoutMs: route.timeoutMs });
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        // Lambda hands JSON in and takes JSON out.
        route.invoke(JSON.parse(JSON.stringify(event)) as ApiEventV2, context).then(lambdaResponse),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new TimeoutError(by)), Math.min(route.timeoutMs, integrationMs)))),
      ]);
      return translateResult(result);
    } catch (error) {
      opts.onInvocationError?.(route.routeKey, error);
      return error instanceof TimeoutError && error.by === 'integration' ? json(503, 'Service Unavailable') : json(500, 'Internal Server Error');
    } finally {
      clearTimeout(timer);
    }
  };

  const serve = async (req: IncomingMessage, body: Buffer, requestId: string): Promise<HttpResult> => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q < 0 ? url : url.slice(0, q);
    const rawQueryString = q < 0 ? '' : url.slice(q + 1);
    const method = (req.method ?? 'GET').toUpperCase();
    const { headers, cookies } = eventHeaders(req);

    // HTTP APIs answer CORS preflight themselves, with or without an OPTIONS route.
    if (cors && method === 'OPTIONS' && headers.origin && headers['access-control-request-method']) return preflight(headers);

    let found: { c: CompiledRoute; params: Record<string, string> } | undefined;
    for (const c of routes) {
      const params = match(c, method, rawPath);
      if (params) {
        found = { c, params };
        break;
      }
    }
    if (!found) return json(404, 'Not Found');
    const { c, params } = found;
    if (c.bucket && !c.bucket.take()) return json(429, 'Too Many Requests');

    let authorizer_: ApiEventV2['requestContext']['authorizer'];
    if (c.route.auth) {
      const verdict = await authorizer.authorize(headers, c.route.auth);
      if (!verdict.ok) {
        if (verdict.status === 403) return json(403, 'Forbidden');
        const challenge = verdict.description ? `Bearer scope="" error="invalid_token" error_description="${verdict.description}"` : 'Bearer';
        return json(401, 'Unauthorized', { 'www-authenticate': challenge });
      }
      authorizer_ = { jwt: { claims: stringifyClaims(verdict.claims), scopes: verdict.scopes } };
    }

    const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
    const port = String(req.socket.localPort ?? '');
    headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${sourceIp}` : sourceIp;
    headers['x-forwarded-port'] = port;
    headers['x-forwarded-proto'] = 'http';
    headers['x-amzn-trace-id'] ??= `Root=1-${Math.floor(wallClockNow() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
    const domainName = headers.host ?? `127.0.0.1:${port}`;
    const time = requestTime();
    const text = isTextContent(headers['content-type']);
    const event: ApiEventV2 = {
      version: '2.0',
      routeKey: c.route.routeKey,
      rawPath,
      rawQueryString,
      ...(cookies.length ? { cookies } : {}),
      headers,
      ...(queryParameters(rawQueryString) ? { queryStringParameters: queryParameters(rawQueryString) } : {}),
      ...(Object.keys(params).length ? { pathParameters: params } : {}),
      requestContext: {
        accountId,
        apiId,
        ...(authorizer_ ? { authorizer: authorizer_ } : {}),
        domainName,
        domainPrefix: domainName.split('.')[0],
        http: { method, path: rawPath, protocol: `HTTP/${req.httpVersion}`, sourceIp, userAgent: headers['user-agent'] ?? '' },
        requestId,
        routeKey: c.route.routeKey,
        stage: '$default',
        time: clfTime(time),
        timeEpoch: time,
      },
      ...(body.length ? { body: body.toString(text ? 'utf8' : 'base64') } : {}),
      isBase64Encoded: body.length > 0 && !text,
    };
    return invoke(c.route, event);
  };

  const write = (res: ServerResponse, result: HttpResult, requestId: string, origin: string | undefined) => {
    const headers: Record<string, string | string[]> = { ...result.headers, ...corsHeaders(origin), 'apigw-requestid': requestId };
    if (result.cookies?.length) headers['set-cookie'] = result.cookies;
    res.writeHead(result.status, headers);
    res.end(result.body);
  };

  const server: Server = createServer((req, res) => {
    const requestId = randomBytes(11).toString('base64');
    const origin = req.headers.origin;
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        refused = true;
        res.setHeader('connection', 'close');
        write(res, json(413, 'Request Entity Too Large'), requestId, origin);
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (refused) return;
      track(() => serve(req, Buffer.concat(chunks), requestId))
        .then((result) => write(res, result, requestId, origin))
        .catch((error: unknown) => {
          opts.onInvocationError?.('(gateway)', error);
          if (!res.headersSent) write(res, json(500, 'Internal Server Error'), requestId, origin);
        });
    });
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      const address = server.address();
      resolve(address && typeof address === 'object' ? address.port : 0);
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
