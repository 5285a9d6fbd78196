/**
 * The middy chain every HTTP API function uses (payload format 2.0, behind API Gateway's JWT authorizer or
 * the twin's local gateway), one small middleware per step, in this order:
 *   logger context -> error mapping -> request context (language, request id) -> identity from the verified
 *   claims -> access rule of the route -> an inspector's scope in the cycle's plan (`inspection` routes) ->
 *   strict zod parsing of path, query and body -> idempotency key (write routes) -> the handler (the use
 *   case) -> the response.
 * Any error is mapped once, by class, in the error mapping (its onError runs last): a DomainError becomes its
 * status with a message in the caller's language (Accept-Language, zh-CN first), anything else a generic 500
 * with the request id. No stack trace or SDK message ever leaves.
 *
 * Access is checked before the input is parsed (an inspector's against the cycle's plan too), so a caller
 * without access learns nothing, not even whether the input was valid; the idempotency key is looked at only
 * for a caller with access and a valid request, so a refused request never reads or writes a key.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context as LambdaContext } from 'aws-lambda';
import * as z from 'zod/mini';
import { DomainError, ForbiddenError, PayloadTooLargeError, UnauthorizedError, ValidationError, accessRefused } from '../../core/errors';
import type { Actor } from '../../core/model';
import type { Context } from '../../core/use-cases/context';
import { assertInspectorScope } from '../../core/use-cases/inspection-access';
import { parseWithProblems, type Lang, type Problem } from '../../core/validation';
import { ROUTES, WRITE_ROUTES, type Access, type RouteEntry, type RouteFunction } from '../routes';
import { idempotencyKey, type IdempotencyPorts } from './idempotency';
import { logger } from './task-handler';

/** The largest JSON body a route accepts (a 1,000-community roster and a long narrative fit well inside). */
export const MAX_BODY_BYTES = 512 * 1024;

/**
 * Cognito group of the city office; a county user is in `unit-<unitId>`, a member of an inspection group in
 * `inspector-<groupId>` (the group's id in the plan). Only an administrator sets groups.
 */
export const CITY_GROUP = 'city-office';
export const UNIT_GROUP_PREFIX = 'unit-';
export const INSPECTOR_GROUP_PREFIX = 'inspector-';

type Schema = z.ZodMiniType;
export interface RouteSchemas {
  params?: Schema;
  query?: Schema;
  body?: Schema;
  /**
   * For the OpenAPI document: the body's shape, when the route takes a looser body and checks it further
   * itself (a plan file: the validator names every problem at once). @default body
   */
  bodyDocument?: Schema;
  /** For the OpenAPI document: the 2xx body. */
  response?: Schema;
  /** For the OpenAPI document: the 2xx statuses it answers with. @default [201] for POST, [200] otherwise */
  statuses?: readonly number[];
}

export interface ApiRoute<S extends RouteSchemas = RouteSchemas> extends RouteEntry {
  schemas: S;
}

/** A route of the table with its schemas (each function folder's route.ts). */
export function defineRoute<S extends RouteSchemas>(fn: RouteFunction, schemas: S): ApiRoute<S> {
  const entry = ROUTES.find((r) => r.function === fn);
  if (!entry) throw new Error(`no route for function ${fn} in functions/routes.ts`);
  return { ...entry, schemas };
}

type Out<S> = S extends Schema ? z.output<S> : undefined;

export interface ApiRequest<S extends RouteSchemas> {
  params: Out<S['params']>;
  query: Out<S['query']>;
  body: Out<S['body']>;
  /** null only on public routes. */
  actor: Actor | null;
  lang: Lang;
  requestId: string;
  /** A write route's Idempotency-Key, scoped to its caller (`caller#key`), when the request carried one. */
  requestKey?: string;
}

export interface ApiResult<Body = unknown> {
  status?: number;
  body: Body;
  headers?: Record<string, string>;
}

/**
 * The body a route's handler must return: its `response` schema's type when it declares one, so the OpenAPI
 * document (and the portal's client generated from it) cannot promise what the handler does not send.
 */
export type ResponseOf<S extends RouteSchemas> = S['response'] extends Schema ? z.output<S['response']> : unknown;

export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type ApiResponse = APIGatewayProxyStructuredResultV2;

/** zh-CN unless the caller prefers English (the first language range that is zh or en decides). */
export function pickLang(header: string | undefined): Lang {
  const ranges = (header ?? '')
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag, q: q ? Number(q.slice(2)) : 1 };
    })
    .filter((r) => r.tag && !Number.isNaN(r.q) && r.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const r of ranges) {
    if (r.tag.startsWith('zh')) return 'zh';
    if (r.tag.startsWith('en')) return 'en';
  }
  return 'zh';
}

/**
 * API Gateway hands the authorizer's claims over as strings: an array claim arrives as `[a b c]`.
 * The twin's gateway does the same; a real array is accepted too.
 */
export function claimList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string' || value === '') return [];
  const inner = value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
  return inner.split(/[\s,]+/).filter(Boolean);
}

const notAuthorized = () => new UnauthorizedError({ zh: '身份凭证无效，请重新登录', en: 'The credentials are not valid; sign in again' });
const forbidden = accessRefused;

/**
 * Who calls, from the verified claims only. API Gateway checks the signature, issuer, audience or client
 * and expiry but not the token's use, so an ID token would pass it: only access tokens are accepted here.
 */
export function actorFromClaims(claims: Record<string, unknown> | undefined): Actor {
  if (!claims || claims.token_use !== 'access') throw notAuthorized();
  const id = typeof claims.username === 'string' && claims.username ? claims.username : null;
  if (!id) throw notAuthorized();
  const groups = claimList(claims['cognito:groups']);
  const city = groups.includes(CITY_GROUP);
  const suffixes = (prefix: string) => groups.filter((g) => g.startsWith(prefix)).map((g) => g.slice(prefix.length));
  const units = suffixes(UNIT_GROUP_PREFIX);
  const inspectors = suffixes(INSPECTOR_GROUP_PREFIX);
  // Exactly one role: the city office, one county office, or one inspection group. Anything else is an
  // account to fix, not to guess.
  const roles = Number(city) + units.length + inspectors.length;
  if (roles === 1 && city) return { id, role: 'city' };
  if (roles === 1 && units[0]) return { id, role: 'county', unitId: units[0] };
  if (roles === 1 && inspectors[0]) return { id, role: 'inspector', groupId: inspectors[0] };
  throw new ForbiddenError({
    // Said before any plan is read (an account may work in several cycles), so in no level's words.
    zh: '账号未分配到唯一的单位（组织创建工作的打传办、一个参加单位，或一个检查组），请联系管理员',
    en: 'This account is not assigned to exactly one office (the office running the cycle, one unit, or one inspection group); ask the administrator',
  });
}

/**
 * The route's rule. For `inspection` and `unit-inspection` an inspector is let through to the plan's check
 * (planScope below): whether its group inspects the unit is the cycle's plan's to say.
 */
function authorize(access: Access, actor: Actor | null, unitIdInPath: string | undefined): void {
  if (access === 'public' || access === 'signed-in') return;
  if (!actor) throw notAuthorized();
  const ownUnit = actor.role === 'county' && unitIdInPath !== undefined && actor.unitId === unitIdInPath;
  const city = actor.role === 'city';
  const inspector = actor.role === 'inspector';
  const allowed = {
    city,
    county: ownUnit,
    unit: ownUnit || city,
    inspection: city || inspector,
    'unit-inspection': ownUnit || city || inspector,
  }[access];
  if (!allowed) throw forbidden();
}

/** Routes whose rule leaves part of an inspector's access to the cycle's plan. */
const PLAN_SCOPED: ReadonlySet<Access> = new Set(['inspection', 'unit-inspection']);

function parsePart<S extends Schema>(schema: S | undefined, value: unknown, where: string): unknown {
  if (!schema) {
    // A route that takes nothing takes nothing: stray input is an error, not silently ignored.
    const empty = value === undefined || value === null || (typeof value === 'object' && Object.keys(value as object).length === 0);
    if (empty) return undefined;
    throw new ValidationError([{ path: where, rule: 'unexpected', message: { zh: `${where}: 此接口不接受该部分`, en: `${where}: this route takes none` } }]);
  }
  const parsed = parseWithProblems(schema, value ?? {});
  if (!parsed.ok) throw new ValidationError(parsed.problems.map((p) => prefix(p, where)));
  return parsed.value;
}

const prefix = (p: Problem, where: string): Problem => {
  // Body problems are named from the body down (`selfAssessment.roster[3].name`), as the use cases name them.
  const path = where === 'body' ? p.path || 'body' : p.path ? `${where}.${p.path}` : where;
  if (path === p.path) return p;
  const sep = p.path ? '.' : ': ';
  return { path, rule: p.rule, message: { zh: `${where}${sep}${p.message.zh}`, en: `${where}${sep}${p.message.en}` } };
};

function readBody(event: ApiEvent): unknown {
  if (event.body === undefined || event.body === null || event.body === '') return undefined;
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(raw, 'utf8') > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError({ zh: `请求内容超过 ${MAX_BODY_BYTES / 1024} KB 上限`, en: `The request body exceeds the ${MAX_BODY_BYTES / 1024} KB limit` });
  }
  // The media type before any parameter (`; charset=utf-8`): application/json or a +json type.
  const type = (event.headers?.['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json' && !/^application\/[a-z0-9.+-]+\+json$/.test(type)) {
    throw new ValidationError([{ path: 'body', rule: 'content-type', message: { zh: '请求内容应为 JSON（Content-Type: application/json）', en: 'the body must be JSON (Content-Type: application/json)' } }]);
  }
  try {
    return JSON.parse(raw);
  } catch {
    throw new ValidationError([{ path: 'body', rule: 'json', message: { zh: '请求内容不是有效的 JSON', en: 'the body is not valid JSON' } }]);
  }
}

const BASE_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

export function jsonResponse(status: number, body: unknown, lang: Lang, headers: Record<string, string> = {}): ApiResponse {
  return { statusCode: status, headers: { ...BASE_HEADERS, 'content-language': lang === 'zh' ? 'zh-CN' : 'en', ...headers }, body: JSON.stringify(body) };
}

/** The one error mapping: domain errors by class (status and bilingual text), anything else a generic 500. */
export function errorResponse(error: unknown, lang: Lang, requestId: string): ApiResponse {
  if (error instanceof DomainError && error.status < 500) {
    const problems = error instanceof ValidationError ? error.problems.map((p) => ({ path: p.path, rule: p.rule, message: p.message[lang] })) : undefined;
    // Conflicts carry what the caller needs to know (who decided and when); nothing else leaves.
    const details = error.status === 409 && error.details ? error.details : undefined;
    return jsonResponse(error.status, { error: { code: error.name, message: error.text[lang], problems, details }, requestId }, lang);
  }
  const busy = error instanceof DomainError && error.status === 503;
  logger.error(busy ? 'request failed, may pass' : 'request failed unexpectedly', { error: error as Error, requestId });
  const message = busy
    ? { zh: '服务暂时繁忙，请稍后重试', en: 'The service is busy; try again shortly' }
    : { zh: '服务器内部错误，请稍后重试；如仍失败，请把请求编号告知管理员', en: 'Internal error; try again, and if it persists give the administrator the request id' };
  return jsonResponse(busy ? 503 : 500, { error: { code: busy ? 'ServiceUnavailable' : 'InternalError', message: message[lang] }, requestId }, lang);
}

// ---- The chain, one middleware per step ------------------------------------------------------------------

/** What the chain learns about a request, step by step; the handler gets it whole. */
const STATE = Symbol('api-request');
export type ApiChainEvent = ApiEvent & { [STATE]?: Partial<ApiRequest<RouteSchemas>> };
export type ApiMiddleware = middy.MiddlewareObj<ApiChainEvent, ApiResponse, Error, LambdaContext>;
type ChainRequest = middy.Request<ApiChainEvent, ApiResponse, Error, LambdaContext>;

/** The request as parsed so far (set up by requestContext, filled in by the steps after it). */
export const requestState = (request: ChainRequest): Partial<ApiRequest<RouteSchemas>> => request.event[STATE] ?? {};
const langOf = (event: ApiEvent) => pickLang(event.headers?.['accept-language']);
const requestIdOf = (event: ApiEvent) => event.requestContext?.requestId ?? 'unknown';

/** The one error mapping, outermost so that it runs after every other step's onError. */
function errorMapping(route: RouteEntry): ApiMiddleware {
  const done = () => logger.removeKeys(['actor', 'role']);
  return {
    after: done,
    onError: (request) => {
      const error = request.error;
      if (error instanceof DomainError && error.status < 500) logger.info('request refused', { route: `${route.method} ${route.path}`, error: error.name });
      request.response = errorResponse(error, langOf(request.event), requestIdOf(request.event));
      done();
    },
  };
}

/** Language and request id; a fresh state per request (the caller's event object is not changed). */
function requestContext(): ApiMiddleware {
  return {
    before: (request) => {
      request.event = { ...request.event, [STATE]: { lang: langOf(request.event), requestId: requestIdOf(request.event) } };
    },
  };
}

function identity(route: RouteEntry): ApiMiddleware {
  return {
    before: (request) => {
      const actor = route.access === 'public' ? null : actorFromClaims(request.event.requestContext?.authorizer?.jwt?.claims);
      requestState(request).actor = actor;
      if (actor) logger.appendKeys({ actor: actor.id, role: actor.role });
    },
  };
}

function access(route: RouteEntry): ApiMiddleware {
  return { before: (request) => authorize(route.access, requestState(request).actor ?? null, request.event.pathParameters?.unitId) };
}

/**
 * An inspector's access as the cycle's plan gives it (core/use-cases/inspection-access.ts), on the raw path
 * before parsing: like the route's rule, a refusal here says nothing about the input, and no idempotency key
 * is read or written for it.
 */
function planScope(ctx: PlanScopePorts): ApiMiddleware {
  return {
    before: async (request) => {
      const actor = requestState(request).actor;
      if (!actor || actor.role !== 'inspector') return;
      const p = request.event.pathParameters ?? {};
      await assertInspectorScope(ctx, actor, { cycleId: p.cycleId, unitId: p.unitId, windowId: p.windowId });
    },
  };
}

/** Every part is parsed, so one answer lists every problem of the request. */
function parseInput(schemas: RouteSchemas): ApiMiddleware {
  return {
    before: (request) => {
      const { event } = request;
      const problems: Problem[] = [];
      const part = (schema: Schema | undefined, value: () => unknown, where: string) => {
        try {
          return parsePart(schema, value(), where);
        } catch (e) {
          if (!(e instanceof ValidationError)) throw e;
          problems.push(...e.problems);
          return undefined;
        }
      };
      const state = requestState(request);
      state.params = part(schemas.params, () => event.pathParameters, 'path') as never;
      state.query = part(schemas.query, () => event.queryStringParameters, 'query') as never;
      state.body = part(schemas.body, () => readBody(event), 'body') as never;
      if (problems.length) throw new ValidationError(problems);
    },
  };
}

export type PlanScopePorts = Pick<Context, 'loadPlan'>;

export interface ApiHandlerOptions {
  /** Where a write route keeps its Idempotency-Key records (the repository and the clock of its context). */
  idempotency?: IdempotencyPorts;
  /** Where an `inspection` or `unit-inspection` route reads the cycle's plan for an inspector's access (its context). */
  planScope?: PlanScopePorts;
}

export function makeApiHandler<S extends RouteSchemas>(route: ApiRoute<S>, run: (req: ApiRequest<S>) => Promise<ApiResult<ResponseOf<S>>>, options: ApiHandlerOptions = {}) {
  const writes = WRITE_ROUTES.has(route.function as RouteFunction);
  // A write route without its key store would silently ignore the header a retry relies on.
  if (writes && !options.idempotency) throw new Error(`${route.function} is a write route: pass { idempotency } to makeApiHandler`);
  // Without it an inspector would pass the route's rule on any unit: the handler is not built.
  const scoped = PLAN_SCOPED.has(route.access);
  if (scoped && !options.planScope) throw new Error(`${route.function} is an ${route.access} route: pass { planScope } to makeApiHandler`);
  const chain = middy<ApiChainEvent, ApiResponse, Error, LambdaContext>()
    .use(injectLambdaContext(logger))
    .use(errorMapping(route))
    .use(requestContext())
    .use(identity(route))
    .use(access(route));
  if (scoped) chain.use(planScope(options.planScope!));
  chain.use(parseInput(route.schemas));
  if (writes) chain.use(idempotencyKey(route, options.idempotency!, requestState));
  return chain.handler(async (event) => {
    const req = event[STATE] as ApiRequest<S>;
    const result = await run(req);
    return jsonResponse(result.status ?? 200, result.body, req.lang, result.headers);
  });
}
