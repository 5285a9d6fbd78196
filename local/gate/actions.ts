/**
 * What a request asks IAM for: the action(s) and resource ARN(s) AWS authorises it against, per the
 * Service Authorization Reference, for the protocols the twin's stand-ins speak. A request may need
 * several grants (a transaction: one per item; a copy: read the source and write the target; an email
 * sent through a configuration set: the identity and the set). `undefined` means an operation the twin
 * does not serve: the gate answers it with the service's unknown-operation error at once.
 */
import type { ContextValue } from './policy';

export interface Access {
  action: string;
  resource: string;
  context?: Record<string, ContextValue>;
}

export interface ArnScope {
  region: string;
  accountId: string;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});

// ---- DynamoDB (AWS JSON 1.0, X-Amz-Target: DynamoDB_20120810.<Op>) ----------------------------------
const DYNAMODB_TABLE_OPS = new Set([
  'GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan', 'DescribeTable', 'CreateTable', 'DeleteTable',
  'UpdateTable', 'DescribeTimeToLive', 'UpdateTimeToLive', 'DescribeContinuousBackups',
]);
const DYNAMODB_ACCOUNT_OPS = new Set(['ListTables', 'DescribeLimits', 'DescribeEndpoints']);
const TRANSACT_ACTIONS: Record<string, string> = { Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'ConditionCheckItem', Get: 'GetItem' };

export function dynamodbAccesses(op: string, body: Json, scope: ArnScope): Access[] | undefined {
  const table = (name: unknown) => `arn:aws:dynamodb:${scope.region}:${scope.accountId}:table/${String(name)}`;
  if (DYNAMODB_TABLE_OPS.has(op)) {
    const resource = body.IndexName ? `${table(body.TableName)}/index/${String(body.IndexName)}` : table(body.TableName);
    return [{ action: `dynamodb:${op}`, resource }];
  }
  if (DYNAMODB_ACCOUNT_OPS.has(op)) return [{ action: `dynamodb:${op}`, resource: '*' }];
  if (op === 'BatchGetItem' || op === 'BatchWriteItem') {
    return Object.keys(obj(body.RequestItems)).map((name) => ({ action: `dynamodb:${op}`, resource: table(name) }));
  }
  if (op === 'TransactWriteItems' || op === 'TransactGetItems') {
    const items = Array.isArray(body.TransactItems) ? body.TransactItems : [];
    return items.flatMap((item) =>
      Object.entries(obj(item)).map(([kind, spec]) => ({
        action: `dynamodb:${TRANSACT_ACTIONS[kind] ?? kind}`,
        resource: table(obj(spec).TableName),
      })),
    );
  }
  if (op === 'ExecuteStatement' || op === 'BatchExecuteStatement' || op === 'ExecuteTransaction') {
    const statements = op === 'ExecuteStatement' ? [body] : ((body.Statements ?? body.TransactStatements) as Json[] | undefined) ?? [];
    return statements.map((s) => {
      const text = String(obj(s).Statement ?? '');
      const verb = /^\s*(\w+)/.exec(text)?.[1]?.toUpperCase() ?? 'SELECT';
      const name = /(?:FROM|INTO|UPDATE)\s+"?([\w.-]+)"?/i.exec(text)?.[1] ?? '*';
      const action = { SELECT: 'PartiQLSelect', INSERT: 'PartiQLInsert', UPDATE: 'PartiQLUpdate', DELETE: 'PartiQLDelete' }[verb] ?? 'PartiQLSelect';
      return { action: `dynamodb:${action}`, resource: table(name) };
    });
  }
  return undefined;
}

// ---- Step Functions (AWS JSON 1.0, X-Amz-Target: AWSStepFunctions.<Op>) ------------------------------
/** `...:execution:<machine>:<name>` -> `...:stateMachine:<machine>`. */
export const stateMachineOfExecution = (executionArn: string) => executionArn.replace(/:execution:([^:]+):[^:]+$/, ':stateMachine:$1');

export function sfnAccesses(op: string, body: Json, executionOfToken: (token: string) => string | undefined): Access[] | undefined {
  const act = (resource: unknown) => [{ action: `states:${op}`, resource: String(resource ?? '*') }];
  switch (op) {
    case 'StartExecution':
    case 'ListExecutions':
    case 'DescribeStateMachine':
      return act(body.stateMachineArn);
    case 'DescribeExecution':
    case 'StopExecution':
    case 'GetExecutionHistory':
      return act(body.executionArn);
    case 'ListStateMachines':
      return act('*');
    case 'SendTaskSuccess':
    case 'SendTaskFailure':
    case 'SendTaskHeartbeat': {
      // Authorised against the state machine whose execution issued the token. A token the engine does not
      // know is refused by the engine itself (InvalidToken / TaskTimedOut), as AWS does.
      const execution = executionOfToken(String(body.taskToken ?? ''));
      return execution ? act(stateMachineOfExecution(execution)) : [];
    }
    default:
      return undefined;
  }
}

// ---- SES v1 (query protocol: form-encoded Action=...) ------------------------------------------------
export interface SesMessage {
  action: 'SendEmail' | 'SendRawEmail';
  source: string;
  recipients: string[];
  configurationSet: string | undefined;
}

/** The bare address of `"Name" <a@b>` or `a@b`. */
export const bareAddress = (text: string) => (/<([^>]+)>/.exec(text)?.[1] ?? text).trim();

export function sesMessage(form: URLSearchParams): SesMessage | undefined {
  const action = form.get('Action');
  if (action !== 'SendEmail' && action !== 'SendRawEmail') return undefined;
  const recipients: string[] = [];
  for (const [k, v] of form) if (/^(Destination\.(To|Cc|Bcc)Addresses|Destinations)\.member\.\d+$/.test(k)) recipients.push(bareAddress(v));
  let source = form.get('Source') ?? '';
  if (!source && action === 'SendRawEmail') {
    const raw = Buffer.from(form.get('RawMessage.Data') ?? '', 'base64').toString('utf8');
    source = /^From:\s*(.+)$/im.exec(raw)?.[1] ?? '';
    if (recipients.length === 0) for (const m of raw.matchAll(/^(?:To|Cc):\s*(.+)$/gim)) recipients.push(...m[1].split(',').map(bareAddress));
  }
  return { action, source: bareAddress(source), recipients, configurationSet: form.get('ConfigurationSetName') ?? undefined };
}

/**
 * The identity SES authorises a send against: the address if it is itself verified, else the nearest
 * verified domain above it (a verified domain covers its addresses and its subdomains' addresses).
 */
export function sendingIdentity(source: string, verified: ReadonlySet<string>): string | undefined {
  const address = source.toLowerCase();
  if (verified.has(address)) return address;
  const labels = (address.split('@')[1] ?? '').split('.');
  for (let i = 0; i < labels.length - 1; i++) {
    const domain = labels.slice(i).join('.');
    if (verified.has(domain)) return domain;
  }
  return undefined;
}

export function sesAccesses(message: SesMessage, identity: string, scope: ArnScope): Access[] {
  const arn = (kind: string, name: string) => `arn:aws:ses:${scope.region}:${scope.accountId}:${kind}/${name}`;
  const context = { 'ses:FromAddress': message.source, 'ses:Recipients': message.recipients };
  const accesses = [{ action: `ses:${message.action}`, resource: arn('identity', identity), context }];
  if (message.configurationSet) accesses.push({ action: `ses:${message.action}`, resource: arn('configuration-set', message.configurationSet), context });
  return accesses;
}

// ---- S3 (REST, path-style: /<bucket>/<key>) ---------------------------------------------------------
const OBJECT_SUBRESOURCES: Record<string, [get: string, put: string]> = {
  acl: ['GetObjectAcl', 'PutObjectAcl'],
  tagging: ['GetObjectTagging', 'PutObjectTagging'],
  attributes: ['GetObjectAttributes', 'GetObjectAttributes'],
};

/** `key` is decoded; `formKey` is the key field of a POST form upload (already checked by its policy). */
export function s3Accesses(method: string, bucket: string, key: string, query: URLSearchParams, headers: Record<string, string | string[] | undefined>, formKey?: string): Access[] | undefined {
  const objectArn = (b: string, k: string) => `arn:aws:s3:::${b}/${k}`;
  const bucketArn = `arn:aws:s3:::${bucket}`;
  if (!bucket) return method === 'GET' ? [{ action: 's3:ListAllMyBuckets', resource: '*' }] : undefined;
  if (!key) {
    if (method === 'POST' && formKey !== undefined) return [{ action: 's3:PutObject', resource: objectArn(bucket, formKey) }];
    if (method === 'POST' && query.has('delete')) return []; // per key below, by the caller
    if (method === 'GET' && query.has('location')) return [{ action: 's3:GetBucketLocation', resource: bucketArn }];
    if (method === 'GET' && query.has('uploads')) return [{ action: 's3:ListBucketMultipartUploads', resource: bucketArn }];
    if (method === 'GET' || method === 'HEAD') return [{ action: 's3:ListBucket', resource: bucketArn }];
    if (method === 'PUT' && [...query.keys()].length === 0) return [{ action: 's3:CreateBucket', resource: bucketArn }];
    if (method === 'DELETE' && [...query.keys()].length === 0) return [{ action: 's3:DeleteBucket', resource: bucketArn }];
    return undefined;
  }
  const resource = objectArn(bucket, key);
  const sub = Object.keys(OBJECT_SUBRESOURCES).find((s) => query.has(s));
  if (sub) return [{ action: `s3:${OBJECT_SUBRESOURCES[sub][method === 'GET' ? 0 : 1]}`, resource }];
  switch (method) {
    case 'GET':
      return [{ action: query.has('uploadId') ? 's3:ListMultipartUploadParts' : 's3:GetObject', resource }];
    case 'HEAD':
      return [{ action: 's3:GetObject', resource }];
    case 'PUT': {
      const copy = headers['x-amz-copy-source'];
      const accesses = [{ action: 's3:PutObject', resource }];
      if (typeof copy === 'string') {
        const source = decodeURIComponent(copy.split('?')[0]).replace(/^\//, '');
        const i = source.indexOf('/');
        accesses.push({ action: 's3:GetObject', resource: objectArn(source.slice(0, i), source.slice(i + 1)) });
      }
      return accesses;
    }
    case 'POST':
      // Multipart upload (create, complete) is authorised as PutObject.
      return query.has('uploads') || query.has('uploadId') ? [{ action: 's3:PutObject', resource }] : undefined;
    case 'DELETE':
      return [{ action: query.has('uploadId') ? 's3:AbortMultipartUpload' : 's3:DeleteObject', resource }];
    default:
      return undefined;
  }
}
