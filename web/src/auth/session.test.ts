/**
 * The portal's session (web/src/auth/session.ts) in Node: AWS's Cognito client replaced by one whose answers
 * the test holds back and releases, the browser's sessionStorage by a map. What a clerk on a shared desk PC
 * must be able to count on: signing out stays signed out, a network hiccup does not sign anyone out, and the
 * user pool's refusal does.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';

const pending: Array<{ input: Record<string, unknown>; resolve(v: unknown): void; reject(e: unknown): void }> = [];
vi.mock('@aws-sdk/client-cognito-identity-provider', () => {
  class Command {
    constructor(readonly input: Record<string, unknown>) {}
  }
  return {
    CognitoIdentityProviderClient: class {
      send(command: Command) {
        return new Promise((resolve, reject) => pending.push({ input: command.input, resolve, reject }));
      }
    },
    InitiateAuthCommand: class extends Command {},
    GlobalSignOutCommand: class extends Command {},
    RespondToAuthChallengeCommand: class extends Command {},
    ForgotPasswordCommand: class extends Command {},
    ConfirmForgotPasswordCommand: class extends Command {},
  };
});
vi.mock('../i18n', () => ({ currentLang: () => 'zh' }));
vi.mock('../config', () => ({ config: () => ({ apiUrl: 'http://api', region: 'cn-north-1', userPoolId: 'p', clientId: 'c' }) }));

const store = new Map<string, string>();
vi.stubGlobal('sessionStorage', {
  getItem: (k: string) => store.get(k) ?? null,
  setItem: (k: string, v: string) => void store.set(k, v),
  removeItem: (k: string) => void store.delete(k),
});

const session = await import('./session');
const tokens = (access: string) => ({ AuthenticationResult: { AccessToken: access, RefreshToken: `r-${access}`, ExpiresIn: 3600 } });
/** Lets the lazily imported client and the queued sends reach `pending`. */
const settle = () => new Promise((r) => setTimeout(r, 0));

async function signedIn(access = 'a1'): Promise<void> {
  const p = session.signIn('yanping', 'pw');
  await settle();
  pending.shift()!.resolve(tokens(access));
  await p;
}

/** Signed in with a token about to run out, so the next request refreshes it. */
async function nearExpiry(): Promise<void> {
  await signedIn('old');
  const s = session.currentSession()!;
  sessionStorage.setItem('portal.session', JSON.stringify({ ...s, expiresAt: Date.now() + 60_000 }));
}

describe("the portal's session", () => {
  beforeEach(() => {
    store.clear();
    pending.length = 0;
  });

  it('a refresh in flight when the user signs out does not sign them back in', async () => {
    await nearExpiry();
    const token = session.accessToken();
    await settle();
    expect(pending[0].input.AuthFlow).toBe('REFRESH_TOKEN_AUTH');
    await session.signOut();
    expect(session.currentSession()).toBeNull();
    pending.shift()!.resolve(tokens('fresh'));
    await token;
    expect(session.currentSession()).toBeNull();
  });

  it('a refresh that fails on the network keeps the session and serves the token still valid', async () => {
    await nearExpiry();
    const token = session.accessToken();
    await settle();
    pending.shift()!.reject(Object.assign(new Error('Failed to fetch'), { name: 'TypeError' }));
    expect(await token).toBe('old');
    expect(session.currentSession()?.accessToken).toBe('old');
  });

  it("the user pool's refusal of the refresh ends the session and tells the page", async () => {
    await nearExpiry();
    const ended = vi.fn();
    const stop = session.onSessionEnded(ended);
    const token = session.accessToken();
    await settle();
    pending.shift()!.reject(Object.assign(new Error('Refresh Token has expired'), { name: 'NotAuthorizedException' }));
    expect(await token).toBeNull();
    expect(session.currentSession()).toBeNull();
    expect(ended).toHaveBeenCalledOnce();
    stop();
  });

  it('signing out does not wait for the network, and unreadable storage reads as signed out', async () => {
    await signedIn();
    await session.signOut(); // resolves with GlobalSignOut still unanswered
    await settle();
    expect(pending.map((p) => Object.keys(p.input))).toEqual([['AccessToken']]);
    expect(session.currentSession()).toBeNull();
    sessionStorage.setItem('portal.session', '{not json');
    expect(session.currentSession()).toBeNull();
  });
});
