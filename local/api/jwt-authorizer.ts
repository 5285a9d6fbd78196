/**
 * API Gateway's JWT authorizer (HTTP APIs), as its documentation describes the checks:
 *   1. the token from the identity source (the Authorization header), bare or prefixed with `Bearer `;
 *   2. decoded; its algorithm (RSA only) and signature checked against the issuer's public keys, found
 *      through `<issuer>/.well-known/openid-configuration` -> `jwks_uri` and cached (two hours on AWS);
 *   3. claims: `kid` names a key of the set; `iss` equals the configured issuer; `aud`, or `client_id` when
 *      there is no `aud`, is one of the configured audience entries; `exp` present and after now (a token
 *      without `exp` is refused, as AWS requires it); `nbf` and `iat` before
 *      now; `scope`/`scp` holds one of the route's scopes when the route has any.
 * It does NOT check `token_use` (nor does AWS): an ID token of the right client passes; the handlers reject it.
 * "Now" is the real wall clock, never the twin's simulated Date.
 */
import { createLocalJWKSet, decodeProtectedHeader, errors, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { wallClockNow } from '../clock';

export interface JwtRouteAuth {
  issuer: string;
  audience: string[];
  /** @default ['$request.header.Authorization'] */
  identitySource?: string[];
  /** The route's AuthorizationScopes. */
  scopes?: string[];
}

export type AuthResult =
  | { ok: true; claims: JWTPayload; scopes: string[] | null }
  /** 401 (no or invalid token) or 403 (valid token without a required scope); `description` for www-authenticate. */
  | { ok: false; status: 401 | 403; description?: string };

export interface JwtAuthorizer {
  authorize(headers: Record<string, string | undefined>, auth: JwtRouteAuth): Promise<AuthResult>;
}

/** AWS keeps an issuer's keys up to two hours; an unknown `kid` refreshes them, at most this often. */
const JWKS_TTL_MS = 2 * 3600_000;
const JWKS_REFRESH_COOLDOWN_MS = 10_000;
const RSA_ALGORITHMS = ['RS256', 'RS384', 'RS512'];

interface CachedKeys {
  set: ReturnType<typeof createLocalJWKSet>;
  kids: Set<string>;
  fetchedAt: number;
}

export function createJwtAuthorizer(opts: { now?: () => number; fetch?: typeof fetch } = {}): JwtAuthorizer {
  const now = opts.now ?? wallClockNow;
  const doFetch = opts.fetch ?? fetch;
  const cache = new Map<string, CachedKeys>();

  const getJson = async (url: string): Promise<unknown> => {
    const res = await doFetch(url, { signal: AbortSignal.timeout(5_000) });
    if (!res.ok) throw new Error(`${url} answered ${res.status}`);
    return res.json();
  };

  const fetchKeys = async (issuer: string): Promise<CachedKeys> => {
    const discovery = (await getJson(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`)) as { jwks_uri?: string };
    if (typeof discovery.jwks_uri !== 'string') throw new Error(`${issuer}: discovery document has no jwks_uri`);
    const jwks = (await getJson(discovery.jwks_uri)) as JSONWebKeySet;
    const keys: CachedKeys = {
      set: createLocalJWKSet(jwks),
      kids: new Set(jwks.keys.map((k) => k.kid).filter((k): k is string => typeof k === 'string')),
      fetchedAt: now(),
    };
    cache.set(issuer, keys);
    return keys;
  };

  const keysFor = async (issuer: string, kid: string): Promise<CachedKeys> => {
    const cached = cache.get(issuer);
    if (!cached || now() - cached.fetchedAt > JWKS_TTL_MS) return fetchKeys(issuer);
    if (!cached.kids.has(kid) && now() - cached.fetchedAt > JWKS_REFRESH_COOLDOWN_MS) return fetchKeys(issuer);
    return cached;
  };

  const tokenFrom = (headers: Record<string, string | undefined>, sources: string[]): string | undefined => {
    for (const source of sources) {
      const m = /^\$request\.header\.(.+)$/i.exec(source);
      if (!m) throw new Error(`identity source ${source} is not served by the twin (headers only)`);
      const value = headers[m[1].toLowerCase()]?.trim();
      if (value) return value.replace(/^bearer\s+/i, '');
    }
    return undefined;
  };

  return {
    async authorize(headers, auth) {
      const token = tokenFrom(headers, auth.identitySource?.length ? auth.identitySource : ['$request.header.Authorization']);
      if (!token) return { ok: false, status: 401 };
      let kid: string | undefined;
      let alg: string | undefined;
      try {
        ({ kid, alg } = decodeProtectedHeader(token));
      } catch {
        return { ok: false, status: 401, description: 'the token is malformed' };
      }
      if (!alg || !RSA_ALGORITHMS.includes(alg)) return { ok: false, status: 401, description: `signing method ${alg ?? 'none'} is invalid` };
      if (!kid) return { ok: false, status: 401, description: 'the token has no kid' };
      let keys: CachedKeys;
      try {
        keys = await keysFor(auth.issuer, kid);
      } catch {
        return { ok: false, status: 401, description: 'the issuer keys could not be retrieved' };
      }
      if (!keys.kids.has(kid)) return { ok: false, status: 401, description: 'the token kid is not in the issuer keys' };

      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, keys.set, {
          algorithms: RSA_ALGORITHMS,
          issuer: auth.issuer,
          requiredClaims: ['exp'],
          // The real clock, passed explicitly: jose's default is `new Date()`, which the twin makes simulated.
          currentDate: new Date(now()),
        }));
      } catch (error) {
        if (error instanceof errors.JWTExpired) return { ok: false, status: 401, description: 'the token has expired' };
        if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'exp' && error.reason === 'missing') {
          return { ok: false, status: 401, description: 'the token has no expiration (exp)' };
        }
        if (error instanceof errors.JWSSignatureVerificationFailed) return { ok: false, status: 401, description: 'the token signature is invalid' };
        if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'iss') return { ok: false, status: 401, description: 'the token does not have a valid issuer' };
        return { ok: false, status: 401, description: 'the token is invalid' };
      }
      const nowSeconds = Math.floor(now() / 1000);
      if (typeof payload.iat === 'number' && payload.iat > nowSeconds) return { ok: false, status: 401, description: 'the token was issued in the future' };
      // `aud` when the token has one (ID tokens), else `client_id` (Cognito access tokens have no `aud`).
      const audiences = payload.aud !== undefined ? [payload.aud].flat() : typeof payload.client_id === 'string' ? [payload.client_id] : [];
      if (!audiences.some((a) => auth.audience.includes(a))) return { ok: false, status: 401, description: 'the token does not have a valid audience' };

      const required = auth.scopes ?? [];
      if (required.length === 0) return { ok: true, claims: payload, scopes: null };
      const raw = payload.scope ?? payload.scp;
      const held = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.split(' ') : [];
      const matched = required.filter((s) => held.includes(s));
      return matched.length > 0 ? { ok: true, claims: payload, scopes: matched } : { ok: false, status: 403 };
    },
  };
}

/**
 * Claims as API Gateway hands them to the integration: every value a string; numbers and booleans as
 * written, arrays as `[a b c]`, objects as `map[k:v]` (the Go formatting AWS's authorizer shows).
 */
export function stringifyClaims(claims: JWTPayload): Record<string, string> {
  const text = (v: unknown): string => {
    if (typeof v === 'string') return v;
    if (Array.isArray(v)) return `[${v.map(text).join(' ')}]`;
    if (v !== null && typeof v === 'object') {
      return `map[${Object.keys(v)
        .sort()
        .map((k) => `${k}:${text((v as Record<string, unknown>)[k])}`)
        .join(' ')}]`;
    }
    return String(v);
  };
  return Object.fromEntries(Object.entries(claims).map(([k, v]) => [k, text(v)]));
}
