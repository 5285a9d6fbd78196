/**
 * The HTTP API's middy chain (functions/_shared/api-handler.ts), through real handlers' makeHandler(ctx)
 * with hand-built API Gateway payload 2.0 events: claims arrive as strings, as API Gateway's JWT
 * authorizer passes them (`"cognito:groups": "[unit-yanping]"`, numbers as strings). Identity, access by
 * route, strict parsing of every part, the error mapping and the response headers.
 */
import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context as LambdaContext } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeMemoryDocumentStore } from '../../core/adapters/memory/documents';
import { makeMemoryMailer } from '../../core/adapters/memory/mailer';
import { makeMemoryRepository } from '../../core/adapters/memory/repository';
import { makeMemoryWorkflow } from '../../core/adapters/memory/workflow';
import { TransientError } from '../../core/errors';
import { planSchema } from '../../core/plan/schema';
import type { CycleRepository } from '../../core/ports';
import { makeContext, type Context } from '../../core/use-cases/context';
import { startCycle } from '../../core/use-cases/cycle';
import { awaitSubmission, requestReview } from '../../core/use-cases/review';
import { submitDeliverable } from '../../core/use-cases/submissions';
import { exampleSelfAssessment } from '../../local/scenario';
import { MAX_BODY_BYTES, claimList, pickLang, type ApiResponse } from '../../functions/_shared/api-handler';
import { logger } from '../../functions/_shared/task-handler';
import { makeHandler as makeDecideReview } from '../../functions/decide-review/handler';
import { makeHandler as makeGetDashboard } from '../../functions/get-dashboard/handler';
import { makeHandler as makeGetHealth } from '../../functions/get-health/handler';
import { makeHandler as makeGetMe } from '../../functions/get-me/handler';
import { makeHandler as makeGetUnitOverview } from '../../functions/get-unit-overview/handler';
import { makeHandler as makePreviewSelfAssessment } from '../../functions/preview-self-assessment/handler';
import { makeHandler as makeSubmitDeliverable } from '../../functions/submit-deliverable/handler';
import { makeHandler as makeGetUnitSample } from '../../functions/get-unit-sample/handler';
import { makeHandler as makeListInspections } from '../../functions/list-inspections/handler';
import { makeHandler as makePutInspectionResult } from '../../functions/put-inspection-result/handler';
import { makeApiHandler } from '../../functions/_shared/api-handler';
import { route as putInspectionScoreRoute } from '../../functions/put-inspection-score/route';

// The handler modules build their AWS context at import (cold start): give them an environment.
vi.hoisted(() => {
  process.env.TABLE_NAME ??= 'unit-test';
  process.env.AWS_REGION ??= 'us-east-1';
  // create-upload's cold start requires its bucket (its capabilities name one).
  process.env.DOCUMENTS_BUCKET ??= 'unit-test-documents';
});

const planJson = JSON.parse(readFileSync(new URL('../../plans/nanping-2016.json', import.meta.url), 'utf8'));
const NANPING = planSchema.parse(planJson);
const CYCLE = 'nanping-2016';
const REPORT = 'self-assessment-report';
const lambda = { functionName: 'api-test', awsRequestId: 'aws-req-1', getRemainingTimeInMillis: () => 10_000 } as unknown as LambdaContext;

// ---- Events -------------------------------------------------------------------------------------------

type Claims = Record<string, string | string[]>;

/** Claims of a Cognito access token as API Gateway hands them over: every value a string. */
function claims(username: string, groups: string | string[] | undefined, over: Claims = {}): Claims {
  return {
    sub: '5b2c3e1a-7d8f-4c11-9a0e-2f6d9c1b7e40',
    iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Test1234',
    client_id: '3n4b5urk1ft4fl3mg5e62d9ado',
    origin_jti: 'a6b0b6c4-2f0f-4e4b-9d6e-6b1c2f7d9e11',
    event_id: '0e6a7f3c-1a2b-4c5d-8e9f-0a1b2c3d4e5f',
    token_use: 'access',
    scope: 'aws.cognito.signin.user.admin',
    auth_time: '1478570400',
    iat: '1478570400',
    exp: '1478574000',
    jti: 'f1e2d3c4-b5a6-4978-8695-a4b3c2d1e0f9',
    username,
    ...(groups === undefined ? {} : { 'cognito:groups': groups }),
    ...over,
  };
}
const county = (unitId: string) => claims(`${unitId}-staff`, `[unit-${unitId}]`);
const city = (username = 'city-a') => claims(username, '[city-office]');

interface Req {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  /** The body as sent, byte for byte (overrides `body`). */
  rawBody?: string;
  base64?: boolean;
  headers?: Record<string, string>;
  claims?: Claims | null;
  requestId?: string;
}

function event(method: string, path: string, req: Req = {}): APIGatewayProxyEventV2WithJWTAuthorizer {
  const rawPath = path.replace(/\{(\w+)\}/g, (_, name: string) => req.params?.[name] ?? `{${name}}`);
  const body = req.rawBody ?? (req.body === undefined ? undefined : JSON.stringify(req.body));
  const headers: Record<string, string> = {
    host: 'api.example.cn',
    'user-agent': 'vitest',
    ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    ...req.headers,
  };
  const requestId = req.requestId ?? 'req-0001';
  const authorizer = req.claims ? { jwt: { claims: req.claims, scopes: null } } : undefined;
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath,
    rawQueryString: req.query ? new URLSearchParams(req.query).toString() : '',
    headers,
    ...(req.query ? { queryStringParameters: req.query } : {}),
    ...(req.params ? { pathParameters: req.params } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'api1',
      ...(authorizer ? { authorizer } : {}),
      domainName: 'api.example.cn',
      domainPrefix: 'api',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId,
      routeKey: `${method} ${path}`,
      stage: '$default',
      time: '08/Nov/2016:02:00:00 +0000',
      timeEpoch: Date.parse('2016-11-08T02:00:00Z'),
    },
    ...(body !== undefined ? { body: req.base64 ? Buffer.from(body, 'utf8').toString('base64') : body } : {}),
    isBase64Encoded: Boolean(req.base64 && body !== undefined),
  } as APIGatewayProxyEventV2WithJWTAuthorizer;
}

interface ErrorBody {
  error: { code: string; message: string; problems?: Array<{ path: string; rule: string; message: string }>; details?: Record<string, unknown> };
  requestId: string;
}
const json = (res: ApiResponse) => JSON.parse(res.body ?? 'null');
const problems = (res: ApiResponse) => (json(res) as ErrorBody).error.problems!.map((p) => `${p.path} ${p.rule}`);

// ---- Context --------------------------------------------------------------------------------------------

async function started(nowIso = '2016-11-08T02:00:00Z', repo: CycleRepository = makeMemoryRepository()) {
  const clock = { t: Date.parse(nowIso), now() { return this.t; } };
  const mailer = makeMemoryMailer();
  const workflow = makeMemoryWorkflow();
  const ctx: Context = makeContext({ repo, mailer, workflow, documents: makeMemoryDocumentStore(), clock });
  await startCycle(ctx, { plan: planJson, startedBy: 'city-admin' });
  return { clock, repo, mailer, workflow, ctx };
}

const UNIT = '/cycles/{cycleId}/units/{unitId}';
const unitParams = (unitId: string) => ({ cycleId: CYCLE, unitId });
const DECISION = `${UNIT}/reviews/{round}/decision`;
const VERSIONS = `${UNIT}/deliverables/{deliverableId}/versions`;
const PREVIEW = `${UNIT}/deliverables/{deliverableId}/self-assessment/preview`;

// ---- Language and claims, as pure functions --------------------------------------------------------------

describe('pickLang', () => {
  it.each([
    [undefined, 'zh'],
    ['', 'zh'],
    ['en-US,en;q=0.9', 'en'],
    ['en;q=0.5, zh-CN', 'zh'],
    ['garbage', 'zh'],
    ['fr-FR, en;q=0.8, zh;q=0.7', 'en'],
    ['en;q=0, fr', 'zh'],
    ['EN-GB', 'en'],
  ] as const)('%j -> %s', (header, lang) => {
    expect(pickLang(header)).toBe(lang);
  });
});

describe('claimList', () => {
  it('reads API Gateway\'s "[a b]" form, a real array, and nothing', () => {
    expect(claimList('[city-office unit-yanping]')).toEqual(['city-office', 'unit-yanping']);
    expect(claimList('[unit-yanping]')).toEqual(['unit-yanping']);
    expect(claimList(['city-office', 'unit-yanping'])).toEqual(['city-office', 'unit-yanping']);
    expect(claimList('[]')).toEqual([]);
    expect(claimList('')).toEqual([]);
    expect(claimList(undefined)).toEqual([]);
    expect(claimList(42)).toEqual([]);
  });
});

// ---- Identity ---------------------------------------------------------------------------------------------

describe('identity from the verified claims (GET /me)', () => {
  const me = (c: Claims | null) => makeGetMe()(event('GET', '/me', { claims: c }), lambda);

  it('makes a city-office member the city office', async () => {
    const res = await me(city('city-a'));
    expect(res.statusCode).toBe(200);
    expect(json(res)).toEqual({ id: 'city-a', role: 'city', unitId: null, groupId: null });
  });

  it('makes the member of one unit group a county user of that unit, with the groups as a string or an array', async () => {
    expect(json(await me(claims('yp-1', '[unit-yanping]')))).toEqual({ id: 'yp-1', role: 'county', unitId: 'yanping', groupId: null });
    expect(json(await me(claims('yp-2', ['unit-yanping'])))).toEqual({ id: 'yp-2', role: 'county', unitId: 'yanping', groupId: null });
  });

  it('makes the member of one inspector group an inspector of that inspection group', async () => {
    expect(json(await me(claims('group-changhe', '[inspector-group-changhe]')))).toEqual({ id: 'group-changhe', role: 'inspector', unitId: null, groupId: 'group-changhe' });
    expect(json(await me(claims('g2', ['inspector-group-puyan'])))).toEqual({ id: 'g2', role: 'inspector', unitId: null, groupId: 'group-puyan' });
  });

  it.each([
    ['both the city group and a unit group', '[city-office unit-yanping]'],
    ['two unit groups', '[unit-yanping unit-jianyang]'],
    ['no group at all', undefined],
    ['an empty group list', '[]'],
    ['only an unrelated group', '[admins]'],
    ['the city group and an inspector group', '[city-office inspector-group-changhe]'],
    ['a unit group and an inspector group', '[unit-yanping inspector-group-changhe]'],
    ['two inspector groups', '[inspector-group-changhe inspector-group-puyan]'],
    ['an inspector group with no id', '[inspector-]'],
  ] as const)('refuses an account with %s: 403', async (_, groups) => {
    const res = await me(claims('someone', groups));
    expect(res.statusCode).toBe(403);
    expect((json(res) as ErrorBody).error.code).toBe('ForbiddenError');
    expect((json(res) as ErrorBody).error.message).toContain('请联系管理员');
  });

  it('refuses an ID token (token_use id) with 401, even with valid groups', async () => {
    const res = await me(claims('city-a', '[city-office]', { token_use: 'id' }));
    expect(res.statusCode).toBe(401);
    expect((json(res) as ErrorBody).error.code).toBe('UnauthorizedError');
  });

  it('refuses claims without a username (missing or empty) with 401', async () => {
    const { username: _, ...noUsername } = city();
    expect((await me(noUsername)).statusCode).toBe(401);
    expect((await me(claims('', '[city-office]'))).statusCode).toBe(401);
  });

  it('refuses a signed-in route called without any authorizer claims with 401', async () => {
    expect((await me(null)).statusCode).toBe(401);
  });
});

// ---- Access by route ---------------------------------------------------------------------------------------

describe('access by route', () => {
  it('refuses a county user on another unit with 403 and a body that neither names the unit nor says whether it exists', async () => {
    // Prepare
    const s = await started();
    const overview = makeGetUnitOverview(s.ctx);
    const ask = (unitId: string) => overview(event('GET', UNIT, { params: unitParams(unitId), claims: county('yanping'), requestId: 'req-same' }), lambda);

    // Act
    const existing = await ask('jianyang');
    const missing = await ask('atlantis');

    // Assess
    expect(existing.statusCode).toBe(403);
    expect(missing.statusCode).toBe(403);
    expect(existing.body).toBe(missing.body);
    expect(existing.body).not.toMatch(/jianyang|建阳|atlantis/);
    expect((json(existing) as ErrorBody).error).toEqual({ code: 'ForbiddenError', message: '无权访问该资源' });
  });

  it('checks access before the input: a county user posting garbage to another unit gets 403, not 400', async () => {
    const s = await started();
    const res = await makeSubmitDeliverable(s.ctx)(
      event('POST', VERSIONS, { params: { ...unitParams('jianyang'), deliverableId: 'NOT A SLUG' }, rawBody: '{oops', claims: county('yanping') }),
      lambda,
    );
    expect(res.statusCode).toBe(403);
    expect(await s.repo.listUnitSubmissions(CYCLE, 'jianyang')).toEqual([]);
  });

  it('refuses a county user on a city route with 403', async () => {
    const s = await started();
    const res = await makeGetDashboard(s.ctx)(event('GET', '/cycles/{cycleId}/dashboard', { params: { cycleId: CYCLE }, claims: county('yanping') }), lambda);
    expect(res.statusCode).toBe(403);
    expect((json(res) as ErrorBody).error.code).toBe('ForbiddenError');
  });

  it('refuses the city office on a county-only route (submitting) with 403', async () => {
    const s = await started();
    const res = await makeSubmitDeliverable(s.ctx)(
      event('POST', VERSIONS, { params: { ...unitParams('yanping'), deliverableId: REPORT }, body: { selfAssessment: exampleSelfAssessment(NANPING) }, claims: city() }),
      lambda,
    );
    expect(res.statusCode).toBe(403);
    expect(await s.repo.listUnitSubmissions(CYCLE, 'yanping')).toEqual([]);
  });

  it('lets the city office read any unit, and a county user its own', async () => {
    const s = await started();
    const overview = makeGetUnitOverview(s.ctx);

    const byCity = await overview(event('GET', UNIT, { params: unitParams('jianyang'), claims: city() }), lambda);
    const byOwn = await overview(event('GET', UNIT, { params: unitParams('yanping'), claims: county('yanping') }), lambda);

    expect(byCity.statusCode).toBe(200);
    expect(json(byCity).unit).toMatchObject({ unitId: 'jianyang', name: '建阳区' });
    expect(byOwn.statusCode).toBe(200);
    expect(json(byOwn).unit.unitId).toBe('yanping');
  });

  describe("an inspector, on what its group inspects in the cycle's plan (the district's: group-changhe inspects puyan)", () => {
    const DISTRICT = JSON.parse(readFileSync(new URL('../../plans/binjiang-streets-2026-example.json', import.meta.url), 'utf8'));
    const inspector = (groupId: string) => claims(groupId, `[inspector-${groupId}]`);
    const inDistrict = async () => {
      const s = await started();
      await startCycle(s.ctx, { plan: DISTRICT, startedBy: 'city-admin' });
      return s;
    };
    const sampleOf = (s: Awaited<ReturnType<typeof started>>, params: Record<string, string>, c: Claims) =>
      makeGetUnitSample(s.ctx)(event('GET', `${UNIT}/sample`, { params, claims: c, requestId: 'req-same' }), lambda);

    it('reads the sample of the unit its group inspects', async () => {
      const s = await inDistrict();
      const res = await sampleOf(s, { cycleId: DISTRICT.cycleId, unitId: 'puyan' }, inspector('group-changhe'));
      expect(res.statusCode).toBe(200);
      expect(json(res).inspection.group.id).toBe('group-changhe');
    });

    it('is refused another unit with the same 403 as a unit or a cycle that does not exist, naming none of them', async () => {
      const s = await inDistrict();
      const ask = (cycleId: string, unitId: string) => sampleOf(s, { cycleId, unitId }, inspector('group-changhe'));
      const answers = [await ask(DISTRICT.cycleId, 'xixing'), await ask(DISTRICT.cycleId, 'atlantis'), await ask('no-such-cycle', 'puyan'), await ask(CYCLE, 'yanping')];
      expect(answers.map((r) => r.statusCode)).toEqual([403, 403, 403, 403]);
      for (const r of answers) expect(r.body).toBe(answers[0].body);
      expect((json(answers[0]) as ErrorBody).error).toEqual({ code: 'ForbiddenError', message: '无权访问该资源' });
      expect(answers[0].body).not.toMatch(/xixing|西兴|atlantis|puyan/);
    });

    it('is refused a window its group does not inspect, before its input is parsed (403, not 400), and nothing is stored', async () => {
      const s = await inDistrict();
      const put = makePutInspectionResult(s.ctx);
      const path = `${UNIT}/inspection/{windowId}/results`;
      const other = await put(event('PUT', path, { params: { cycleId: DISTRICT.cycleId, unitId: 'xixing', windowId: 'cross-check' }, rawBody: '{oops', claims: inspector('group-changhe') }), lambda);
      const wrongWindow = await put(event('PUT', path, { params: { cycleId: DISTRICT.cycleId, unitId: 'puyan', windowId: 'another' }, rawBody: '{oops', claims: inspector('group-changhe') }), lambda);
      const own = await put(event('PUT', path, { params: { cycleId: DISTRICT.cycleId, unitId: 'puyan', windowId: 'cross-check' }, rawBody: '{oops', claims: inspector('group-changhe') }), lambda);
      expect([other.statusCode, wrongWindow.statusCode, own.statusCode]).toEqual([403, 403, 400]);
      expect(await s.repo.listInspectionResults(DISTRICT.cycleId, 'xixing', 'cross-check')).toEqual([]);
    });

    it('is refused the routes outside the inspection (a unit overview, the dashboard), even on the unit it inspects', async () => {
      const s = await inDistrict();
      const overview = await makeGetUnitOverview(s.ctx)(event('GET', UNIT, { params: { cycleId: DISTRICT.cycleId, unitId: 'puyan' }, claims: inspector('group-changhe') }), lambda);
      const dashboard = await makeGetDashboard(s.ctx)(event('GET', '/cycles/{cycleId}/dashboard', { params: { cycleId: DISTRICT.cycleId }, claims: inspector('group-changhe') }), lambda);
      expect([overview.statusCode, dashboard.statusCode]).toEqual([403, 403]);
    });

    it("lists its own group's units only; the city office sees every group", async () => {
      const s = await inDistrict();
      const list = makeListInspections(s.ctx);
      const params = { cycleId: DISTRICT.cycleId };
      const mine = json(await list(event('GET', '/cycles/{cycleId}/inspections', { params, claims: inspector('group-changhe') }), lambda));
      const all = json(await list(event('GET', '/cycles/{cycleId}/inspections', { params, claims: city() }), lambda));
      expect(mine.groupId).toBe('group-changhe');
      expect(mine.inspections.map((i: { group: { id: string }; unit: { unitId: string } }) => `${i.group.id}:${i.unit.unitId}`)).toEqual(['group-changhe:puyan']);
      expect(all.inspections).toHaveLength(3);
      expect(mine.inspections[0]).toMatchObject({ sampleStatus: null, sampled: 0, recorded: 0, sheet: null, window: { id: 'cross-check', state: 'before-draw' } });
      const county = await list(event('GET', '/cycles/{cycleId}/inspections', { params, claims: claims('p', '[unit-puyan]') }), lambda);
      expect(county.statusCode).toBe(403);
    });

    it('is not built for an inspection route without the plan check (it would let any inspector through)', () => {
      expect(() => makeApiHandler(putInspectionScoreRoute, async () => ({ body: {} as never }), { idempotency: {} as never })).toThrow(/planScope/);
    });
  });

  it('serves a public route without any claims', async () => {
    const res = await makeGetHealth()(event('GET', '/health'), lambda);
    expect(res.statusCode).toBe(200);
    expect(json(res)).toEqual({ status: 'ok' });
  });
});

// ---- Strict parsing ------------------------------------------------------------------------------------------

describe('strict parsing of path, query and body', () => {
  const decision = (body: unknown, over: Req = {}) =>
    event('PUT', DECISION, { params: { ...unitParams('jianyang'), round: '1' }, body, claims: city(), ...over });

  it('refuses an unknown body field with 400 naming the field and the rule, in Chinese by default', async () => {
    const s = await started();

    const res = await makeDecideReview(s.ctx)(decision({ outcome: 'approved', status: 'qualified' }), lambda);

    expect(res.statusCode).toBe(400);
    const body = json(res) as ErrorBody;
    expect(body.error.code).toBe('ValidationError');
    expect(body.error.message).toBe('输入有误');
    // Body problems are named by their path in the body, as the use cases name theirs.
    expect(body.error.problems).toEqual([{ path: 'status', rule: 'unknown-field', message: 'status: 未知字段“status”' }]);
    expect(res.headers?.['content-language']).toBe('zh-CN');
    expect(await s.repo.getDecision(CYCLE, 'jianyang', 1)).toBeNull();
  });

  it('says the same in English when the caller prefers English', async () => {
    const s = await started();

    const res = await makeDecideReview(s.ctx)(decision({ outcome: 'approved', status: 'qualified' }, { headers: { 'accept-language': 'en-US,en;q=0.9' } }), lambda);

    expect(res.statusCode).toBe(400);
    const body = json(res) as ErrorBody;
    expect(body.error.message).toBe('Invalid input');
    expect(body.error.problems).toEqual([{ path: 'status', rule: 'unknown-field', message: 'status: unknown field "status"' }]);
    expect(res.headers?.['content-language']).toBe('en');
  });

  it('names an unknown field deep in the body by its full path', async () => {
    const s = await started();
    const sa = { ...exampleSelfAssessment(NANPING), coverage: 1 };
    const res = await makePreviewSelfAssessment(s.ctx)(
      event('POST', PREVIEW, { params: { ...unitParams('yanping'), deliverableId: REPORT }, body: { selfAssessment: sa }, claims: county('yanping') }),
      lambda,
    );
    expect(res.statusCode).toBe(400);
    expect(problems(res)).toEqual(['selfAssessment.coverage unknown-field']);
  });

  it('refuses a body that is JSON but not an object with 400, rule type', async () => {
    const s = await started();
    const res = await makeDecideReview(s.ctx)(decision([{ outcome: 'approved' }]), lambda);
    expect(res.statusCode).toBe(400);
    expect((json(res) as ErrorBody).error.problems!.map((p) => `${p.path} ${p.rule}`)).toEqual(['body type']);
  });

  it('refuses an invalid path parameter with 400 naming path.unitId', async () => {
    const s = await started();

    const res = await makeGetUnitOverview(s.ctx)(event('GET', UNIT, { params: unitParams('Yanping District'), claims: city() }), lambda);

    expect(res.statusCode).toBe(400);
    const p = (json(res) as ErrorBody).error.problems!;
    expect(p.map((x) => `${x.path} ${x.rule}`)).toEqual(['path.unitId format.slug']);
    expect(p[0].message.startsWith('path.unitId: ')).toBe(true);
  });

  it('refuses a body that is not JSON with 400, rule json', async () => {
    const s = await started();
    const res = await makeDecideReview(s.ctx)(decision(undefined, { rawBody: '{"outcome": "approved",' }), lambda);
    expect(res.statusCode).toBe(400);
    expect(problems(res)).toEqual(['body json']);
  });

  it('refuses a JSON body sent with another content type, or none, with 400, rule content-type', async () => {
    const s = await started();
    const handler = makeDecideReview(s.ctx);
    const valid = JSON.stringify({ outcome: 'approved' });

    const plain = await handler(decision(undefined, { rawBody: valid, headers: { 'content-type': 'text/plain' } }), lambda);
    const form = await handler(decision(undefined, { rawBody: valid, headers: { 'content-type': 'application/x-www-form-urlencoded' } }), lambda);

    expect(plain.statusCode).toBe(400);
    expect(problems(plain)).toEqual(['body content-type']);
    expect(form.statusCode).toBe(400);
    expect(problems(form)).toEqual(['body content-type']);
    const seq = await handler(decision(undefined, { rawBody: valid, headers: { 'content-type': 'application/json-seq' } }), lambda);
    expect(problems(seq)).toEqual(['body content-type']);
    expect(await s.repo.getDecision(CYCLE, 'jianyang', 1)).toBeNull();
    const withCharset = await handler(decision(undefined, { rawBody: valid, headers: { 'content-type': 'Application/JSON; charset=utf-8' } }), lambda);
    // Past parsing: the round has not started in this setup, so the use case answers 404, not a 400.
    expect(withCharset.statusCode).toBe(404);
  });

  it('decodes a base64-encoded JSON body', async () => {
    const s = await started();
    const res = await makePreviewSelfAssessment(s.ctx)(
      event('POST', PREVIEW, { params: { ...unitParams('yanping'), deliverableId: REPORT }, body: { selfAssessment: exampleSelfAssessment(NANPING) }, base64: true, claims: county('yanping') }),
      lambda,
    );
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({ canSubmit: true, figures: { selfScore: 100 } });
  });

  it('refuses a body over 512 KB (counted in UTF-8 bytes, not characters) with 413', async () => {
    const s = await started();
    const handler = makePreviewSelfAssessment(s.ctx);
    const send = (narrative: string) =>
      handler(
        event('POST', PREVIEW, {
          params: { ...unitParams('yanping'), deliverableId: REPORT },
          body: { selfAssessment: { ...exampleSelfAssessment(NANPING), narrative } },
          claims: county('yanping'),
        }),
        lambda,
      );
    // 180,000 Chinese characters: fewer characters than the limit, 540,000 bytes in UTF-8.
    const chinese = '自'.repeat(180_000);
    expect(chinese.length).toBeLessThan(MAX_BODY_BYTES);

    const tooLarge = await send(chinese);

    expect(tooLarge.statusCode).toBe(413);
    expect((json(tooLarge) as ErrorBody).error.code).toBe('PayloadTooLargeError');
    expect((json(tooLarge) as ErrorBody).error.message).toContain('512 KB');
  });

  it('takes a body of exactly 512 KB to parsing (the limit is inclusive)', async () => {
    const s = await started();
    const handler = makeDecideReview(s.ctx);
    const shell = JSON.stringify({ outcome: 'returned', reason: '' });
    const reason = 'a'.repeat(MAX_BODY_BYTES - Buffer.byteLength(shell));
    const exact = JSON.stringify({ outcome: 'returned', reason });
    expect(Buffer.byteLength(exact)).toBe(MAX_BODY_BYTES);

    const atLimit = await handler(decision(undefined, { rawBody: exact }), lambda);
    const over = await handler(decision(undefined, { rawBody: `${exact} ` }), lambda);

    // At the limit it is parsed (and the reason is too long); one byte more is too large.
    expect(atLimit.statusCode).toBe(400);
    expect(problems(atLimit)).toEqual(['reason too-long']);
    expect(over.statusCode).toBe(413);
  });

  it('lists the problems of every part of the request in one answer', async () => {
    const s = await started();

    const res = await makeDecideReview(s.ctx)(
      event('PUT', DECISION, {
        params: { ...unitParams('jianyang'), round: '0' },
        query: { debug: '1' },
        body: { outcome: 'maybe', note: 'x' },
        claims: city(),
      }),
      lambda,
    );

    expect(res.statusCode).toBe(400);
    expect(problems(res)).toEqual(expect.arrayContaining(['path.round format.positive-integer', 'query unexpected', 'outcome enum', 'note unknown-field']));
    expect(problems(res)).toHaveLength(4);
  });
});

// ---- Error mapping -----------------------------------------------------------------------------------------

describe('error mapping', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  /** A repository whose every read of the plan fails as an SDK would, with a message that must not leak. */
  async function failingWith(error: Error) {
    const s = await started();
    const broken: CycleRepository = { ...s.repo, getPlan: async () => { throw error; } };
    const ctx = makeContext({ repo: broken, mailer: s.mailer, workflow: s.workflow, clock: s.clock });
    return makeGetDashboard(ctx);
  }

  it('turns an unexpected error into a generic 500 with the request id and nothing of the error itself', async () => {
    // Prepare
    const logged = vi.spyOn(logger, 'error');
    const handler = await failingWith(new Error('secret SDK detail: arn:aws:dynamodb:us-east-1:123456789012:table/prod'));

    // Act
    const res = await handler(event('GET', '/cycles/{cycleId}/dashboard', { params: { cycleId: CYCLE }, claims: city(), requestId: 'req-500' }), lambda);

    // Assess
    expect(res.statusCode).toBe(500);
    const body = json(res) as ErrorBody;
    expect(body).toEqual({ error: { code: 'InternalError', message: expect.stringContaining('请求编号') }, requestId: 'req-500' });
    expect(res.body).not.toMatch(/secret|SDK|arn:aws|123456789012/);
    expect(res.body).not.toMatch(/stack|\.ts:\d+|at \w+ \(/);
    expect(res.headers?.['content-type']).toBe('application/json; charset=utf-8');
    // The full error stays in the log, under the same request id.
    expect(logged).toHaveBeenCalledWith('request failed unexpectedly', expect.objectContaining({ requestId: 'req-500' }));
  });

  it('says the 500 in English to an English caller', async () => {
    const handler = await failingWith(new Error('secret SDK detail'));
    const res = await handler(event('GET', '/cycles/{cycleId}/dashboard', { params: { cycleId: CYCLE }, claims: city(), headers: { 'accept-language': 'en' } }), lambda);
    expect(res.statusCode).toBe(500);
    expect((json(res) as ErrorBody).error.message).toMatch(/^Internal error/);
    expect(res.body).not.toContain('secret');
  });

  it('turns a passing fault (TransientError) into 503, without its details', async () => {
    const handler = await failingWith(new TransientError({ zh: '限流 secret', en: 'throttled secret' }, { table: 'secret-table' }));
    const res = await handler(event('GET', '/cycles/{cycleId}/dashboard', { params: { cycleId: CYCLE }, claims: city() }), lambda);
    expect(res.statusCode).toBe(503);
    expect((json(res) as ErrorBody).error.code).toBe('ServiceUnavailable');
    expect(res.body).not.toContain('secret');
  });

  it('gives a 409 its details (who decided and when), and answers a repeat with the recorded decision', async () => {
    // Prepare: jianyang's report is under review, round 1.
    const s = await started('2016-11-07T02:00:00Z');
    await submitDeliverable(s.ctx, { cycleId: CYCLE, unitId: 'jianyang', deliverableId: REPORT, submittedBy: 'jy', selfAssessment: exampleSelfAssessment(NANPING) });
    s.clock.t = Date.parse('2016-11-10T01:00:00Z');
    await awaitSubmission(s.ctx, { cycleId: CYCLE, unitId: 'jianyang', round: 1, taskToken: 'sub-1' });
    await requestReview(s.ctx, { cycleId: CYCLE, unitId: 'jianyang', round: 1, version: 1, taskToken: 'rev-1' });
    s.clock.t = Date.parse('2016-11-11T02:00:00Z');
    const handler = makeDecideReview(s.ctx);
    const put = (user: string, body: unknown) => handler(event('PUT', DECISION, { params: { ...unitParams('jianyang'), round: '1' }, body, claims: city(user) }), lambda);

    // Act
    const first = await put('city-a', { outcome: 'approved', version: 1 });
    const other = await put('city-b', { outcome: 'returned', reason: '台账不完整' });
    const repeat = await put('city-a', { outcome: 'approved' });

    // Assess
    expect(first.statusCode).toBe(201);
    expect(json(first)).toMatchObject({ repeated: false, decision: { outcome: 'approved', decidedBy: 'city-a', version: 1 } });
    expect(other.statusCode).toBe(409);
    const conflict = json(other) as ErrorBody;
    expect(conflict.error.code).toBe('DecisionConflictError');
    expect(conflict.error.message).toContain('已由 city-a 于 2016年11月11日 10:00 作出决定');
    expect(conflict.error.details).toMatchObject({ decision: { decidedBy: 'city-a', decidedAt: '2016-11-11T02:00:00.000Z', outcome: 'approved' } });
    expect(repeat.statusCode).toBe(200);
    expect(json(repeat)).toMatchObject({ repeated: true, decision: { decidedBy: 'city-a' } });
  });

  it('answers a new version of the report after the outcome with a 409 naming the outcome, in the caller\'s language', async () => {
    const s = await started('2016-11-20T02:00:00Z');
    await s.repo.recordOutcome(CYCLE, 'jianyang', 'qualified', '2016-11-18T02:00:00.000Z');
    const post = (lang: string) =>
      makeSubmitDeliverable(s.ctx)(
        event('POST', VERSIONS, {
          params: { ...unitParams('jianyang'), deliverableId: REPORT }, body: { selfAssessment: exampleSelfAssessment(NANPING) },
          claims: county('jianyang'), headers: { 'accept-language': lang },
        }),
        lambda,
      );

    const [zh, en] = [await post('zh-CN'), await post('en')];

    expect([zh.statusCode, en.statusCode]).toEqual([409, 409]);
    expect((json(zh) as ErrorBody).error).toMatchObject({ code: 'ReviewClosedError', message: expect.stringContaining('结果：qualified') });
    expect((json(en) as ErrorBody).error.message).toBe("this unit's review ended on 18 November 2016, 10:00 (outcome: qualified); no new version of the report is accepted");
    expect((json(en) as ErrorBody).error.details).toMatchObject({ outcome: 'qualified' });
    expect(await s.repo.listUnitSubmissions(CYCLE, 'jianyang')).toEqual([]);
  });

  it('gives a 409 about a stale version the version under review', async () => {
    const s = await started('2016-11-07T02:00:00Z');
    await submitDeliverable(s.ctx, { cycleId: CYCLE, unitId: 'jianyang', deliverableId: REPORT, submittedBy: 'jy', selfAssessment: exampleSelfAssessment(NANPING) });
    s.clock.t = Date.parse('2016-11-10T01:00:00Z');
    await requestReview(s.ctx, { cycleId: CYCLE, unitId: 'jianyang', round: 1, version: 1, taskToken: 'rev-1' });

    const res = await makeDecideReview(s.ctx)(
      event('PUT', DECISION, { params: { ...unitParams('jianyang'), round: '1' }, body: { outcome: 'approved', version: 3 }, claims: city(), headers: { 'accept-language': 'en' } }),
      lambda,
    );

    expect(res.statusCode).toBe(409);
    expect((json(res) as ErrorBody).error.details).toEqual({ round: 1, versionUnderReview: 1 });
    expect((json(res) as ErrorBody).error.message).toContain('is about version 1, not version 3');
  });

  it('keeps the details of other 4xx errors to itself (a 404 says what, not the internals)', async () => {
    const s = await started();
    const res = await makeGetUnitOverview(s.ctx)(event('GET', UNIT, { params: unitParams('atlantis'), claims: city() }), lambda);
    expect(res.statusCode).toBe(404);
    const body = json(res) as ErrorBody;
    expect(body.error.code).toBe('NotFoundError');
    expect(body.error).not.toHaveProperty('details');
    expect(body.error).not.toHaveProperty('problems');
  });
});

// ---- Headers ---------------------------------------------------------------------------------------------

describe('response headers', () => {
  const BASE = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };

  it('sends JSON, no-store, nosniff and the language on a success, with the route\'s own headers', async () => {
    const s = await started();

    const res = await makeSubmitDeliverable(s.ctx)(
      event('POST', VERSIONS, {
        params: { ...unitParams('yanping'), deliverableId: REPORT },
        body: { selfAssessment: exampleSelfAssessment(NANPING) },
        claims: county('yanping'),
        headers: { 'accept-language': 'en-GB,en;q=0.8' },
      }),
      lambda,
    );

    expect(res.statusCode).toBe(201);
    expect(res.headers).toEqual({ ...BASE, 'content-language': 'en', location: `/cycles/${CYCLE}/units/yanping/deliverables/${REPORT}/versions/1` });
    expect(json(res)).toMatchObject({ version: 1, onTime: true, receivedAt: '2016-11-08T02:00:00.000Z' });
  });

  it('sends the same headers on an error', async () => {
    const s = await started();
    const res = await makeGetDashboard(s.ctx)(event('GET', '/cycles/{cycleId}/dashboard', { params: { cycleId: CYCLE }, claims: county('yanping') }), lambda);
    expect(res.statusCode).toBe(403);
    expect(res.headers).toEqual({ ...BASE, 'content-language': 'zh-CN' });
  });
});

describe('the schema pieces of the API', () => {
  it('refuses CR/LF even at the ends of a single-line field (it is not trimmed away) and lone surrogates anywhere', async () => {
    const { line, text } = await import('../../functions/_shared/api-schemas');
    const { parseWithProblems } = await import('../../core/validation');
    const rules = (schema: Parameters<typeof parseWithProblems>[0], v: string) => {
      const r = parseWithProblems(schema, v);
      return r.ok ? [] : r.problems.map((p) => p.rule);
    };
    expect(rules(line(120), '报告.pdf\r\n')).toContain('format.single-line');
    expect(rules(line(120), '\n报告.pdf')).toContain('format.single-line');
    expect(rules(line(120), 'x\ud800.pdf')).toContain('format.unicode');
    expect(rules(text(100), '说明\udc00')).toContain('format.unicode');
    expect(rules(line(120), '  报告😀.pdf  ')).toEqual([]);
    expect(parseWithProblems(line(120), '  报告.pdf  ')).toEqual({ ok: true, value: '报告.pdf' });
  });
});

// Issue 8, finding 13: a file name is shown back in receipt emails and download headers.
describe('single-line text refuses invisible and direction-changing characters', () => {
  const S = { C0: 'x\u0000y', ESC: 'x\u001b[31my', RLO: 'invoice\u202Efdp.exe', LS: 'x\u2028y', C1: 'x\u0085y', LRI: 'x\u2066y', TAB: 'x\ty', DEL: 'x\u007fy' };

  it.each(Object.entries(S))('a fileName with %s is refused with 400 naming fileName and the rule (zh, then en on request)', async (_, bad) => {
    const { makeHandler } = await import('../../functions/create-upload/handler');
    const s = await started();
    const post = (lang?: string) =>
      makeHandler(s.ctx)(
        event('POST', `${UNIT}/uploads`, {
          params: unitParams('yanping'),
          body: { fileName: `${bad}.pdf`, contentType: 'application/pdf', size: 100 },
          claims: county('yanping'),
          headers: lang ? { 'accept-language': lang } : {},
        }),
        lambda,
      );
    const [zh, en] = [await post(), await post('en')];
    expect(zh.statusCode).toBe(400);
    expect(problems(zh)).toEqual(['fileName format.no-control-characters']);
    expect((json(zh) as ErrorBody).error.problems![0].message).toBe('fileName: 不得包含控制字符或改变文字方向的字符');
    expect((json(en) as ErrorBody).error.problems![0].message).toBe('fileName: must not contain control characters or characters that change the text direction');
  });

  it('keeps Chinese, emoji, spaces inside and ordinary punctuation', async () => {
    const { line } = await import('../../functions/_shared/api-schemas');
    const { parseWithProblems } = await import('../../core/validation');
    expect(parseWithProblems(line(120), ' 2016年 延平区（自评）报告 v2 😀-终稿.pdf ')).toEqual({ ok: true, value: '2016年 延平区（自评）报告 v2 😀-终稿.pdf' });
  });

  it('refuses the same characters in free text, where line breaks and tabs stay allowed', async () => {
    const { text } = await import('../../functions/_shared/api-schemas');
    const { parseWithProblems } = await import('../../core/validation');
    for (const bad of ['a\u202Eb', 'a\u2066b', 'a\u0085b', 'a\u2028b']) expect(parseWithProblems(text(100), bad).ok).toBe(false);
    expect(parseWithProblems(text(100), '第一段\n\t第二段\r\n').ok).toBe(true);
  });
});

// Issue 8, finding 13: submitDeliverable resolves documents and evidence as one list.
describe('a refused upload is named where the request named it', () => {
  const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n', 'latin1');

  async function checkedUpload(s: Awaited<ReturnType<typeof started>>, unitId: string) {
    const { createUpload, checkUpload } = await import('../../core/use-cases/uploads');
    const actor = { id: `${unitId}-staff`, role: 'county' as const, unitId };
    const form = await createUpload(s.ctx, { cycleId: CYCLE, unitId, actor, fileName: '证明.pdf', contentType: 'application/pdf', size: PDF.length });
    (s.ctx.documents as ReturnType<typeof makeMemoryDocumentStore>).putObject(form.key, PDF);
    await checkUpload(s.ctx, { cycleId: CYCLE, unitId, uploadId: form.uploadId, actor });
    return form.uploadId;
  }

  it("names another unit's evidence at selfAssessment.scores[2].evidence[0], and a bad document at documents[1]", async () => {
    // Prepare: yanping has one checked upload; jianyang has another.
    const s = await started();
    const own = await checkedUpload(s, 'yanping');
    const foreign = await checkedUpload(s, 'jianyang');
    const never = '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
    const selfAssessment = exampleSelfAssessment(NANPING);
    selfAssessment.scores[0].evidence = [own];
    selfAssessment.scores[2].evidence = [foreign];

    // Act
    const res = await makeSubmitDeliverable(s.ctx)(
      event('POST', VERSIONS, {
        params: { ...unitParams('yanping'), deliverableId: REPORT },
        body: { documents: [own, never], selfAssessment },
        claims: county('yanping'),
        headers: { 'accept-language': 'en' },
      }),
      lambda,
    );

    // Assess
    expect(res.statusCode).toBe(400);
    expect(problems(res)).toEqual(['documents[1] unknown-upload', 'selfAssessment.scores[2].evidence[0] unknown-upload']);
    expect((json(res) as ErrorBody).error.problems![1].message).toBe(`selfAssessment.scores[2].evidence[0]: this unit has no upload ${foreign}`);
    expect(await s.repo.listUnitSubmissions(CYCLE, 'yanping')).toEqual([]);
  });
});

// Issue 8, finding 13: the preview showed a self-score of 999 of 100 beside its errors.
describe('the preview shows no impossible figure beside its errors', () => {
  it('answers a score of 999 on a 4-point item with the error and a self-score within the total', async () => {
    const s = await started();
    const selfAssessment = exampleSelfAssessment(NANPING);
    selfAssessment.scores[0].score = 999;
    const res = await makePreviewSelfAssessment(s.ctx)(
      event('POST', PREVIEW, { params: { ...unitParams('yanping'), deliverableId: REPORT }, body: { selfAssessment }, claims: county('yanping') }),
      lambda,
    );
    expect(res.statusCode).toBe(200);
    const body = json(res) as { figures: { selfScore: number; total: number }; errors: Array<{ path: string; rule: string }>; canSubmit: boolean };
    expect(body.errors.map((e) => `${e.path} ${e.rule}`)).toEqual(['selfAssessment.scores[0].score exceeds-max']);
    expect(body.canSubmit).toBe(false);
    expect(body.figures).toMatchObject({ selfScore: 100, total: 100 });
  });
});

// ---- Idempotency keys ------------------------------------------------------------------------------------

describe('Idempotency-Key on the write routes', () => {
  const submit = (s: Awaited<ReturnType<typeof started>>, key: string | undefined, body: unknown, over: Partial<Req> = {}) =>
    makeSubmitDeliverable(s.ctx)(
      event('POST', VERSIONS, {
        params: { ...unitParams('yanping'), deliverableId: REPORT },
        body,
        claims: county('yanping'),
        ...over,
        headers: { ...(key === undefined ? {} : { 'idempotency-key': key }), ...over.headers },
      }),
      lambda,
    );
  const report = () => ({ narrative: '自评报告', selfAssessment: exampleSelfAssessment(NANPING) });
  const versions = async (s: Awaited<ReturnType<typeof started>>) => (await s.repo.listUnitSubmissions(CYCLE, 'yanping')).length;

  it('answers a retry with the same key and body with the same answer, and stores one version and sends one receipt', async () => {
    // Prepare
    const s = await started();
    // Act: the browser sends, then retries (the body's keys in another order).
    const first = await submit(s, 'a1b2c3d4-0000-4000-8000-000000000001', report());
    const { selfAssessment, narrative } = report();
    const retry = await submit(s, 'a1b2c3d4-0000-4000-8000-000000000001', { selfAssessment, narrative });
    // Assess
    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(201);
    expect(retry.body).toBe(first.body);
    expect(retry.headers).toEqual({ ...first.headers, 'idempotent-replayed': 'true' });
    expect(first.headers).not.toHaveProperty('idempotent-replayed');
    expect(await versions(s)).toBe(1);
    expect(s.mailer.sent.filter((m) => m.subject.includes('回执'))).toHaveLength(1);
  });

  it('refuses the same key with another body with 422, in Chinese and in English, and stores nothing', async () => {
    const s = await started();
    await submit(s, 'key-1', report());
    const other = { ...report(), narrative: '另一份自评报告' };
    const [zh, en] = [await submit(s, 'key-1', other), await submit(s, 'key-1', other, { headers: { 'accept-language': 'en' } })];
    expect([zh.statusCode, en.statusCode]).toEqual([422, 422]);
    expect((json(zh) as ErrorBody).error).toMatchObject({ code: 'IdempotencyKeyReusedError', message: expect.stringContaining('幂等键“key-1”已用于另一个请求') });
    expect((json(en) as ErrorBody).error.message).toBe('the Idempotency-Key "key-1" was used for another request; use a new key for a new request');
    expect(await versions(s)).toBe(1);
  });

  it('lets one of two identical requests at once run; the other is told it is in progress (409)', async () => {
    const s = await started();
    const [a, b] = await Promise.all([submit(s, 'same-time', report()), submit(s, 'same-time', report())]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([201, 409]);
    const busy = json([a, b].find((r) => r.statusCode === 409)!) as ErrorBody;
    expect(busy.error.code).toBe('IdempotencyInProgressError');
    expect(busy.error.details).toMatchObject({ retryAfterSeconds: expect.any(Number) });
    expect(await versions(s)).toBe(1);
    // Once the first is done, the retry gets its answer.
    const later = await submit(s, 'same-time', report());
    expect(later.statusCode).toBe(201);
    expect(later.headers?.['idempotent-replayed']).toBe('true');
  });

  it('keeps no refusal: after a 409 (phase not open) the same key runs again once the phase opens', async () => {
    const s = await started('2016-10-01T02:00:00Z');
    const early = await submit(s, 'retry-after-refusal', report());
    expect(early.statusCode).toBe(409);
    s.clock.t = Date.parse('2016-11-08T02:00:00Z');
    const again = await submit(s, 'retry-after-refusal', report());
    expect(again.statusCode).toBe(201);
    expect(again.headers).not.toHaveProperty('idempotent-replayed');
  });

  it('runs again without the header (today’s behaviour), and after 24 hours with the same key', async () => {
    const s = await started();
    await submit(s, undefined, report());
    await submit(s, undefined, report());
    expect(await versions(s)).toBe(2);
    await submit(s, 'day-old', report());
    s.clock.t += 24 * 3600_000 + 1000;
    expect((await submit(s, 'day-old', report())).headers).not.toHaveProperty('idempotent-replayed');
    expect(await versions(s)).toBe(4);
  });

  it('keeps keys per caller: another user of the same unit with the same key runs its own request', async () => {
    const s = await started();
    await submit(s, 'shared-key', report());
    const other = await submit(s, 'shared-key', report(), { claims: claims('yanping-other', '[unit-yanping]') });
    expect(other.statusCode).toBe(201);
    expect(other.headers).not.toHaveProperty('idempotent-replayed');
  });

  it.each([
    ['empty', ''],
    ['with a space', 'a b'],
    ['of 129 characters', 'k'.repeat(129)],
    ['not ASCII', '幂等键'],
    ['with a control character', 'a\u0001b'],
  ])('refuses a key %s with 400 naming the header', async (_, key) => {
    const s = await started();
    const res = await submit(s, key, report(), { headers: { 'accept-language': 'en' } });
    expect(res.statusCode).toBe(400);
    expect(problems(res)).toEqual(['headers.Idempotency-Key format.idempotency-key']);
    expect((json(res) as ErrorBody).error.problems![0].message).toContain('1 to 128 visible ASCII characters');
    expect(await versions(s)).toBe(0);
  });

  it('takes a key of 128 visible characters', async () => {
    const s = await started();
    expect((await submit(s, '~'.repeat(64) + 'A'.repeat(64), report())).statusCode).toBe(201);
  });

  it('reads or writes no key for a request refused by access or by its input', async () => {
    const s = await started();
    const dump = () => (s.repo as ReturnType<typeof makeMemoryRepository>).dump() as { idempotencyKeys: Map<string, unknown> };
    const forbidden = await makeSubmitDeliverable(s.ctx)(
      event('POST', VERSIONS, { params: { ...unitParams('jianyang'), deliverableId: REPORT }, body: report(), claims: county('yanping'), headers: { 'idempotency-key': 'k' } }),
      lambda,
    );
    const invalid = await submit(s, 'k', { ...report(), status: 'approved' });
    expect([forbidden.statusCode, invalid.statusCode]).toEqual([403, 400]);
    expect(dump().idempotencyKeys.size).toBe(0);
  });

  it('is required of every write route at construction, so none can ignore the header', async () => {
    const { makeApiHandler } = await import('../../functions/_shared/api-handler');
    const { route } = await import('../../functions/fix-contact/route');
    expect(() => makeApiHandler(route, async () => ({ body: {} }))).toThrow(/fix-contact is a write route/);
  });
});

describe('idempotency records (core/use-cases/idempotency.ts)', () => {
  const scope = { caller: 'yanping-staff', route: 'submit-deliverable', key: 'k1' };

  it('keeps only that a request was done when its answer is too large, and says so to a retry, with where the result is', async () => {
    const { beginIdempotent, finishIdempotent, MAX_KEPT_RESPONSE_BYTES } = await import('../../core/use-cases/idempotency');
    const ports = { repo: makeMemoryRepository(), clock: { now: () => Date.parse('2016-11-08T02:00:00Z') } };
    const begun = await beginIdempotent(ports, scope, 'f1');
    if (begun.kind !== 'run') throw new Error('expected to run');
    await finishIdempotent(ports, scope, begun.claimId, { status: 201, headers: { location: '/v/1' }, body: 'x'.repeat(MAX_KEPT_RESPONSE_BYTES + 1) });
    await expect(beginIdempotent(ports, scope, 'f1')).rejects.toMatchObject({
      name: 'IdempotentResponseNotKeptError', status: 409,
      details: { status: 201, location: '/v/1', completedAt: '2016-11-08T02:00:00.000Z' },
      text: { en: expect.stringContaining('too large to keep; it is not done again; the result is at /v/1') },
    });
  });

  it('frees a key whose run died (its lease ran out), and not before', async () => {
    const { beginIdempotent, IDEMPOTENCY_LEASE_MS } = await import('../../core/use-cases/idempotency');
    const clock = { t: 0, now() { return this.t; } };
    const ports = { repo: makeMemoryRepository(), clock };
    expect((await beginIdempotent(ports, scope, 'f1')).kind).toBe('run');
    clock.t = IDEMPOTENCY_LEASE_MS - 1;
    await expect(beginIdempotent(ports, scope, 'f1')).rejects.toMatchObject({ name: 'IdempotencyInProgressError' });
    clock.t = IDEMPOTENCY_LEASE_MS + 1;
    expect((await beginIdempotent(ports, scope, 'f1')).kind).toBe('run');
  });
});
