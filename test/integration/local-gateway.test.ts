/**
 * The twin's API Gateway over the wire, on the routes of the real synthesized app: first with recording
 * handlers (to see exactly what a handler receives and that a refused request never reaches one), then the
 * whole twin with the real handlers behind it, users from the example plan and tokens from InitiateAuth.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { validatePlan } from '../../core/plan/validate';
import { atLocalTime } from '../../core/time';
import { startCycle } from '../../core/use-cases/cycle';
import { loadTwinAssembly, type TwinAssembly } from '../../local/assembly';
import { startGateway, type ApiEventV2, type GatewayRoute, type LocalGateway } from '../../local/api/gateway';
import { cognitoIssuerUrl, startIssuer, type LocalIssuer } from '../../local/api/issuer';
import { LOCAL_PASSWORD, usersFromPlan } from '../../local/api/users';
import { API_INFO_FILE, startTwin, type Twin, type TwinApiInfo } from '../../local/twin';

const checked = validatePlan(JSON.parse(readFileSync(new URL('../../plans/nanping-2016.json', import.meta.url), 'utf8')));
if (!checked.ok) throw new Error('example plan invalid');
const plan = checked.plan;
const ORIGIN = 'http://localhost:5173';
// Synthesized once for both suites (a few seconds).
let synthesized: Promise<TwinAssembly> | undefined;
const appAssembly = () => (synthesized ??= loadTwinAssembly());

interface Call {
  routeKey: string;
  event: ApiEventV2;
}

describe('the local gateway on the synthesized routes', () => {
  let assembly: TwinAssembly;
  let issuer: LocalIssuer;
  let gateway: LocalGateway;
  let routes: GatewayRoute[];
  const calls: Call[] = [];
  /** What each recording handler answers; a test may swap it. */
  let answer: (call: Call) => Promise<unknown> = async () => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' });

  beforeAll(async () => {
    assembly = await appAssembly();
    const pool = assembly.api!.userPool!;
    issuer = await startIssuer({ poolId: pool.id, clientId: pool.clientId, users: usersFromPlan(plan) });
    routes = assembly.api!.routes.map((r) => ({
      routeKey: r.routeKey,
      // As the twin does: Cognito's issuer URL for the pool, served locally.
      auth: r.auth && { ...r.auth, issuer: r.auth.issuer === cognitoIssuerUrl('us-east-1', pool.id) ? issuer.url : r.auth.issuer },
      functionName: r.function.logicalId,
      timeoutMs: r.function.timeoutSeconds * 1000,
      integrationTimeoutMs: r.integrationTimeoutMs,
      invoke: async (event) => {
        const call = { routeKey: r.routeKey, event };
        calls.push(call);
        return answer(call);
      },
    }));
    gateway = await startGateway({ routes, cors: assembly.api!.cors, throttle: assembly.api!.throttle, apiId: assembly.api!.id });
  });
  afterAll(async () => {
    await gateway?.close();
    await issuer?.close();
  });
  beforeEach(() => {
    calls.length = 0;
    answer = async () => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' });
  });

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${gateway.url}${path}`, { headers });
  const bearer = async (username: string, opts?: Parameters<LocalIssuer['tokenFor']>[1]) => ({ authorization: `Bearer ${await issuer.tokenFor(username, opts)}` });

  it('serves every route of functions/routes.ts, public ones without a token', async () => {
    // The route table reached the template and the twin read it back: one route per entry, auth as declared.
    const { ROUTES } = await import('../../functions/routes');
    expect(assembly.api!.routes.map((r) => r.routeKey).sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    for (const r of ROUTES) expect(assembly.api!.routes.find((x) => x.routeKey === `${r.method} ${r.path}`)!.auth === null).toBe(r.access === 'public');

    const res = await get('/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect(res.headers.get('apigw-requestid')).toBeTruthy();
    expect(calls).toHaveLength(1);
    expect(calls[0].event.requestContext.authorizer).toBeUndefined();
  });

  it('refuses a protected route without a valid token, as API Gateway does, and never calls the handler', async () => {
    const refused = [
      await get('/me'),
      await get('/me', await bearer('yanping', { expired: true })),
      await get('/me', await bearer('yanping', { clientId: 'another-app' })),
      await get('/me', await bearer('yanping', { signWithAnotherKey: true })),
      await get('/me', { authorization: 'Bearer not-a-jwt' }),
    ];
    for (const res of refused) {
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ message: 'Unauthorized' });
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    expect(refused[1].headers.get('www-authenticate')).toContain('error_description="the token has expired"');
    expect(calls).toEqual([]);
  });

  it('hands a valid token\'s claims to the handler as strings, in a payload 2.0 event', async () => {
    // Act: a bare token (no "Bearer ") is accepted too.
    const token = await issuer.tokenFor('yanping');
    const res = await fetch(`${gateway.url}/cycles/nanping-2016/units/yan%20ping/submissions?a=1&b=x%20y&a=2`, {
      headers: { authorization: token, cookie: 'c1=v1; c2=v2', 'x-multi': 'one', 'user-agent': 'vitest' },
    });
    // Assess
    expect(res.status).toBe(200);
    expect(calls).toHaveLength(1);
    const { event } = calls[0];
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /cycles/{cycleId}/units/{unitId}/submissions',
      rawPath: '/cycles/nanping-2016/units/yan%20ping/submissions',
      rawQueryString: 'a=1&b=x%20y&a=2',
      cookies: ['c1=v1', 'c2=v2'],
      queryStringParameters: { a: '1,2', b: 'x y' },
      pathParameters: { cycleId: 'nanping-2016', unitId: 'yan ping' },
      isBase64Encoded: false,
      requestContext: {
        accountId: '000000000000',
        apiId: assembly.api!.id,
        stage: '$default',
        routeKey: 'GET /cycles/{cycleId}/units/{unitId}/submissions',
        http: { method: 'GET', path: '/cycles/nanping-2016/units/yan%20ping/submissions', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
        authorizer: { jwt: { scopes: null } },
      },
    });
    expect(event.headers).toMatchObject({ authorization: token, 'x-multi': 'one', 'x-forwarded-proto': 'http' });
    expect(event.headers.cookie).toBeUndefined();
    expect(event.body).toBeUndefined();
    const claims = event.requestContext.authorizer!.jwt.claims;
    expect(claims).toMatchObject({
      'cognito:groups': '[unit-yanping]',
      username: 'yanping',
      token_use: 'access',
      client_id: assembly.api!.userPool!.clientId,
      iss: issuer.url,
    });
    expect(claims.exp).toMatch(/^\d+$/);
    expect(Object.values(claims).every((v) => typeof v === 'string')).toBe(true);
    expect(event.requestContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
  });

  it('passes bodies as API Gateway does: text as is, anything else base64-encoded', async () => {
    const token = await bearer('city');
    const url = `${gateway.url}/contacts/fix`;
    await fetch(url, { method: 'POST', headers: { ...token, 'content-type': 'application/json; charset=utf-8' }, body: '{"email":"a@b.cn"}' });
    await fetch(url, { method: 'POST', headers: { ...token, 'content-type': 'application/octet-stream' }, body: new Uint8Array([0, 1, 2, 255]) });
    expect(calls.map((c) => [c.event.body, c.event.isBase64Encoded])).toEqual([
      ['{"email":"a@b.cn"}', false],
      ['AAEC/w==', true],
    ]);
  });

  it('answers 404 for no route, and for a route with another method', async () => {
    const none = await get('/nothing-here');
    expect(none.status).toBe(404);
    expect(await none.json()).toEqual({ message: 'Not Found' });
    expect((await fetch(`${gateway.url}/health`, { method: 'DELETE' })).status).toBe(404);
    expect((await get('/me/')).status).toBe(404);
    expect(calls).toEqual([]);
  });

  it('answers CORS preflight itself for the allowed origin, and adds the headers to responses', async () => {
    const preflight = await fetch(`${gateway.url}/me`, {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('GET');
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    expect(preflight.headers.get('access-control-max-age')).toBe(String(assembly.api!.cors!.maxAge));
    const stranger = await fetch(`${gateway.url}/me`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
    const actual = await get('/health', { origin: ORIGIN });
    expect(actual.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    const refused = await get('/me', { origin: ORIGIN });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(calls).toHaveLength(1);
  });

  it('translates handler results: full responses, plain values, failures and timeouts', async () => {
    answer = async () => ({ statusCode: 201, headers: { 'x-version': 3 }, cookies: ['a=1', 'b=2'], body: Buffer.from('PDF!').toString('base64'), isBase64Encoded: true });
    const full = await get('/health');
    expect(full.status).toBe(201);
    expect(full.headers.get('x-version')).toBe('3');
    expect(full.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await full.text()).toBe('PDF!');

    answer = async () => ({ status: 'ok' });
    const plain = await get('/health');
    expect([plain.status, plain.headers.get('content-type'), await plain.json()]).toEqual([200, 'application/json', { status: 'ok' }]);

    answer = async () => {
      throw new Error('boom');
    };
    const failed = await get('/health');
    expect([failed.status, await failed.json()]).toEqual([500, { message: 'Internal Server Error' }]);

    // A function that outlives its timeout: API Gateway gets Lambda's timeout error and answers 500.
    const slow = await startGateway({
      routes: [{ routeKey: 'GET /slow', auth: null, functionName: 'Slow', timeoutMs: 50, invoke: () => new Promise(() => {}) }],
    });
    try {
      const timedOut = await fetch(`${slow.url}/slow`);
      expect([timedOut.status, await timedOut.json()]).toEqual([500, { message: 'Internal Server Error' }]);
    } finally {
      await slow.close();
    }
  });

  it('refuses a body over 10 MB with 413 before any handler', async () => {
    const res = await fetch(`${gateway.url}/contacts/fix`, { method: 'POST', headers: await bearer('city'), body: new Uint8Array(10 * 1024 * 1024 + 1) });
    expect(res.status).toBe(413);
    expect(calls).toEqual([]);
  });

  it('throttles each route with a token bucket of the stage\'s rate and burst', async () => {
    // The template's settings, as read; a small bucket to see it run out within one test.
    expect(assembly.api!.throttle).toEqual({ rateLimit: expect.any(Number), burstLimit: expect.any(Number) });
    const small = await startGateway({ routes, throttle: { rateLimit: 1, burstLimit: 3 } });
    try {
      const statuses = await Promise.all(Array.from({ length: 8 }, () => fetch(`${small.url}/health`).then((r) => r.status)));
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(3);
      expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(4);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(4);
      const body = await (await fetch(`${small.url}/health`)).json();
      expect(body).toEqual({ message: 'Too Many Requests' });
      // Another route has its own bucket.
      expect((await fetch(`${small.url}/openapi.json`)).status).toBe(200);
    } finally {
      await small.close();
    }
  });
});

describe('the twin serves the API with the real handlers', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'twin-api-'));
  let twin: Twin;
  beforeAll(async () => {
    twin = await startTwin({
      dataDir,
      startAt: atLocalTime(plan.phases[0].opens, '00:00').toMillis(),
      mode: { kind: 'simulated' },
      users: usersFromPlan(plan),
      assembly: await appAssembly(),
    });
  });
  afterAll(async () => {
    await twin?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const signIn = async (username: string, password = LOCAL_PASSWORD) => {
    const res = await fetch(twin.endpoints.cognito, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth' },
      body: JSON.stringify({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: twin.userPool.clientId, AuthParameters: { USERNAME: username, PASSWORD: password } }),
    });
    return (await res.json()) as { AuthenticationResult: { AccessToken: string; IdToken: string } };
  };

  it('seeds the plan\'s users and writes where to find the API for `npm run token`', () => {
    expect(twin.users.map((u) => u.username)).toEqual(['city', ...plan.units.map((u) => u.id)]);
    const info = JSON.parse(readFileSync(join(dataDir, API_INFO_FILE), 'utf8')) as TwinApiInfo;
    expect(info).toMatchObject({ api: twin.endpoints.api, issuer: twin.endpoints.issuer, cognitoEndpoint: twin.endpoints.cognito, clientId: twin.userPool.clientId });
    expect(twin.endpoints.issuer).toBe(`${twin.endpoints.cognito}/${twin.assembly.api!.userPool!.id}`);
    // The API functions get their template environment too (the documents bucket the S3 emulator serves).
    const upload = twin.assembly.api!.routes.find((r) => r.function.environment.DOCUMENTS_BUCKET)!;
    expect(process.env.DOCUMENTS_BUCKET).toBe(upload.function.environment.DOCUMENTS_BUCKET);
    expect(process.env.DOCUMENTS_BUCKET).toBe(twin.assembly.bucket.name);
  });

  it('GET /health without a token, GET /me with a token from InitiateAuth', async () => {
    const health = await fetch(`${twin.endpoints.api}/health`);
    expect(health.status).toBe(200);

    const county = await signIn('yanping');
    const me = await fetch(`${twin.endpoints.api}/me`, { headers: { authorization: `Bearer ${county.AuthenticationResult.AccessToken}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ id: 'yanping', role: 'county', unitId: 'yanping' });

    const city = await fetch(`${twin.endpoints.api}/me`, { headers: { authorization: `Bearer ${await twin.tokenFor('city')}` } });
    expect(await city.json()).toMatchObject({ id: 'city', role: 'city', unitId: null });
  });

  it('runs an API function that uses the documents bucket against the S3 emulator', async () => {
    // Prepare: the cycle registered, as on 1 April.
    await twin.clock.track(() => startCycle(twin.ctx, { plan, startedBy: 'city-admin' }));
    await twin.clock.runUntil(Date.parse('2016-04-01T08:00:00+08:00'));
    // Act
    const res = await fetch(`${twin.endpoints.api}/cycles/${plan.cycleId}/units/yanping/uploads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await twin.tokenFor('yanping')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ fileName: '实施方案.pdf', contentType: 'application/pdf', size: 1234 }),
    });
    // Assess: a presigned POST form for the emulator's bucket (the template's DOCUMENTS_BUCKET).
    expect(res.status).toBe(201);
    const form = (await res.json()) as { url: string };
    expect(form.url).toContain(twin.endpoints.s3);
    expect(form.url).toContain(twin.assembly.bucket.name);
  });

  it('lets an ID token through the gateway (as API Gateway does) for the handler to refuse', async () => {
    const res = await fetch(`${twin.endpoints.api}/me`, { headers: { authorization: `Bearer ${(await signIn('yanping')).AuthenticationResult.IdToken}` } });
    expect(res.status).toBe(401);
  });
});
