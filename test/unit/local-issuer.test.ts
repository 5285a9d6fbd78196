/**
 * The twin's user pool stand-in: Cognito-shaped tokens on the real clock, a JWKS and discovery document
 * over HTTP, InitiateAuth (USER_PASSWORD_AUTH) with Cognito's errors, and API Gateway's JWT checks against it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startIssuer, type LocalIssuer } from '../../local/api/issuer';
import { createJwtAuthorizer, stringifyClaims } from '../../local/api/jwt-authorizer';
import { LOCAL_PASSWORD, usersFromPlan } from '../../local/api/users';
import { createClock, installClockAsDate, wallClockNow } from '../../local/clock';

const POOL = 'us-east-1_UserPoolTest';
const CLIENT = 'userpoolclienttest';
const users = usersFromPlan({
  city: { name: '南平市', office: '南平市打传办', email: 'city-office@nanping.example.cn' },
  units: [{ id: 'yanping', name: '延平区', office: { name: '延平区打传办', email: 'yanping-office@nanping.example.cn' } }],
} as never);

async function initiateAuth(endpoint: string, body: unknown, target = 'AWSCognitoIdentityProviderService.InitiateAuth') {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

describe('the local token issuer', () => {
  let issuer: LocalIssuer;
  const authorizer = createJwtAuthorizer();
  const check = (token: string, audience = [CLIENT]) => authorizer.authorize({ authorization: `Bearer ${token}` }, { issuer: issuer.url, audience });

  beforeAll(async () => {
    issuer = await startIssuer({ poolId: POOL, clientId: CLIENT, users, clientAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'] });
  });
  afterAll(() => issuer.close());

  it('seeds the city office and one user per unit, with stable subs', () => {
    expect(issuer.users.map((u) => [u.username, u.groups])).toEqual([
      ['city', ['city-office']],
      ['yanping', ['unit-yanping']],
    ]);
    expect(issuer.users[0].sub).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(issuer.url).toBe(`${issuer.endpoint}/${POOL}`);
  });

  it('issues access tokens shaped like Cognito\'s, which verify against its JWKS', async () => {
    // Act
    const token = await issuer.tokenFor('yanping');
    // Assess
    const header = decodeProtectedHeader(token);
    expect(header).toEqual({ alg: 'RS256', kid: issuer.jwks().keys[0].kid });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({
      iss: issuer.url,
      client_id: CLIENT,
      token_use: 'access',
      scope: 'aws.cognito.signin.user.admin',
      username: 'yanping',
      'cognito:groups': ['unit-yanping'],
      sub: issuer.users[1].sub,
    });
    expect(claims.aud).toBeUndefined();
    expect(claims.exp! - claims.iat!).toBe(3600);
    expect(claims.auth_time).toBe(claims.iat);
    expect(typeof claims.jti).toBe('string');
    const verdict = await check(token);
    expect(verdict).toMatchObject({ ok: true, scopes: null });
    // Served as Cognito serves them.
    const discovery = (await (await fetch(`${issuer.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(discovery).toMatchObject({ issuer: issuer.url, jwks_uri: `${issuer.url}/.well-known/jwks.json` });
    const jwks = (await (await fetch(String(discovery.jwks_uri))).json()) as { keys: Array<Record<string, unknown>> };
    expect(jwks.keys).toEqual([expect.objectContaining({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: header.kid })]);
    expect(jwks.keys[0].d).toBeUndefined();
  });

  it('tells expired, wrong-audience, wrongly signed and ID tokens apart', async () => {
    const expired = await check(await issuer.tokenFor('city', { expired: true }));
    const otherClient = await check(await issuer.tokenFor('city', { clientId: 'someoneelse' }));
    const forged = await check(await issuer.tokenFor('city', { signWithAnotherKey: true }));
    const idToken = await issuer.tokenFor('city', { use: 'id' });
    expect(expired).toEqual({ ok: false, status: 401, description: 'the token has expired' });
    expect(otherClient).toEqual({ ok: false, status: 401, description: 'the token does not have a valid audience' });
    expect(forged).toEqual({ ok: false, status: 401, description: 'the token signature is invalid' });
    // API Gateway does not look at token_use: the ID token of the right client passes; the handlers refuse it.
    const id = await check(idToken);
    expect(id.ok).toBe(true);
    expect(decodeJwt(idToken)).toMatchObject({ aud: CLIENT, token_use: 'id', 'cognito:username': 'city', email: 'city-office@nanping.example.cn' });
    expect(await check(await issuer.tokenFor('city'), ['another-client'])).toMatchObject({ ok: false, status: 401 });
    expect(await authorizer.authorize({}, { issuer: issuer.url, audience: [CLIENT] })).toEqual({ ok: false, status: 401 });
  });

  it('answers InitiateAuth (USER_PASSWORD_AUTH) with Cognito\'s result and errors', async () => {
    const good = await initiateAuth(issuer.endpoint, { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: CLIENT, AuthParameters: { USERNAME: 'yanping', PASSWORD: LOCAL_PASSWORD } });
    expect(good.status).toBe(200);
    expect(good.body.AuthenticationResult).toMatchObject({ ExpiresIn: 3600, TokenType: 'Bearer' });
    expect(decodeJwt(good.body.AuthenticationResult.AccessToken)).toMatchObject({ token_use: 'access', username: 'yanping' });
    expect(decodeJwt(good.body.AuthenticationResult.IdToken)).toMatchObject({ token_use: 'id', aud: CLIENT });

    const wrong = await initiateAuth(issuer.endpoint, { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: CLIENT, AuthParameters: { USERNAME: 'yanping', PASSWORD: 'guess' } });
    expect(wrong).toEqual({ status: 400, body: { __type: 'NotAuthorizedException', message: 'Incorrect username or password.' } });
    const nobody = await initiateAuth(issuer.endpoint, { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: CLIENT, AuthParameters: { USERNAME: 'nobody', PASSWORD: LOCAL_PASSWORD } });
    expect(nobody.body.__type).toBe('NotAuthorizedException');
    const client = await initiateAuth(issuer.endpoint, { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: 'x', AuthParameters: { USERNAME: 'city', PASSWORD: LOCAL_PASSWORD } });
    expect(client.body.__type).toBe('ResourceNotFoundException');
    const op = await initiateAuth(issuer.endpoint, {}, 'AWSCognitoIdentityProviderService.SignUp');
    expect(op.status).toBe(400);
  });

  it('refuses USER_PASSWORD_AUTH when the client in the template does not enable it, as Cognito does', async () => {
    const strict = await startIssuer({ poolId: POOL, clientId: CLIENT, users, clientAuthFlows: ['ALLOW_USER_SRP_AUTH'] });
    try {
      const res = await initiateAuth(strict.endpoint, { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: CLIENT, AuthParameters: { USERNAME: 'city', PASSWORD: LOCAL_PASSWORD } });
      expect(res.body).toMatchObject({ __type: 'InvalidParameterException' });
    } finally {
      await strict.close();
    }
  });
});

describe('token times', () => {
  let uninstall: (() => void) | undefined;
  afterEach(() => uninstall?.());

  it('are on the real wall clock while global Date follows a simulated clock', async () => {
    // Prepare: the twin's Date, in April 2016 and racing.
    const clock = createClock({ startAt: Date.parse('2016-04-01T00:00:00+08:00'), mode: { kind: 'scaled', speed: 50_000 } });
    uninstall = installClockAsDate(clock);
    const issuer = await startIssuer({ poolId: POOL, clientId: CLIENT, users });
    try {
      // Act
      const token = await issuer.tokenFor('city');
      // Assess
      expect(new Date().getUTCFullYear()).toBe(2016);
      const { iat } = decodeJwt(token);
      expect(Math.abs(iat! - wallClockNow() / 1000)).toBeLessThan(5);
      expect(await createJwtAuthorizer().authorize({ authorization: token }, { issuer: issuer.url, audience: [CLIENT] })).toMatchObject({ ok: true });
    } finally {
      await issuer.close();
      clock.stop();
    }
  });
});

describe('the issuer key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'issuer-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is kept in the data directory: a token issued before a restart verifies after it', async () => {
    const first = await startIssuer({ poolId: POOL, clientId: CLIENT, users, dataDir: dir });
    const token = await first.tokenFor('yanping');
    const kid = first.jwks().keys[0].kid;
    await first.close();
    const second = await startIssuer({ poolId: POOL, clientId: CLIENT, users, dataDir: dir, port: first.port });
    try {
      expect(second.jwks().keys[0].kid).toBe(kid);
      expect(second.users[1].sub).toBe(first.users[1].sub);
      expect(await createJwtAuthorizer().authorize({ authorization: `Bearer ${token}` }, { issuer: second.url, audience: [CLIENT] })).toMatchObject({ ok: true });
    } finally {
      await second.close();
    }
  });
});

describe('claims as API Gateway passes them', () => {
  it('are all strings: numbers as written, arrays as [a b], objects as map[k:v]', () => {
    expect(stringifyClaims({ exp: 1478480400, 'cognito:groups': ['unit-yanping', 'x'], email_verified: true, sub: 's', o: { b: 1, a: 'x' } })).toEqual({
      exp: '1478480400',
      'cognito:groups': '[unit-yanping x]',
      email_verified: 'true',
      sub: 's',
      o: 'map[a:x b:1]',
    });
  });
});
