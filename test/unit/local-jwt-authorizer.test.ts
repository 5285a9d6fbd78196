/**
 * The twin's stand-in for API Gateway's JWT authorizer, on tokens signed here: API Gateway requires `exp`
 * (issue 8, finding 13: the twin once let a token without one through, so it never expired).
 */
import { SignJWT, exportJWK, generateKeyPair, type JWTPayload } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createJwtAuthorizer, type JwtRouteAuth } from '../../local/api/jwt-authorizer';

const ISSUER = 'http://127.0.0.1:9229/local_pool';
const CLIENT = 'local-client';
const NOW = Date.parse('2026-11-30T12:00:00Z');
const auth: JwtRouteAuth = { issuer: ISSUER, audience: [CLIENT] };

let sign: (claims: JWTPayload) => Promise<string>;
let authorizer: ReturnType<typeof createJwtAuthorizer>;

beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const documents: Record<string, unknown> = {
    [`${ISSUER}/.well-known/openid-configuration`]: { issuer: ISSUER, jwks_uri: `${ISSUER}/.well-known/jwks.json` },
    [`${ISSUER}/.well-known/jwks.json`]: { keys: [jwk] },
  };
  const fakeFetch = (async (url: string) => new Response(JSON.stringify(documents[url]), { status: documents[url] ? 200 : 404 })) as unknown as typeof fetch;
  authorizer = createJwtAuthorizer({ now: () => NOW, fetch: fakeFetch });
  sign = (claims) => new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(privateKey);
});

const base = () => ({ iss: ISSUER, client_id: CLIENT, token_use: 'access', username: 'city', iat: NOW / 1000 - 60 });
const check = async (claims: JWTPayload) => authorizer.authorize({ authorization: `Bearer ${await sign(claims)}` }, auth);

describe('the twin JWT authorizer and exp', () => {
  it('accepts an access token that expires in the future', async () => {
    expect(await check({ ...base(), exp: NOW / 1000 + 3600 })).toMatchObject({ ok: true });
  });

  it('refuses a token without exp with 401, as API Gateway does', async () => {
    expect(await check(base())).toEqual({ ok: false, status: 401, description: 'the token has no expiration (exp)' });
  });

  it('refuses a token whose exp is not a number', async () => {
    expect(await check({ ...base(), exp: 'tomorrow' as unknown as number })).toMatchObject({ ok: false, status: 401 });
  });

  it('refuses an expired token', async () => {
    expect(await check({ ...base(), exp: NOW / 1000 - 1 })).toEqual({ ok: false, status: 401, description: 'the token has expired' });
  });
});
