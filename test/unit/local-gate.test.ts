/**
 * The twin's signing gate (local/gate/): IAM evaluation with pbac and the twin's corrections, the mapping of
 * requests to actions and resource ARNs, and the gate itself in front of a stub stand-in, driven by the
 * real AWS SDK clients (their SigV4 signing, presigned URLs and POST forms).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeGlobalTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSendQuotaCommand, ListIdentitiesCommand, SESClient, SendEmailCommand, VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentDisposition } from '../../core/adapters/s3/documents';
import { dynamodbAccesses, s3Accesses, sendingIdentity, sesAccesses, sesMessage, sfnAccesses } from '../../local/gate/actions';
import { functionPrincipal, startGate, type Gate, type GatedService, type Principal, type SesSandbox } from '../../local/gate/gate';
import { policyEvaluator, type PolicyDocument } from '../../local/gate/policy';

const SCOPE = { region: 'us-east-1', accountId: '000000000000' };
const TABLE = 'arn:aws:dynamodb:us-east-1:000000000000:table/t';

describe('IAM evaluation (pbac with the twin corrections)', () => {
  const allows = (policy: PolicyDocument, action: string, resource: string, context = {}) => policyEvaluator([policy])({ action, resource, context });

  it('matches wildcards in resources and actions, case-insensitively for actions, and takes a single string Action', () => {
    const p: PolicyDocument = { Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/documents/*' } };
    expect(allows(p, 's3:GetObject', 'arn:aws:s3:::b/documents/x/y.pdf')).toBe(true);
    expect(allows(p, 'S3:getobject', 'arn:aws:s3:::b/documents/x.pdf')).toBe(true);
    expect(allows(p, 's3:GetObject', 'arn:aws:s3:::b/incoming/x.pdf')).toBe(false);
    expect(allows(p, 's3:PutObject', 'arn:aws:s3:::b/documents/x.pdf')).toBe(false);
    const star: PolicyDocument = { Statement: [{ Effect: 'Allow', Action: ['dynamodb:Get*'], Resource: [TABLE] }] };
    expect(allows(star, 'dynamodb:GetItem', TABLE)).toBe(true);
    expect(allows(star, 'dynamodb:GetItem', `${TABLE}/index/GSI1`)).toBe(false);
  });

  it('lets an explicit Deny win and honours NotAction', () => {
    const p: PolicyDocument = {
      Statement: [
        { Effect: 'Allow', NotAction: 'dynamodb:DeleteItem', Resource: '*' },
        { Effect: 'Deny', Action: 'dynamodb:PutItem', Resource: TABLE },
      ],
    };
    expect(allows(p, 'dynamodb:GetItem', TABLE)).toBe(true);
    expect(allows(p, 'dynamodb:DeleteItem', TABLE)).toBe(false);
    expect(allows(p, 'dynamodb:PutItem', TABLE)).toBe(false);
    expect(policyEvaluator([])({ action: 'dynamodb:GetItem', resource: TABLE })).toBe(false);
  });

  it('ANDs every key of a condition block (pbac reads only the first)', () => {
    const p: PolicyDocument = {
      Statement: { Effect: 'Allow', Action: 'ses:SendEmail', Resource: '*', Condition: { StringEquals: { 'ses:FromAddress': 'a@x.cn', 'aws:RequestedRegion': 'us-east-1' } } },
    };
    expect(allows(p, 'ses:SendEmail', '*', { 'ses:FromAddress': 'a@x.cn', 'aws:RequestedRegion': 'us-east-1' })).toBe(true);
    expect(allows(p, 'ses:SendEmail', '*', { 'ses:FromAddress': 'a@x.cn', 'aws:RequestedRegion': 'eu-west-1' })).toBe(false);
  });

  it('treats a key missing from the request as IAM does: false, except IfExists, Null and negated operators', () => {
    const cond = (Condition: PolicyDocument['Statement'] extends infer S ? (S extends { Condition?: infer C } ? C : never) : never) =>
      ({ Statement: { Effect: 'Allow', Action: 'ses:SendEmail', Resource: '*', Condition } }) as PolicyDocument;
    expect(allows(cond({ StringLike: { 'ses:FromAddress': '*' } }), 'ses:SendEmail', '*')).toBe(false);
    expect(allows(cond({ StringLikeIfExists: { 'ses:FromAddress': 'a@*' } }), 'ses:SendEmail', '*')).toBe(true);
    expect(allows(cond({ StringNotEquals: { 'ses:FromAddress': 'a@x.cn' } }), 'ses:SendEmail', '*')).toBe(true);
    expect(allows(cond({ Null: { 'ses:FromAddress': 'true' } }), 'ses:SendEmail', '*')).toBe(true);
    expect(allows(cond({ Null: { 'ses:FromAddress': 'false' } }), 'ses:SendEmail', '*')).toBe(false);
    // A negated operator must differ from every value; pbac only from one.
    expect(allows(cond({ StringNotEquals: { 'ses:FromAddress': ['a@x.cn', 'b@x.cn'] } }), 'ses:SendEmail', '*', { 'ses:FromAddress': 'b@x.cn' })).toBe(false);
    expect(allows(cond({ 'ForAllValues:StringLike': { 'ses:Recipients': ['*@x.cn'] } }), 'ses:SendEmail', '*', { 'ses:Recipients': ['a@x.cn', 'b@y.cn'] })).toBe(false);
    expect(allows(cond({ 'ForAllValues:StringLike': { 'ses:Recipients': ['*@x.cn'] } }), 'ses:SendEmail', '*', { 'ses:Recipients': ['a@x.cn'] })).toBe(true);
  });
});

describe('what a request asks IAM for', () => {
  it('DynamoDB: a transaction per item, a query on an index by the index ARN, an unknown operation as undefined', () => {
    expect(
      dynamodbAccesses('TransactWriteItems', { TransactItems: [{ Put: { TableName: 't' } }, { Update: { TableName: 't' } }, { ConditionCheck: { TableName: 'u' } }] }, SCOPE),
    ).toEqual([
      { action: 'dynamodb:PutItem', resource: TABLE },
      { action: 'dynamodb:UpdateItem', resource: TABLE },
      { action: 'dynamodb:ConditionCheckItem', resource: 'arn:aws:dynamodb:us-east-1:000000000000:table/u' },
    ]);
    expect(dynamodbAccesses('TransactGetItems', { TransactItems: [{ Get: { TableName: 't' } }] }, SCOPE)).toEqual([{ action: 'dynamodb:GetItem', resource: TABLE }]);
    expect(dynamodbAccesses('Query', { TableName: 't', IndexName: 'GSI1' }, SCOPE)).toEqual([{ action: 'dynamodb:Query', resource: `${TABLE}/index/GSI1` }]);
    expect(dynamodbAccesses('DescribeGlobalTable', {}, SCOPE)).toBeUndefined();
  });

  it('SES: the verified identity covering the sender (a domain covers its subdomains) and the configuration set', () => {
    const verified = new Set(['example.cn']);
    expect(sendingIdentity('noreply@nanping.example.cn', verified)).toBe('example.cn');
    expect(sendingIdentity('a@example.com', verified)).toBeUndefined();
    const form = new URLSearchParams({ Action: 'SendEmail', Source: '"南平" <noreply@nanping.example.cn>', 'Destination.ToAddresses.member.1': 'a@b.cn', ConfigurationSetName: 'cs' });
    const message = sesMessage(form)!;
    expect(message).toMatchObject({ source: 'noreply@nanping.example.cn', recipients: ['a@b.cn'], configurationSet: 'cs' });
    expect(sesAccesses(message, 'example.cn', SCOPE).map((a) => a.resource)).toEqual([
      'arn:aws:ses:us-east-1:000000000000:identity/example.cn',
      'arn:aws:ses:us-east-1:000000000000:configuration-set/cs',
    ]);
  });

  it('S3: a copy reads its source and writes its target; Step Functions task tokens by their state machine', () => {
    expect(s3Accesses('PUT', 'b', 'documents/x', new URLSearchParams(), { 'x-amz-copy-source': '/b/incoming/x%20y' })).toEqual([
      { action: 's3:PutObject', resource: 'arn:aws:s3:::b/documents/x' },
      { action: 's3:GetObject', resource: 'arn:aws:s3:::b/incoming/x y' },
    ]);
    expect(s3Accesses('HEAD', 'b', 'k', new URLSearchParams(), {})).toEqual([{ action: 's3:GetObject', resource: 'arn:aws:s3:::b/k' }]);
    const execution = 'arn:aws:states:us-east-1:000000000000:execution:dev-UnitCycle:run-1';
    expect(sfnAccesses('SendTaskSuccess', { taskToken: 'tok' }, () => execution)).toEqual([
      { action: 'states:SendTaskSuccess', resource: 'arn:aws:states:us-east-1:000000000000:stateMachine:dev-UnitCycle' },
    ]);
    expect(sfnAccesses('CreateActivity', {}, () => undefined)).toBeUndefined();
  });
});

describe('the gate in front of a stand-in', () => {
  const upstreamHits: string[] = [];
  let upstream: Server;
  const gates = {} as Record<GatedService, Gate>;
  /** The twin's simulated clock, as the gate reads it; the wall clock is the other one. */
  let twinNow = Date.parse('2016-11-07T01:00:00Z');
  const sandbox: SesSandbox = { verified: new Set(['example.cn']), refused: new Set(['refused@unit.example.cn']), quota: { max24HourSend: 4, maxSendRate: 1 }, sent: [] };
  const fnKey = { accessKeyId: 'TWINFn', secretAccessKey: 'fn-secret' };
  const policies: PolicyDocument[] = [
    {
      Statement: [
        { Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: [TABLE] },
        { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/documents/*' },
        { Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::b/incoming/*' },
      ],
    },
  ];
  const principals = new Map<string, Principal>([
    ['local', { kind: 'operator', secretAccessKey: 'local' }],
    [fnKey.accessKeyId, functionPrincipal({ functionName: 'Fn', roleName: 'FnRole', policies, secretAccessKey: fnKey.secretAccessKey })],
  ]);
  const client = <T>(Client: new (c: object) => T, service: GatedService, credentials = fnKey, extra = {}) =>
    new Client({ endpoint: gates[service].url, region: 'us-east-1', credentials, maxAttempts: 1, ...extra });

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      upstreamHits.push(`${req.method} ${req.url}`);
      req.resume();
      req.on('end', () => {
        if (req.headers['x-amz-target']) {
          res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{}');
        } else if (req.url === '/' && req.method === 'POST') {
          res.writeHead(200, { 'content-type': 'text/xml' }).end('<SendEmailResponse><SendEmailResult><MessageId>m-1</MessageId></SendEmailResult></SendEmailResponse>');
        } else {
          res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': '2' }).end('ok');
        }
      });
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    for (const service of ['dynamodb', 'ses', 's3'] as const) {
      gates[service] = await startGate({ service, upstream: url, principals, scope: SCOPE, ses: sandbox, clocks: () => [twinNow, Date.now()] });
    }
  });
  afterAll(async () => {
    await Promise.all(Object.values(gates).map((g) => g.close()));
    upstream.close();
  });

  it('listens on the loopback address only', () => {
    expect(gates.dynamodb.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('lets a function do what its role allows and refuses the rest with AccessDeniedException, before the stand-in sees it', async () => {
    const ddb = client(DynamoDBClient, 'dynamodb');
    await expect(ddb.send(new GetItemCommand({ TableName: 't', Key: { PK: { S: 'a' } } }))).resolves.toBeDefined();
    const hits = upstreamHits.length;
    const denied = await ddb.send(new PutItemCommand({ TableName: 't', Item: { PK: { S: 'a' } } })).catch((e: Error) => e);
    expect(denied).toMatchObject({ name: 'AccessDeniedException' });
    expect((denied as Error).message).toContain('assumed-role/FnRole/Fn is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:000000000000:table/t');
    expect(upstreamHits.length).toBe(hits);
    // The operator may do anything the stand-in serves.
    await expect(client(DynamoDBClient, 'dynamodb', { accessKeyId: 'local', secretAccessKey: 'local' }).send(new PutItemCommand({ TableName: 't', Item: { PK: { S: 'a' } } }))).resolves.toBeDefined();
  });

  it('refuses an unknown key, a wrong secret and an operation the twin does not serve', async () => {
    const get = new GetItemCommand({ TableName: 't', Key: { PK: { S: 'a' } } });
    await expect(client(DynamoDBClient, 'dynamodb', { accessKeyId: 'AKIANOBODY', secretAccessKey: 'x' }).send(get)).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
    await expect(client(DynamoDBClient, 'dynamodb', { ...fnKey, secretAccessKey: 'wrong' }).send(get)).rejects.toMatchObject({ name: 'InvalidSignatureException' });
    await expect(client(DynamoDBClient, 'dynamodb', { accessKeyId: 'local', secretAccessKey: 'local' }).send(new DescribeGlobalTableCommand({ GlobalTableName: 'g' }))).rejects.toMatchObject({
      name: 'UnknownOperationException',
    });
    const unsigned = await fetch(gates.dynamodb.url, { method: 'POST', headers: { 'x-amz-target': 'DynamoDB_20120810.GetItem' }, body: '{}' });
    expect(unsigned.status).toBe(400);
    expect(await unsigned.text()).toContain('MissingAuthenticationTokenException');
  });

  it('S3: a presigned link works once signed; zeroed, with a swapped key, expired or unsigned it is refused', async () => {
    const s3 = client(S3Client, 's3', fnKey, { forcePathStyle: true });
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'b', Key: 'documents/yanping/plan.pdf' }), { expiresIn: 300, signingDate: new Date(twinNow) });
    expect((await fetch(url)).status).toBe(200);
    // The stand-in never sees the signature (it would check it against its own clock and keys).
    expect(upstreamHits.at(-1)).toMatch(/^GET \/b\/documents\/yanping\/plan\.pdf/);
    expect(upstreamHits.at(-1)).not.toMatch(/X-Amz-(Signature|Credential|Date)/);

    const zeroed = url.replace(/X-Amz-Signature=[0-9a-f]+/, `X-Amz-Signature=${'0'.repeat(64)}`);
    const z = await fetch(zeroed);
    expect(z.status).toBe(403);
    expect(await z.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    const swapped = await fetch(url.replace('documents/yanping/plan.pdf', 'documents/jianyang/plan.pdf'));
    expect(swapped.status).toBe(403);
    expect(await swapped.text()).toContain('SignatureDoesNotMatch');
    const bare = await fetch(url.split('?')[0]);
    expect(bare.status).toBe(403);
    expect(await bare.text()).toContain('<Code>AccessDenied</Code>');

    twinNow += 301_000;
    try {
      const expired = await fetch(url);
      expect(expired.status).toBe(403);
      expect(await expired.text()).toContain('Request has expired');
    } finally {
      twinNow -= 301_000;
    }
    // A download link naming its file, as the app makes them (a Chinese name in RFC 5987 form).
    const named = await getSignedUrl(
      s3,
      new GetObjectCommand({ Bucket: 'b', Key: 'documents/yanping/u1', ResponseContentDisposition: contentDisposition('延平区 自评报告(终稿)*.pdf'), ResponseContentType: 'application/pdf' }),
      { expiresIn: 300, signingDate: new Date(twinNow) },
    );
    expect((await fetch(named)).status).toBe(200);
    // Signed by this function for a prefix its role does not allow: the link is no good either.
    const outside = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'b', Key: 'incoming/x.pdf' }), { expiresIn: 300, signingDate: new Date(twinNow) });
    expect((await fetch(outside)).status).toBe(403);
  });

  it('S3: a request signed on the wall clock is on time while the twin clock is years away (the AWS CLI), one signed on neither is RequestTimeTooSkewed', async () => {
    const operator = { accessKeyId: 'local', secretAccessKey: 'local' };
    await expect(client(S3Client, 's3', operator, { forcePathStyle: true }).send(new PutObjectCommand({ Bucket: 'b', Key: 'incoming/x', Body: 'x' }))).resolves.toBeDefined();
    const skewed = client(S3Client, 's3', operator, { forcePathStyle: true, systemClockOffset: 3 * 365 * 86_400_000 });
    await expect(skewed.send(new PutObjectCommand({ Bucket: 'b', Key: 'incoming/x', Body: 'x' }))).rejects.toMatchObject({ name: 'RequestTimeTooSkewed' });
  });

  it('S3: a POST form is checked by its policy: signature, expiry, key prefix and size', async () => {
    const s3 = client(S3Client, 's3', fnKey, { forcePathStyle: true, systemClockOffset: twinNow - Date.now() });
    const post = await createPresignedPost(s3, {
      Bucket: 'b',
      Key: 'incoming/yanping/u1',
      Conditions: [['starts-with', '$key', 'incoming/yanping/'], ['content-length-range', 1, 10]],
      Expires: 600,
    });
    const send = (fields: Record<string, string>, bytes: number) => {
      const form = new FormData();
      for (const [k, v] of Object.entries(fields)) form.append(k, v);
      form.append('file', new Blob([Buffer.alloc(bytes, 1)]), 'f.pdf');
      return fetch(post.url, { method: 'POST', body: form });
    };
    expect((await send(post.fields, 5)).status).toBe(200);
    const big = await send(post.fields, 11);
    expect(big.status).toBe(403);
    expect(await big.text()).toContain('EntityTooLarge');
    expect((await send({ ...post.fields, key: 'incoming/jianyang/u1' }, 5)).status).toBe(403);
    expect((await send({ ...post.fields, 'X-Amz-Signature': '0'.repeat(64) }, 5)).status).toBe(403);
  });

  it('dates every answer, a refusal included, on the clock the caller signed with, so the SDK never moves its clock off the twin', async () => {
    // A handler signs on the simulated clock; a refusal that carried the wall clock's Date would shift the
    // SDK's clock by years, and its next signature after a jump of the simulated clock would be refused.
    const ddb = client(DynamoDBClient, 'dynamodb', fnKey, { systemClockOffset: twinNow - Date.now() });
    const denied = await ddb.send(new PutItemCommand({ TableName: 't', Item: { PK: { S: 'a' } } })).catch((e: { $response?: { headers: Record<string, string> } }) => e);
    const date = Date.parse((denied as { $response: { headers: Record<string, string> } }).$response.headers.date);
    expect(Math.abs(date - twinNow)).toBeLessThan(2_000);
    expect(Math.abs(ddb.config.systemClockOffset - (twinNow - Date.now()))).toBeLessThan(60_000);
  });

  it('SES: answers ListIdentities and GetSendQuota, refuses an unknown action at once, unverified senders and refused addresses as MessageRejected, and a send its role does not allow', async () => {
    const operator = client(SESClient, 'ses', { accessKeyId: 'local', secretAccessKey: 'local' });
    expect((await operator.send(new ListIdentitiesCommand({}))).Identities).toEqual(['example.cn']);
    expect(await operator.send(new GetSendQuotaCommand({}))).toMatchObject({ Max24HourSend: 4, MaxSendRate: 1, SentLast24Hours: 0 });
    await expect(operator.send(new VerifyEmailIdentityCommand({ EmailAddress: 'a@b.cn' }))).rejects.toMatchObject({ name: 'InvalidAction' });

    const email = (from: string, to: string) =>
      new SendEmailCommand({ Source: from, Destination: { ToAddresses: [to] }, Message: { Subject: { Data: 's' }, Body: { Text: { Data: 't' } } } });
    await expect(operator.send(email('noreply@nanping.example.cn', 'a@unit.example.cn'))).resolves.toMatchObject({ MessageId: 'm-1' });
    const unverified = await operator.send(email('noreply@elsewhere.cn', 'a@unit.example.cn')).catch((e: Error) => e);
    expect(unverified).toMatchObject({ name: 'MessageRejected' });
    expect((unverified as Error).message).toBe('Email address is not verified. The following identities failed the check in region US-EAST-1: noreply@elsewhere.cn');
    await expect(operator.send(email('noreply@nanping.example.cn', 'Refused@unit.example.cn'))).rejects.toMatchObject({ name: 'MessageRejected' });
    await expect(client(SESClient, 'ses').send(email('noreply@nanping.example.cn', 'a@unit.example.cn'))).rejects.toMatchObject({ name: 'AccessDenied' });
    expect(await operator.send(new GetSendQuotaCommand({}))).toMatchObject({ SentLast24Hours: 1 });
  });

  it('SES: counts every recipient against the 24-hour quota on the twin\'s clock and refuses a message past it as AWS does, whole', async () => {
    const operator = client(SESClient, 'ses', { accessKeyId: 'local', secretAccessKey: 'local' });
    sandbox.sent.length = 0;
    const to = (n: number) =>
      new SendEmailCommand({
        Source: 'noreply@nanping.example.cn',
        Destination: { ToAddresses: Array.from({ length: n }, (_, i) => `r${i}@unit.example.cn`) },
        Message: { Subject: { Data: 's' }, Body: { Text: { Data: 't' } } },
      });
    const start = twinNow;
    await operator.send(to(3));
    // Two more recipients would make 5 of 4: refused, and nothing of it counted.
    await expect(operator.send(to(2))).rejects.toMatchObject({ name: 'Throttling', message: 'Daily message quota exceeded.' });
    expect(await operator.send(new GetSendQuotaCommand({}))).toMatchObject({ SentLast24Hours: 3 });
    await operator.send(to(1));
    twinNow = start + 86_400_000 - 1;
    await expect(operator.send(to(1))).rejects.toMatchObject({ name: 'Throttling' });
    twinNow = start + 86_400_000;
    await expect(operator.send(to(3))).resolves.toMatchObject({ MessageId: expect.any(String) });
    twinNow = start;
  });
});
