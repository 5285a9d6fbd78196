/**
 * The twin's stand-in for the Cognito user pool: a token issuer with Cognito's token shapes and the one
 * Cognito call a person needs to get a token (InitiateAuth with USER_PASSWORD_AUTH), over HTTP.
 *
 * - Issuer URL `http://127.0.0.1:<port>/<poolId>`, mirroring `https://cognito-idp.<region>.amazonaws.com/<poolId>`;
 *   `<issuer>/.well-known/openid-configuration` and `<issuer>/.well-known/jwks.json` as Cognito serves them.
 * - One RS256 key pair, generated once and kept in the data directory (`issuer-key.json`), so tokens issued
 *   before a restart still verify after it; in memory when there is no data directory.
 * - Access tokens as Cognito issues them: `sub`, `iss`, `client_id` (no `aud`), `token_use: access`,
 *   `scope`, `auth_time`, `iat`, `exp` (1 h), `jti`, `username`, `cognito:groups`; `kid` in the header.
 *   ID tokens: `aud` = client id, `token_use: id`, `cognito:username`, `email`.
 * - `POST /` with `X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>` (JSON 1.1 protocol), so
 *   `aws cognito-idp initiate-auth --endpoint-url http://127.0.0.1:<port>` works as against Cognito, and so
 *   does the AWS SDK's Cognito client in the portal: the operations a person needs (local/api/cognito-flows.ts),
 *   with CORS open to any origin as Cognito's own endpoint answers a browser.
 *
 * Token times are on the REAL wall clock (wallClockNow), never on global Date: the twin makes Date follow a
 * simulated clock that may run 50,000 times faster, which would expire a one-hour token in 72 ms.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type CryptoKey, type JWK, type JSONWebKeySet } from 'jose';
import { wallClockNow } from '../clock';
import { COGNITO_DEFAULT_POLICY, CognitoError, createAccounts, type Authenticated, type PasswordPolicy } from './cognito-flows';
import { LOCAL_PASSWORD, type UserSeed } from './users';

export const TOKEN_LIFETIME_SECONDS = 3600;
const ALG = 'RS256';
const ACCESS_SCOPE = 'aws.cognito.signin.user.admin';
const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';

export interface IssuerUser extends UserSeed {
  /** Stable per pool and username (a name-based UUID), like Cognito's immutable `sub`. */
  sub: string;
}

export interface TokenOptions {
  /** @default 'access' */
  use?: 'access' | 'id';
  /** Issued two hours ago, expired one hour ago. */
  expired?: boolean;
  /** Another client id than the pool's (an access token's `client_id`, an ID token's `aud`). */
  clientId?: string;
  /** Signed by a one-off key under the issuer's own `kid`: only the signature is wrong. */
  signWithAnotherKey?: boolean;
}

export interface LocalIssuer {
  /** The Cognito service endpoint stand-in (`aws cognito-idp --endpoint-url`), `http://127.0.0.1:<port>`. */
  endpoint: string;
  /** `http://127.0.0.1:<port>/<poolId>`, the `iss` of every token. */
  url: string;
  port: number;
  poolId: string;
  clientId: string;
  password: string;
  users: IssuerUser[];
  jwks(): JSONWebKeySet;
  /** A token for a seeded user, as InitiateAuth would return it (or deliberately wrong, for tests). */
  tokenFor(username: string, opts?: TokenOptions): Promise<string>;
  /** The last password-reset code ForgotPassword made for the user (the twin sends no email for it). */
  lastResetCode(username: string): string | undefined;
  close(): Promise<void>;
}

export interface IssuerOptions {
  /** @default a free port */
  port?: number;
  poolId: string;
  clientId: string;
  users: UserSeed[];
  /** @default LOCAL_PASSWORD */
  password?: string;
  /** Where the key pair is kept across restarts; without it the key lives in memory only. */
  dataDir?: string;
  /**
   * The client's ExplicitAuthFlows from the template: when given, InitiateAuth refuses USER_PASSWORD_AUTH
   * unless it is enabled there, as Cognito does. undefined: allowed.
   */
  clientAuthFlows?: string[];
  /** The pool's password policy from the template; Cognito's default when absent. */
  passwordPolicy?: PasswordPolicy;
  /** Told each reset code ForgotPassword makes (Cognito would email it); the twin prints it. */
  onResetCode?: (username: string, email: string | undefined, code: string) => void;
}

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/** A name-based (version 5) UUID: the same pool and username always give the same `sub`. */
function stableSub(poolId: string, username: string): string {
  const b = createHash('sha1').update(`wuchuanxiao-twin:${poolId}:${username}`).digest().subarray(0, 16);
  b[6] = (b[6] & 0x0f) | 0x50;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

async function newKey(): Promise<{ kid: string; privateJwk: JWK }> {
  const { privateKey } = await generateKeyPair(ALG, { extractable: true });
  const privateJwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint({ kty: privateJwk.kty, n: privateJwk.n, e: privateJwk.e });
  return { kid, privateJwk };
}

async function signingKey(stored: { kid: string; privateJwk: JWK }): Promise<SigningKey> {
  const privateKey = (await importJWK(stored.privateJwk, ALG)) as CryptoKey;
  const { kty, n, e } = stored.privateJwk;
  return { kid: stored.kid, privateKey, publicJwk: { kty, n, e, kid: stored.kid, alg: ALG, use: 'sig' } };
}

/** The key pair kept in `dataDir/issuer-key.json`, created on first use. */
async function loadOrCreateKey(dataDir: string | undefined): Promise<SigningKey> {
  if (!dataDir) return signingKey(await newKey());
  const file = join(dataDir, 'issuer-key.json');
  try {
    return await signingKey(JSON.parse(await readFile(file, 'utf8')) as { kid: string; privateJwk: JWK });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const created = await newKey();
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, JSON.stringify(created), { mode: 0o600 });
  return signingKey(created);
}

export async function startIssuer(opts: IssuerOptions): Promise<LocalIssuer> {
  const key = await loadOrCreateKey(opts.dataDir);
  const password = opts.password ?? LOCAL_PASSWORD;
  const users = opts.users.map((u) => ({ ...u, sub: stableSub(opts.poolId, u.username) }));
  const byName = new Map(users.map((u) => [u.username, u]));
  const jwks: JSONWebKeySet = { keys: [key.publicJwk] };
  let url = '';

  const sign = async (user: IssuerUser, o: TokenOptions = {}): Promise<string> => {
    const now = Math.floor(wallClockNow() / 1000);
    const iat = o.expired ? now - 2 * TOKEN_LIFETIME_SECONDS : now;
    const clientId = o.clientId ?? opts.clientId;
    const common = {
      sub: user.sub,
      'cognito:groups': user.groups,
      iss: url,
      origin_jti: randomUUID(),
      event_id: randomUUID(),
      auth_time: iat,
      iat,
      exp: iat + TOKEN_LIFETIME_SECONDS,
      jti: randomUUID(),
    };
    const claims =
      (o.use ?? 'access') === 'access'
        ? { ...common, version: 2, client_id: clientId, token_use: 'access', scope: ACCESS_SCOPE, username: user.username }
        : {
            ...common,
            aud: clientId,
            token_use: 'id',
            'cognito:username': user.username,
            ...(user.email ? { email: user.email, email_verified: true } : {}),
          };
    const signer = o.signWithAnotherKey ? (await signingKey(await newKey())).privateKey : key.privateKey;
    // Every time claim is set explicitly: jose's defaults read global Date, which follows the simulated clock.
    return new SignJWT(claims).setProtectedHeader({ alg: ALG, kid: key.kid }).sign(signer);
  };

  const accounts = createAccounts(
    users.map((u) => ({ username: u.username, password: u.temporaryPassword ?? password, temporary: u.temporaryPassword !== undefined, email: u.email })),
    opts.passwordPolicy ?? COGNITO_DEFAULT_POLICY,
    opts.onResetCode ?? (() => {}),
  );
  const allows = (flow: string) => !opts.clientAuthFlows || opts.clientAuthFlows.some((f) => f === `ALLOW_${flow}` || f === flow);
  const tokens = async ({ username, refreshToken }: Authenticated) => {
    const user = byName.get(username)!;
    return {
      ChallengeParameters: {},
      AuthenticationResult: {
        AccessToken: await sign(user),
        ExpiresIn: TOKEN_LIFETIME_SECONDS,
        TokenType: 'Bearer',
        ...(refreshToken ? { RefreshToken: refreshToken } : {}),
        IdToken: await sign(user, { use: 'id' }),
      },
    };
  };
  const checkClient = (body: Record<string, unknown>) => {
    if (body.ClientId !== opts.clientId) throw new CognitoError('ResourceNotFoundException', `User pool client ${String(body.ClientId)} does not exist.`);
  };
  const required = (params: Record<string, unknown>, ...names: string[]) => {
    for (const name of names) {
      if (typeof params[name] !== 'string') throw new CognitoError('InvalidParameterException', `Missing required parameter ${name}`);
    }
  };

  const initiateAuth = async (body: Record<string, unknown>) => {
    const params = (body.AuthParameters ?? {}) as Record<string, unknown>;
    checkClient(body);
    if (body.AuthFlow === 'REFRESH_TOKEN_AUTH' || body.AuthFlow === 'REFRESH_TOKEN') {
      if (!allows('REFRESH_TOKEN_AUTH')) throw new CognitoError('InvalidParameterException', 'REFRESH_TOKEN_AUTH flow not enabled for this client');
      required(params, 'REFRESH_TOKEN');
      return tokens(accounts.refresh(params.REFRESH_TOKEN));
    }
    if (body.AuthFlow !== 'USER_PASSWORD_AUTH') {
      throw new CognitoError('InvalidParameterException', `The twin supports AuthFlow USER_PASSWORD_AUTH and REFRESH_TOKEN_AUTH only (got ${String(body.AuthFlow)}).`);
    }
    if (!allows('USER_PASSWORD_AUTH')) throw new CognitoError('InvalidParameterException', 'USER_PASSWORD_AUTH flow not enabled for this client');
    required(params, 'USERNAME', 'PASSWORD');
    const result = accounts.signIn(params.USERNAME, params.PASSWORD);
    if (result.kind === 'tokens') return tokens(result.auth);
    return {
      ChallengeName: 'NEW_PASSWORD_REQUIRED',
      Session: result.session,
      ChallengeParameters: { USER_ID_FOR_SRP: result.username, requiredAttributes: '[]', userAttributes: '{}' },
    };
  };

  const respondToAuthChallenge = async (body: Record<string, unknown>) => {
    checkClient(body);
    if (body.ChallengeName !== 'NEW_PASSWORD_REQUIRED') {
      throw new CognitoError('InvalidParameterException', `The twin answers the NEW_PASSWORD_REQUIRED challenge only (got ${String(body.ChallengeName)}).`);
    }
    const answers = (body.ChallengeResponses ?? {}) as Record<string, unknown>;
    required(answers, 'USERNAME', 'NEW_PASSWORD');
    return tokens(accounts.completeNewPassword(body.Session, answers.USERNAME, answers.NEW_PASSWORD));
  };

  const globalSignOut = async (body: Record<string, unknown>) => {
    let username: string;
    try {
      const { payload } = await jwtVerify(String(body.AccessToken), await importJWK(key.publicJwk, ALG), {
        issuer: url,
        currentDate: new Date(wallClockNow()),
      });
      if (payload.token_use !== 'access') throw new Error('not an access token');
      username = String(payload.username);
    } catch {
      throw new CognitoError('NotAuthorizedException', 'Invalid Access Token');
    }
    return accounts.signOutEverywhere(username);
  };

  const operations: Record<string, (body: Record<string, unknown>) => Promise<unknown>> = {
    InitiateAuth: initiateAuth,
    RespondToAuthChallenge: respondToAuthChallenge,
    GlobalSignOut: globalSignOut,
    async ForgotPassword(body) {
      checkClient(body);
      required(body, 'Username');
      return accounts.forgotPassword(body.Username);
    },
    async ConfirmForgotPassword(body) {
      checkClient(body);
      required(body, 'Username', 'ConfirmationCode', 'Password');
      return accounts.confirmForgotPassword(body.Username, body.ConfirmationCode, body.Password);
    },
  };

  // Cognito's endpoint answers browsers from any origin: the portal calls it directly.
  const cors = { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'x-amzn-requestid,x-amzn-errortype,x-amzn-errormessage' };
  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...cors, ...headers });
    res.end(JSON.stringify(body));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'OPTIONS') {
      res.writeHead(200, {
        ...cors,
        'access-control-allow-methods': 'POST',
        'access-control-allow-headers': String(req.headers['access-control-request-headers'] ?? 'content-type,x-amz-target'),
        'access-control-max-age': '600',
      });
      return res.end();
    }
    if (req.method === 'GET' && path === `/${opts.poolId}/.well-known/jwks.json`) return send(res, 200, jwks);
    if (req.method === 'GET' && path === `/${opts.poolId}/.well-known/openid-configuration`) {
      return send(res, 200, {
        issuer: url,
        jwks_uri: `${url}/.well-known/jwks.json`,
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: [ALG],
        response_types_supported: ['code', 'token'],
        scopes_supported: ['openid', 'email', 'phone', 'profile'],
      });
    }
    if (req.method === 'POST' && path === '/') {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const amzJson = { 'content-type': 'application/x-amz-json-1.1' };
      const fail = (e: CognitoError) =>
        send(res, 400, { __type: e.type, message: e.message }, { ...amzJson, 'x-amzn-errortype': `${e.type}:`, 'x-amzn-requestid': randomUUID() });
      const target = String(req.headers['x-amz-target'] ?? '');
      const operation = target.startsWith(TARGET_PREFIX) ? operations[target.slice(TARGET_PREFIX.length)] : undefined;
      if (!operation) {
        return fail(new CognitoError('UnknownOperationException', `The twin's user pool serves ${Object.keys(operations).join(', ')} only (got ${target}).`));
      }
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        return fail(new CognitoError('SerializationException', 'The request body is not JSON.'));
      }
      try {
        return send(res, 200, await operation(body), { ...amzJson, 'x-amzn-requestid': randomUUID() });
      } catch (error) {
        if (error instanceof CognitoError) return fail(error);
        throw error;
      }
    }
    send(res, 404, { message: 'Not Found' });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      if (!res.headersSent) send(res, 500, { __type: 'InternalErrorException', message: error.message });
      else res.destroy(error);
    });
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      const address = server.address();
      resolve(address && typeof address === 'object' ? address.port : 0);
    });
  });
  const endpoint = `http://127.0.0.1:${port}`;
  url = `${endpoint}/${opts.poolId}`;

  return {
    endpoint,
    url,
    port,
    poolId: opts.poolId,
    clientId: opts.clientId,
    password,
    users,
    jwks: () => structuredClone(jwks),
    async tokenFor(username, o) {
      const user = byName.get(username);
      if (!user) throw new Error(`no user ${username} in the twin's user pool (users: ${users.map((u) => u.username).join(', ')})`);
      return sign(user, o);
    },
    lastResetCode: (username) => accounts.lastResetCode(username),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The issuer URL Cognito gives a pool, and what the twin's authorizer config resolves to before mapping. */
export const cognitoIssuerUrl = (region: string, poolId: string) => `https://cognito-idp.${region}.amazonaws.com/${poolId}`;
