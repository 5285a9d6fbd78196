/**
 * Sign-in against the Cognito user pool with AWS's own client (no hand-written protocol): password sign-in
 * (USER_PASSWORD_AUTH, allowed on the portal's app client), the first sign-in's NEW_PASSWORD_REQUIRED
 * challenge, forgotten password, silent refresh (REFRESH_TOKEN_AUTH) and sign-out (GlobalSignOut).
 *
 * Tokens are kept in sessionStorage: county offices share desk computers, so closing the browser signs out.
 */
import type { AuthenticationResultType, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { config } from '../config';
import { currentLang, type Lang } from '../i18n';

const KEY = 'portal.session';
/** Refresh this long before the access token runs out, so no request goes out with a token about to expire. */
const REFRESH_MARGIN_MS = 5 * 60_000;

export interface Session {
  username: string;
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
}

export type SignInOutcome = { kind: 'signed-in'; session: Session } | { kind: 'new-password'; username: string; challengeSession: string };

/**
 * AWS's Cognito client is most of the sign-in code's weight (about 140 KB gzipped), and a signed-in page
 * needs it only to refresh its token (once an hour) or to sign out: it is fetched on first use, so the
 * pages open without it.
 */
const sdk = () => import('@aws-sdk/client-cognito-identity-provider');
let client: Promise<CognitoIdentityProviderClient> | undefined;
const cognito = () => {
  const c = config();
  // Unauthenticated operations: the SDK signs nothing, so no AWS credentials are needed in the browser.
  client ??= sdk()
    .then((m) => new m.CognitoIdentityProviderClient({ region: c.region, endpoint: c.cognitoEndpoint }))
    .catch((error: unknown) => {
      client = undefined; // a chunk that failed to arrive is fetched again on the next try
      throw error;
    });
  return client;
};

export function currentSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    // Storage a browser cannot read, or not this portal's: signed out, not a broken page.
    return null;
  }
}

/**
 * Counts sign-ins and sign-outs: a refresh that was in flight when the user signed out (or another user
 * signed in on this tab) must not write its tokens back. Each write names the generation it started in.
 */
let generation = 0;

function keep(username: string, result: AuthenticationResultType | undefined, refreshToken?: string, startedIn = generation): Session {
  if (!result?.AccessToken || !result.ExpiresIn) {
    throw new Error(currentLang() === 'en' ? 'the user pool returned no tokens' : '用户池未返回令牌');
  }
  const session = {
    username,
    accessToken: result.AccessToken,
    refreshToken: result.RefreshToken ?? refreshToken ?? '',
    expiresAt: Date.now() + result.ExpiresIn * 1000,
  };
  if (startedIn === generation) sessionStorage.setItem(KEY, JSON.stringify(session));
  return session;
}

/** Told when the session ends without the user asking (the user pool refused the refresh, the API a token). */
const endedListeners = new Set<() => void>();
export function onSessionEnded(listener: () => void): () => void {
  endedListeners.add(listener);
  return () => {
    endedListeners.delete(listener);
  };
}

/** The API answered 401: the token is no good any more; back to the sign-in page. */
export function sessionRefused(): void {
  if (!currentSession()) return;
  generation++;
  sessionStorage.removeItem(KEY);
  for (const l of endedListeners) l();
}

export async function signIn(username: string, password: string): Promise<SignInOutcome> {
  const c = config();
  const { InitiateAuthCommand } = await sdk();
  const out = await (await cognito()).send(
    new InitiateAuthCommand({ ClientId: c.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: password } }),
  );
  if (out.ChallengeName === 'NEW_PASSWORD_REQUIRED') return { kind: 'new-password', username, challengeSession: out.Session ?? '' };
  if (out.ChallengeName) {
    const step = out.ChallengeName;
    throw new Error(currentLang() === 'en' ? `a sign-in step the portal does not take: ${step}` : `暂不支持的登录步骤：${step}`);
  }
  generation++;
  return { kind: 'signed-in', session: keep(username, out.AuthenticationResult) };
}

export async function setNewPassword(username: string, challengeSession: string, newPassword: string): Promise<Session> {
  const { RespondToAuthChallengeCommand } = await sdk();
  const out = await (await cognito()).send(
    new RespondToAuthChallengeCommand({
      ClientId: config().clientId,
      ChallengeName: 'NEW_PASSWORD_REQUIRED',
      Session: challengeSession,
      ChallengeResponses: { USERNAME: username, NEW_PASSWORD: newPassword },
    }),
  );
  generation++;
  return keep(username, out.AuthenticationResult);
}

export async function forgotPassword(username: string): Promise<string> {
  const { ForgotPasswordCommand } = await sdk();
  const out = await (await cognito()).send(new ForgotPasswordCommand({ ClientId: config().clientId, Username: username }));
  return out.CodeDeliveryDetails?.Destination ?? '';
}

export async function confirmForgotPassword(username: string, code: string, password: string): Promise<void> {
  const { ConfirmForgotPasswordCommand } = await sdk();
  await (await cognito()).send(new ConfirmForgotPasswordCommand({ ClientId: config().clientId, Username: username, ConfirmationCode: code, Password: password }));
}

let refreshing: Promise<Session | null> | undefined;

/**
 * A valid access token, refreshed silently when it is near its end; null when the user must sign in again.
 * Only the user pool's refusal (NotAuthorizedException: the refresh token expired or was revoked) ends the
 * session; a network failure or a throttled refresh keeps it, and the current token serves while it lasts.
 */
export async function accessToken(force = false): Promise<string | null> {
  const s = currentSession();
  if (!s) return null;
  if (!force && s.expiresAt - Date.now() > REFRESH_MARGIN_MS) return s.accessToken;
  const startedIn = generation;
  // One refresh at a time: a page firing several requests at once must not spend the refresh token twice.
  refreshing ??= Promise.all([sdk(), cognito()])
    .then(([{ InitiateAuthCommand }, c]) =>
      c.send(new InitiateAuthCommand({ ClientId: config().clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: s.refreshToken } })),
    )
    .then((out) => keep(s.username, out.AuthenticationResult, s.refreshToken, startedIn))
    .catch((error: unknown) => {
      if ((error as { name?: string }).name === 'NotAuthorizedException' && startedIn === generation) {
        sessionRefused();
        return null;
      }
      return s.expiresAt > Date.now() ? s : null;
    })
    .finally(() => (refreshing = undefined));
  return (await refreshing)?.accessToken ?? null;
}

/**
 * Signs out here at once (the session leaves this browser, a refresh in flight cannot bring it back), then
 * revokes the refresh token everywhere in the background: signing out never waits on, or fails with, the
 * network.
 */
export async function signOut(): Promise<void> {
  const s = currentSession();
  generation++;
  sessionStorage.removeItem(KEY);
  if (s) {
    void Promise.all([sdk(), cognito()])
      .then(([{ GlobalSignOutCommand }, c]) => c.send(new GlobalSignOutCommand({ AccessToken: s.accessToken })))
      .catch(() => undefined);
  }
}

/** Cognito's error types in the words a clerk reads, in the language given. */
export function authErrorText(error: unknown, lang: Lang): string {
  const name = (error as { name?: string }).name ?? '';
  const message = (error as { message?: string }).message ?? String(error);
  const words: Record<string, Record<Lang, string>> = {
    NotAuthorizedException: { zh: '用户名或密码不正确', en: 'Incorrect user name or password' },
    InvalidPasswordException: {
      zh: `新密码不符合用户池的密码规则：${message}`,
      en: `The new password does not meet the password rules: ${message}`,
    },
    CodeMismatchException: { zh: '验证码不正确，请核对后重试', en: 'Incorrect verification code: check it and try again' },
    ExpiredCodeException: { zh: '验证码已过期，请重新获取', en: 'The verification code has expired: ask for a new one' },
    LimitExceededException: { zh: '尝试次数过多，请稍后再试', en: 'Too many attempts: try again later' },
    PasswordResetRequiredException: {
      zh: '需要重置密码，请点击“忘记密码”',
      en: 'Your password must be reset: choose "Forgot password"',
    },
    UserNotConfirmedException: {
      zh: '账号尚未确认，请联系本级打传办',
      en: 'This account is not confirmed yet: contact the office that runs the campaign (打传办)',
    },
  };
  return words[name]?.[lang] ?? (lang === 'en' ? `Sign-in service error: ${message}` : `登录服务出错：${message}`);
}
