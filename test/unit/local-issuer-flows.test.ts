/**
 * The calls the portal makes to the user pool, made with AWS's own Cognito client (the portal's) against
 * the twin's issuer: password sign-in with a refresh token, silent refresh, the first sign-in's
 * NEW_PASSWORD_REQUIRED challenge with the pool's password policy, a forgotten password reset with the
 * code, and GlobalSignOut revoking the refresh token. Also CORS, since a browser calls it from the portal.
 */
import {
  CognitoIdentityProviderClient,
  ConfirmForgotPasswordCommand,
  ForgotPasswordCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIssuer, type LocalIssuer } from '../../local/api/issuer';
import { LOCAL_PASSWORD } from '../../local/api/users';

const CLIENT = 'portalclient';
const TEMPORARY = 'Temp-Pass-2026!';
const POLICY = { minimumLength: 12, requireLowercase: true, requireUppercase: true, requireNumbers: true, requireSymbols: true };

describe("the twin's user pool, through the AWS SDK's Cognito client", () => {
  let issuer: LocalIssuer;
  let cognito: CognitoIdentityProviderClient;
  const passwordSignIn = (username: string, password: string) =>
    cognito.send(new InitiateAuthCommand({ ClientId: CLIENT, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: password } }));
  const refresh = (token: string) =>
    cognito.send(new InitiateAuthCommand({ ClientId: CLIENT, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: token } }));

  beforeAll(async () => {
    issuer = await startIssuer({
      poolId: 'us-east-1_FlowsTest',
      clientId: CLIENT,
      clientAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      passwordPolicy: POLICY,
      users: [
        { username: 'yanping', groups: ['unit-yanping'], email: 'yanping-office@example.cn' },
        { username: 'jianyang', groups: ['unit-jianyang'], temporaryPassword: TEMPORARY },
      ],
      onResetCode: () => {},
    });
    // No credentials: these operations are unsigned, as the portal calls them from a browser.
    cognito = new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint: issuer.endpoint });
  });
  afterAll(async () => {
    cognito.destroy();
    await issuer.close();
  });

  it('signs in with a password, gives a refresh token, and refreshes to a new access token for the same user', async () => {
    const first = await passwordSignIn('yanping', LOCAL_PASSWORD);
    const refreshToken = first.AuthenticationResult!.RefreshToken!;
    expect(refreshToken).toBeTruthy();
    const again = await refresh(refreshToken);
    expect(again.AuthenticationResult!.RefreshToken).toBeUndefined();
    expect(decodeJwt(again.AuthenticationResult!.AccessToken!)).toMatchObject({ username: 'yanping', token_use: 'access', 'cognito:groups': ['unit-yanping'] });
    await expect(refresh('not-a-token')).rejects.toMatchObject({ name: 'NotAuthorizedException' });
  });

  it('makes an admin-created user set a new password that meets the policy at first sign-in', async () => {
    const challenged = await passwordSignIn('jianyang', TEMPORARY);
    expect(challenged).toMatchObject({ ChallengeName: 'NEW_PASSWORD_REQUIRED' });
    expect(challenged.AuthenticationResult).toBeUndefined();
    const answer = (password: string) =>
      cognito.send(new RespondToAuthChallengeCommand({
        ClientId: CLIENT, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: challenged.Session,
        ChallengeResponses: { USERNAME: 'jianyang', NEW_PASSWORD: password },
      }));
    await expect(answer('short1!A')).rejects.toMatchObject({ name: 'InvalidPasswordException' });
    const done = await answer('Jianyang-New-2026!');
    expect(decodeJwt(done.AuthenticationResult!.AccessToken!)).toMatchObject({ username: 'jianyang' });
    await expect(passwordSignIn('jianyang', TEMPORARY)).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    expect((await passwordSignIn('jianyang', 'Jianyang-New-2026!')).AuthenticationResult?.AccessToken).toBeTruthy();
  });

  it('resets a forgotten password with the code, which signs the user out everywhere', async () => {
    const before = await passwordSignIn('yanping', LOCAL_PASSWORD);
    const sent = await cognito.send(new ForgotPasswordCommand({ ClientId: CLIENT, Username: 'yanping' }));
    expect(sent.CodeDeliveryDetails).toMatchObject({ DeliveryMedium: 'EMAIL' });
    const code = issuer.lastResetCode('yanping')!;
    const confirm = (c: string) => cognito.send(new ConfirmForgotPasswordCommand({ ClientId: CLIENT, Username: 'yanping', ConfirmationCode: c, Password: 'Yanping-Reset-2026!' }));
    await expect(confirm(code === '000000' ? '111111' : '000000')).rejects.toMatchObject({ name: 'CodeMismatchException' });
    await confirm(code);
    await expect(refresh(before.AuthenticationResult!.RefreshToken!)).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    await expect(passwordSignIn('yanping', LOCAL_PASSWORD)).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    expect((await passwordSignIn('yanping', 'Yanping-Reset-2026!')).AuthenticationResult?.AccessToken).toBeTruthy();
  });

  it('revokes the refresh tokens on GlobalSignOut', async () => {
    const signedIn = await passwordSignIn('yanping', 'Yanping-Reset-2026!');
    await cognito.send(new GlobalSignOutCommand({ AccessToken: signedIn.AuthenticationResult!.AccessToken! }));
    await expect(refresh(signedIn.AuthenticationResult!.RefreshToken!)).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    await expect(cognito.send(new GlobalSignOutCommand({ AccessToken: 'not-a-jwt' }))).rejects.toMatchObject({ name: 'NotAuthorizedException' });
  });

  it('answers a browser preflight from any origin, as Cognito does', async () => {
    const res = await fetch(issuer.endpoint, {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-amz-target' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')).toContain('x-amz-target');
  });
});
