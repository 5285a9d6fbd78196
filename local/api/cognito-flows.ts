/**
 * The user pool calls a person makes from the portal, as the twin's issuer answers them over Cognito's JSON
 * protocol: InitiateAuth (USER_PASSWORD_AUTH, REFRESH_TOKEN_AUTH / REFRESH_TOKEN), RespondToAuthChallenge
 * (NEW_PASSWORD_REQUIRED), ForgotPassword / ConfirmForgotPassword and GlobalSignOut. Same request and
 * answer shapes and the same error types as Cognito, so the portal runs the AWS SDK's Cognito client
 * against either unchanged. Accounts live in memory: a restart of the twin gives every user back the
 * seeded password, as `npm start -- --reset` would on a real pool.
 *
 * What the twin leaves out: SRP (the portal uses USER_PASSWORD_AUTH, which the app client allows), MFA,
 * and email delivery of the reset code (the twin prints it, and `lastResetCode` gives it to tests).
 */
import { randomInt, randomUUID } from 'node:crypto';
import { wallClockNow } from '../clock';

export class CognitoError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/** The pool's password policy as the template states it (AWS::Cognito::UserPool Policies.PasswordPolicy). */
export interface PasswordPolicy {
  minimumLength: number;
  requireLowercase: boolean;
  requireUppercase: boolean;
  requireNumbers: boolean;
  requireSymbols: boolean;
}

export const COGNITO_DEFAULT_POLICY: PasswordPolicy = { minimumLength: 8, requireLowercase: true, requireUppercase: true, requireNumbers: true, requireSymbols: true };

export interface AccountSeed {
  username: string;
  password: string;
  /** Admin-created with a temporary password: the first sign-in must set a new one (NEW_PASSWORD_REQUIRED). */
  temporary?: boolean;
  email?: string;
}

/** Cognito's challenge session and reset code lifetimes. */
const SESSION_MS = 3 * 60_000;
const RESET_CODE_MS = 60 * 60_000;

export interface Authenticated {
  username: string;
  /** Set when the flow issues a refresh token (password sign-in, a completed challenge); not on refresh. */
  refreshToken?: string;
}

export type SignInResult = { kind: 'tokens'; auth: Authenticated } | { kind: 'challenge'; session: string; username: string };

export function createAccounts(seeds: AccountSeed[], policy: PasswordPolicy, onResetCode: (username: string, email: string | undefined, code: string) => void) {
  const accounts = new Map(seeds.map((s) => [s.username, { ...s, temporary: s.temporary ?? false }]));
  const sessions = new Map<string, { username: string; expires: number }>();
  const refreshTokens = new Map<string, string>();
  const resetCodes = new Map<string, { code: string; expires: number }>();
  // Cognito prevents user-existence errors on this client: an unknown user reads like a wrong password.
  const notAuthorized = () => new CognitoError('NotAuthorizedException', 'Incorrect username or password.');

  const checkPolicy = (password: unknown): string => {
    if (typeof password !== 'string') throw new CognitoError('InvalidParameterException', 'Missing required parameter NEW_PASSWORD');
    const broken = [
      password.length < policy.minimumLength && `Password not long enough (at least ${policy.minimumLength} characters)`,
      policy.requireLowercase && !/[a-z]/.test(password) && 'Password must have lowercase characters',
      policy.requireUppercase && !/[A-Z]/.test(password) && 'Password must have uppercase characters',
      policy.requireNumbers && !/[0-9]/.test(password) && 'Password must have numeric characters',
      policy.requireSymbols && !/[\^$*.[\]{}()?"!@#%&/\\,><':;|_~`=+\-]/.test(password) && 'Password must have symbol characters',
    ].filter(Boolean);
    if (broken.length) throw new CognitoError('InvalidPasswordException', `Password does not conform to policy: ${broken[0]}`);
    return password;
  };

  const issueRefresh = (username: string) => {
    const token = `twin-refresh.${randomUUID()}`;
    refreshTokens.set(token, username);
    return token;
  };

  return {
    signIn(username: unknown, password: unknown): SignInResult {
      const account = accounts.get(String(username));
      if (!account || password !== account.password) throw notAuthorized();
      if (account.temporary) {
        const session = randomUUID();
        sessions.set(session, { username: account.username, expires: wallClockNow() + SESSION_MS });
        return { kind: 'challenge', session, username: account.username };
      }
      return { kind: 'tokens', auth: { username: account.username, refreshToken: issueRefresh(account.username) } };
    },

    refresh(token: unknown): Authenticated {
      const username = refreshTokens.get(String(token));
      if (!username) throw new CognitoError('NotAuthorizedException', 'Invalid Refresh Token');
      return { username };
    },

    completeNewPassword(session: unknown, username: unknown, newPassword: unknown): Authenticated {
      const s = sessions.get(String(session));
      if (!s || s.expires < wallClockNow() || s.username !== username) {
        throw new CognitoError('NotAuthorizedException', 'Invalid session for the user, session is expired.');
      }
      const account = accounts.get(s.username)!;
      account.password = checkPolicy(newPassword);
      account.temporary = false;
      sessions.delete(String(session));
      return { username: account.username, refreshToken: issueRefresh(account.username) };
    },

    forgotPassword(username: unknown) {
      const account = accounts.get(String(username));
      // Cognito answers the same delivery details for an unknown user on a client preventing existence errors.
      const destination = account?.email ? account.email.replace(/^(.).*@/, '$1***@') : 'u***@e***';
      if (account) {
        const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
        resetCodes.set(account.username, { code, expires: wallClockNow() + RESET_CODE_MS });
        onResetCode(account.username, account.email, code);
      }
      return { CodeDeliveryDetails: { Destination: destination, DeliveryMedium: 'EMAIL', AttributeName: 'email' } };
    },

    confirmForgotPassword(username: unknown, code: unknown, password: unknown) {
      const account = accounts.get(String(username));
      const sent = account && resetCodes.get(account.username);
      if (!account || !sent || sent.code !== code) throw new CognitoError('CodeMismatchException', 'Invalid verification code provided, please try again.');
      if (sent.expires < wallClockNow()) throw new CognitoError('ExpiredCodeException', 'Invalid code provided, please request a code again.');
      account.password = checkPolicy(password);
      account.temporary = false;
      resetCodes.delete(account.username);
      // A reset signs the user out everywhere, as on Cognito.
      for (const [t, u] of refreshTokens) if (u === account.username) refreshTokens.delete(t);
      return {};
    },

    /** Revokes every refresh token of the user; issued access tokens run out on their own, as on Cognito. */
    signOutEverywhere(username: string) {
      for (const [t, u] of refreshTokens) if (u === username) refreshTokens.delete(t);
      return {};
    },

    lastResetCode: (username: string) => resetCodes.get(username)?.code,
  };
}

export type Accounts = ReturnType<typeof createAccounts>;
