/**
 * `npm run token -- --user <name>`: signs in with Cognito's InitiateAuth (USER_PASSWORD_AUTH) over plain
 * HTTP and prints only the access token, so `TOKEN=$(npm run -s token -- --user yanping)` works.
 *
 *   npm run token -- --user city                     the running twin (its data dir's api.json), local password
 *   npm run token -- --user yanping --id-token       the ID token instead (the API refuses it: for trying that)
 *   npm run token -- --user u --password P --endpoint https://cognito-idp.REGION.amazonaws.com/ --client-id X
 *                                                    the same call against a real user pool
 *
 * Errors go to stderr, zh-CN first then English, and the exit code is 1.
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readApiInfo } from './api/info';
import { LOCAL_PASSWORD } from './api/users';

const REPO_ROOT = resolve(import.meta.dirname, '..');

function fail(zh: string, en: string): never {
  process.stderr.write(`${zh}\n${en}\n`);
  process.exit(1);
}

let values: { user?: string; password?: string; 'id-token'?: boolean; endpoint?: string; 'client-id'?: string; 'data-dir'?: string };
try {
  ({ values } = parseArgs({
    options: {
      user: { type: 'string', short: 'u' },
      password: { type: 'string', short: 'p' },
      'id-token': { type: 'boolean', default: false },
      endpoint: { type: 'string' },
      'client-id': { type: 'string' },
      'data-dir': { type: 'string', default: join(REPO_ROOT, '.twin') },
    },
  }));
} catch (error) {
  fail(`参数有误：${(error as Error).message}`, `Bad arguments: ${(error as Error).message}`);
}

const usage = 'npm run token -- --user <name> [--password P] [--id-token] [--endpoint URL --client-id ID] [--data-dir DIR]';
if (!values.user) fail(`请用 --user 指定用户。用法：${usage}`, `Name the user with --user. Usage: ${usage}`);

const info = values.endpoint && values['client-id'] ? undefined : await readApiInfo(values['data-dir']!);
const endpoint = values.endpoint ?? info?.cognitoEndpoint;
const clientId = values['client-id'] ?? info?.clientId;
if (!endpoint || !clientId) {
  const file = join(values['data-dir']!, 'api.json');
  fail(
    `找不到本地孪生环境的接口信息（${file}）：请先在另一个终端运行 npm start，或同时给出 --endpoint 与 --client-id。`,
    `No API information from the local twin (${file}): run npm start in another terminal first, or give both --endpoint and --client-id.`,
  );
}
// The local password only for the local twin; a real pool needs the user's own.
const password = values.password ?? (info ? LOCAL_PASSWORD : undefined);
if (!password) fail('请用 --password 给出该用户的密码。', "Give the user's password with --password.");

let res: Response;
try {
  res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth' },
    body: JSON.stringify({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: values.user, PASSWORD: password } }),
    signal: AbortSignal.timeout(10_000),
  });
} catch (error) {
  const cause = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message;
  fail(
    `无法连接 ${endpoint}（${cause}）：本地孪生环境是否正在运行（npm start）？`,
    `Cannot reach ${endpoint} (${cause}): is the local twin running (npm start)?`,
  );
}

const body = (await res.json().catch(() => ({}))) as {
  __type?: string;
  message?: string;
  AuthenticationResult?: { AccessToken?: string; IdToken?: string };
  ChallengeName?: string;
};
if (!res.ok) {
  const type = (body.__type ?? `HTTP ${res.status}`).split('#').pop()!;
  const known = info ? `（本地用户 / local users: ${info.users.join(', ')}）` : '';
  if (type === 'NotAuthorizedException') {
    fail(`用户名或密码不正确：${values.user}${known}`, `Incorrect username or password for ${values.user}.`);
  }
  fail(`登录失败：${type}：${body.message ?? ''}`, `Sign-in failed: ${type}: ${body.message ?? ''}`);
}
if (body.ChallengeName) {
  fail(
    `该用户需要先完成 ${body.ChallengeName}（例如首次登录修改密码），本命令不处理。`,
    `The user must first answer the ${body.ChallengeName} challenge (e.g. set a new password on first sign-in); this command does not.`,
  );
}
const token = values['id-token'] ? body.AuthenticationResult?.IdToken : body.AuthenticationResult?.AccessToken;
if (!token) fail('返回结果中没有令牌。', 'The answer holds no token.');
process.stdout.write(`${token}\n`);
