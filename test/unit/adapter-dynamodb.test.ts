import 'aws-sdk-client-mock-vitest/extend';
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { keys, LISTING_SHARDS, listingPk, listingShard } from '../../core/adapters/dynamodb/keys';
import { makeDynamoRepository } from '../../core/adapters/dynamodb/repository';
import { PlanConflictError, TransientError } from '../../core/errors';
import { planSchema, type Plan } from '../../core/plan/schema';

const TABLE = 'cycle-table';
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'cn-north-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }), {
  marshallOptions: { removeUndefinedValues: true },
});
const ddb = mockClient(doc);
const repo = () => makeDynamoRepository({ client: doc, tableName: TABLE });

const plan: Plan = planSchema.parse(JSON.parse(readFileSync(new URL('../../plans/nanping-2016.json', import.meta.url), 'utf8')));
const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

beforeEach(() => {
  ddb.reset();
});

describe('keys', () => {
  it('builds the documented keys and escapes # in free text', () => {
    expect(keys.cycle('nanping-2016')).toEqual({ PK: 'CYCLE#nanping-2016', SK: 'CYCLE' });
    expect(keys.unit('nanping-2016', 'yanping')).toEqual({ PK: 'CYCLE#nanping-2016', SK: 'UNIT#yanping' });
    expect(keys.submission('c', 'u', 'implementation-plan', 3)).toEqual({ PK: 'CYCLE#c#UNIT#u', SK: 'SUBMISSION#implementation-plan#V#0003' });
    expect(keys.decision('c', 'u', 2)).toEqual({ PK: 'CYCLE#c#UNIT#u', SK: 'DECISION#02' });
    expect(keys.message({ cycleId: 'c', unitId: null, kind: 'province-forwarding', milestone: 'a#b', recipient: 'p@x.cn' })).toEqual({
      PK: 'CYCLE#c#CYCLE',
      SK: 'MSG#province-forwarding#a%23b#p@x.cn',
    });
  });
});

describe('storePlan', () => {
  it('throws PlanConflictError (zh/en) when the cycle holds another plan, and writes nothing', async () => {
    // Prepare
    ddb.on(GetCommand, { Key: keys.cycle(plan.cycleId) }).resolves({ Item: { ...keys.cycle(plan.cycleId), planHash: 'other' } });

    // Act
    const result = repo().storePlan(plan, 'mine', '2016-10-01T00:00:00.000Z');

    // Assess
    await expect(result).rejects.toBeInstanceOf(PlanConflictError);
    await expect(result).rejects.toMatchObject({ text: { zh: expect.stringContaining('另一份计划'), en: expect.stringContaining('different plan') } });
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
    expect(ddb).not.toHaveReceivedCommand(BatchWriteCommand);
  });

  it('throws PlanConflictError when another plan won the PLAN item', async () => {
    // Prepare
    ddb.on(GetCommand).resolves({});
    ddb.on(PutCommand).rejects(conditionFailed());

    // Act
    const result = repo().storePlan(plan, 'mine', '2016-10-01T00:00:00.000Z');

    // Assess
    await expect(result).rejects.toBeInstanceOf(PlanConflictError);
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      TableName: TABLE,
      Item: expect.objectContaining({ PK: 'CYCLE#nanping-2016', SK: 'PLAN', entityType: 'Plan', planHash: 'mine', unitCount: 10 }),
      ConditionExpression: 'attribute_not_exists(PK) OR planHash = :planHash',
      ExpressionAttributeValues: { ':planHash': 'mine' },
    });
    expect(ddb).not.toHaveReceivedCommand(BatchWriteCommand);
  });

  it('returns "same" for the stored plan', async () => {
    // Prepare
    ddb.on(GetCommand).resolves({ Item: { ...keys.cycle(plan.cycleId), planHash: 'mine' } });

    // Act
    const result = await repo().storePlan(plan, 'mine', '2016-10-01T00:00:00.000Z');

    // Assess: the same plan again only lists the cycle (a cycle stored before the list existed), a plain put.
    expect(result).toBe('same');
    expect(ddb).toHaveReceivedCommandTimes(PutCommand, 1);
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: { ...keys.cycleIndex(plan.cycleId), cycleId: plan.cycleId, entityType: 'CycleIndex' },
    });
    expect(ddb).not.toHaveReceivedCommand(BatchWriteCommand);
  });

  it('writes the plan, the units in batches of 25 (retrying unprocessed ones), then the cycle record', async () => {
    // Prepare
    const units = Array.from({ length: 60 }, (_, i) => ({ ...plan.units[0], id: `u${i}` }));
    const big = { ...plan, units };
    ddb.on(GetCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    const firstBatchItem = (n: number) => ({ PutRequest: { Item: expect.objectContaining({ SK: `UNIT#u${n}` }) } });
    ddb
      .on(BatchWriteCommand)
      .resolvesOnce({ UnprocessedItems: { [TABLE]: [{ PutRequest: { Item: { ...keys.unit(plan.cycleId, 'u0'), id: 'u0' } } }] } })
      .resolves({});

    // Act
    const result = await repo().storePlan(big, 'h', '2016-10-01T00:00:00.000Z');

    // Assess
    expect(result).toBe('stored');
    // 1 order chunk + 60 units + the cycle's index entry = 62 items -> 25 + 25 + 12, plus one retry of the unprocessed item.
    expect(ddb).toHaveReceivedCommandTimes(BatchWriteCommand, 4);
    const sizes = ddb.commandCalls(BatchWriteCommand).map((c) => c.args[0].input.RequestItems![TABLE].length);
    expect(sizes.sort((a, b) => a - b)).toEqual([1, 12, 25, 25]);
    expect(ddb).toHaveReceivedCommandWith(BatchWriteCommand, {
      RequestItems: { [TABLE]: expect.arrayContaining([firstBatchItem(0), firstBatchItem(23)]) },
    });
    expect(ddb).toHaveReceivedCommandWith(BatchWriteCommand, {
      RequestItems: {
        [TABLE]: expect.arrayContaining([
          { PutRequest: { Item: { PK: 'CYCLE#nanping-2016', SK: 'ORDER#0000', entityType: 'UnitOrder', unitIds: units.map((u) => u.id), unitCount: 60 } } },
        ]),
      },
    });
    expect(ddb).toHaveReceivedLastCommandWith(PutCommand, {
      TableName: TABLE,
      Item: {
        PK: 'CYCLE#nanping-2016',
        SK: 'CYCLE',
        entityType: 'Cycle',
        cycleId: 'nanping-2016',
        status: 'stored',
        planHash: 'h',
        storedAt: '2016-10-01T00:00:00.000Z',
      },
      ConditionExpression: 'attribute_not_exists(PK)',
    });
  });
});

describe('addSubmission', () => {
  const input = {
    cycleId: 'c1',
    unitId: 'u1',
    deliverableId: 'implementation-plan',
    receivedAt: '2016-10-20T02:00:00.000Z',
    onTime: true,
    submittedBy: 'office@u1.cn',
    documents: [],
  };

  it('puts the status item and version 1 in one transaction, never overwriting', async () => {
    // Prepare
    ddb.on(GetCommand).resolves({});
    ddb.on(TransactWriteCommand).resolves({});

    // Act
    const v = await repo().addSubmission(input);

    // Assess
    expect(v).toEqual({ ...input, version: 1 });
    expect(ddb).toHaveReceivedCommandExactlyOnceWith(TransactWriteCommand, {
      TransactItems: [
        {
          Put: {
            TableName: TABLE,
            Item: {
              PK: 'CYCLE#c1#UNIT#u1',
              SK: 'DELIVERABLE#implementation-plan',
              entityType: 'DeliverableStatus',
              cycleId: 'c1',
              unitId: 'u1',
              deliverableId: 'implementation-plan',
              latestVersion: 1,
              firstReceivedAt: input.receivedAt,
              lastReceivedAt: input.receivedAt,
              onTime: true,
              latestOnTime: true,
            },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        // The first version counts in the cycle's totals (the dashboard), in the same transaction.
        {
          Update: {
            TableName: TABLE,
            Key: { PK: `CYCLE#c1#TOTALS#${String(listingShard('u1')).padStart(2, '0')}`, SK: 'TOTALS' },
            UpdateExpression: 'SET entityType = :entity, cycleId = :cycleId ADD #counter :one',
            ExpressionAttributeNames: { '#counter': 'SUB#implementation-plan#onTime' },
            ExpressionAttributeValues: { ':entity': 'CycleTotals', ':cycleId': 'c1', ':one': 1 },
          },
        },
        {
          Put: {
            TableName: TABLE,
            Item: {
              ...input,
              version: 1,
              PK: 'CYCLE#c1#UNIT#u1',
              SK: 'SUBMISSION#implementation-plan#V#0001',
              GSI1PK: listingPk('c1', 'SUB', listingShard('u1')),
              GSI1SK: '2016-10-20T02:00:00.000Z#u1#implementation-plan#V#0001',
              entityType: 'Submission',
            },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
      ],
    });
  });

  it('conditions the status update on the version it read, and retries after losing a race', async () => {
    // Prepare
    ddb
      .on(GetCommand)
      .resolvesOnce({ Item: { latestVersion: 2 } })
      .resolves({ Item: { latestVersion: 3 } });
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(
        new TransactionCanceledException({
          message: 'Transaction cancelled',
          $metadata: {},
          CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
        }),
      )
      .resolves({});

    // Act
    const v = await repo().addSubmission(input);

    // Assess
    expect(v.version).toBe(4);
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 2);
    expect(ddb).toHaveReceivedLastCommandWith(TransactWriteCommand, {
      TransactItems: [
        {
          Update: {
            TableName: TABLE,
            Key: { PK: 'CYCLE#c1#UNIT#u1', SK: 'DELIVERABLE#implementation-plan' },
            UpdateExpression: 'SET latestVersion = :version, lastReceivedAt = :receivedAt, latestOnTime = :onTime',
            ConditionExpression: 'latestVersion = :latest',
            ExpressionAttributeValues: { ':version': 4, ':receivedAt': input.receivedAt, ':latest': 3, ':onTime': true },
          },
        },
        {
          Put: expect.objectContaining({
            Item: expect.objectContaining({ SK: 'SUBMISSION#implementation-plan#V#0004', version: 4 }),
            ConditionExpression: 'attribute_not_exists(PK)',
          }),
        },
      ],
    });
  });
});

describe('claimMessage', () => {
  const entry = {
    cycleId: 'c1',
    unitId: 'u1',
    kind: 'reminder' as const,
    milestone: 'self-assessment-report#D-3',
    recipient: 'office@u1.cn',
    subject: '【提醒】',
    cc: [],
    claimedAt: '2016-11-07T01:00:00.000Z',
  };
  const lease = '2016-11-07T00:55:00.000Z';

  it('claims with a conditional put: new entry, or an expired sending lease', async () => {
    // Prepare
    ddb.on(PutCommand).resolves({});

    // Act
    const result = await repo().claimMessage(entry, lease);

    // Assess
    expect(result).toBe('claimed');
    expect(ddb).toHaveReceivedCommandExactlyOnceWith(PutCommand, {
      TableName: TABLE,
      Item: {
        ...entry,
        status: 'sending',
        PK: 'CYCLE#c1#UNIT#u1',
        SK: 'MSG#reminder#self-assessment-report%23D-3#office@u1.cn',
        GSI1PK: listingPk('c1', 'MSG', listingShard('u1')),
        GSI1SK: '2016-11-07T01:00:00.000Z#u1#reminder#self-assessment-report%23D-3#office@u1.cn',
        entityType: 'Message',
      },
      ConditionExpression: 'attribute_not_exists(PK) OR (#status = :sending AND claimedAt < :leaseExpiredBefore)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':sending': 'sending', ':leaseExpiredBefore': lease },
    });
  });

  it.each([
    ['sent', 'sent'],
    ['sending', 'in-flight'],
  ])('answers from the stored entry when the condition fails (status %s -> %s)', async (status, expected) => {
    // Prepare
    ddb.on(PutCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({ Item: { status } });

    // Act
    const result = await repo().claimMessage(entry, lease);

    // Assess
    expect(result).toBe(expected);
    expect(ddb).toHaveReceivedCommandWith(GetCommand, {
      TableName: TABLE,
      Key: { PK: 'CYCLE#c1#UNIT#u1', SK: 'MSG#reminder#self-assessment-report%23D-3#office@u1.cn' },
      ConsistentRead: true,
    });
  });

  it('marks a message sent and moves its GSI1 sort key to sentAt', async () => {
    // Prepare
    ddb.on(UpdateCommand).resolves({});

    // Act
    await repo().markMessageSent(entry, 'ses-42', '2016-11-07T01:00:02.000Z');

    // Assess
    expect(ddb).toHaveReceivedCommandExactlyOnceWith(UpdateCommand, {
      TableName: TABLE,
      Key: { PK: 'CYCLE#c1#UNIT#u1', SK: 'MSG#reminder#self-assessment-report%23D-3#office@u1.cn' },
      UpdateExpression: 'SET #status = :sent, sentAt = :sentAt, messageId = :messageId, GSI1SK = :gsi1sk',
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':sent': 'sent',
        ':sentAt': '2016-11-07T01:00:02.000Z',
        ':messageId': 'ses-42',
        ':gsi1sk': '2016-11-07T01:00:02.000Z#u1#reminder#self-assessment-report%23D-3#office@u1.cn',
      },
    });
  });
});

describe('recordDecision and recordOutcome', () => {
  const decision = {
    cycleId: 'c1',
    unitId: 'u1',
    round: 1,
    version: 2,
    outcome: 'approved' as const,
    decidedBy: 'city@nanping.cn',
    decidedAt: '2016-12-01T03:00:00.000Z',
  };

  it('returns the stored decision when the round was decided', async () => {
    // Prepare
    const earlier = { ...decision, outcome: 'returned', reason: '材料不全' };
    ddb.on(PutCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({ Item: { ...earlier, ...keys.decision('c1', 'u1', 1), entityType: 'Decision', GSI1PK: 'x', GSI1SK: 'y' } });

    // Act
    const result = await repo().recordDecision(decision);

    // Assess
    expect(result).toEqual({ recorded: false, decision: earlier });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ PK: 'CYCLE#c1#UNIT#u1', SK: 'DECISION#01', GSI1PK: listingPk('c1', 'DECISION', listingShard('u1')) }),
      ConditionExpression: 'attribute_not_exists(PK)',
    });
  });

  it('writes the first outcome with the listOutcomes keys, counted in the cycle totals in the same transaction', async () => {
    // Prepare
    ddb.on(TransactWriteCommand).resolves({});

    // Act
    const result = await repo().recordOutcome('c1', 'u1', 'qualified', '2016-12-20T01:00:00.000Z');

    // Assess
    expect(result).toEqual({ recorded: true, outcome: 'qualified' });
    expect(ddb).toHaveReceivedCommandExactlyOnceWith(TransactWriteCommand, {
      TransactItems: [
        {
          Put: {
            TableName: TABLE,
            Item: {
              cycleId: 'c1',
              unitId: 'u1',
              outcome: 'qualified',
              recordedAt: '2016-12-20T01:00:00.000Z',
              PK: 'CYCLE#c1#UNIT#u1',
              SK: 'OUTCOME',
              GSI1PK: listingPk('c1', 'OUTCOME', listingShard('u1')),
              GSI1SK: '2016-12-20T01:00:00.000Z#u1',
              entityType: 'Outcome',
            },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        {
          Update: {
            TableName: TABLE,
            Key: { PK: `CYCLE#c1#TOTALS#${String(listingShard('u1')).padStart(2, '0')}`, SK: 'TOTALS' },
            UpdateExpression: 'SET entityType = :entity, cycleId = :cycleId ADD #counter :one',
            ExpressionAttributeNames: { '#counter': 'OUTCOME#qualified' },
            ExpressionAttributeValues: { ':entity': 'CycleTotals', ':cycleId': 'c1', ':one': 1 },
          },
        },
      ],
    });
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
  });

  it('returns the recorded outcome when one is there already, and counts nothing', async () => {
    // Prepare: the outcome's put fails its condition, so the whole transaction (the counter too) is cancelled.
    ddb.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }] }),
    );
    ddb.on(GetCommand).resolves({ Item: { outcome: 'not-qualified' } });

    // Act
    const result = await repo().recordOutcome('c1', 'u1', 'qualified', '2016-12-21T01:00:00.000Z');

    // Assess
    expect(result).toEqual({ recorded: false, outcome: 'not-qualified' });
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
  });
});

describe('listings and errors', () => {
  it('reads every listing shard, follows LastEvaluatedKey to the end, merges in index order and strips table attributes', async () => {
    // Prepare: shard 3 has two pages, shard 7 one row that sorts between them, the rest nothing.
    const pk = (shard: number) => listingPk('c1', 'AUDIT', shard);
    const row = (n: number, shard: number) => ({ PK: 'p', SK: `s${n}`, GSI1PK: pk(shard), GSI1SK: `g${n}`, entityType: 'Audit', cycleId: 'c1', at: `t${n}` });
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': pk(3) } })
      .resolvesOnce({ Items: [row(1, 3)], LastEvaluatedKey: { PK: 'p', SK: 's1' } })
      .resolvesOnce({ Items: [row(3, 3)] });
    ddb.on(QueryCommand, { ExpressionAttributeValues: { ':pk': pk(7) } }).resolves({ Items: [row(2, 7)] });

    // Act
    const result = await repo().listAudit('c1');

    // Assess
    expect(result).toEqual([
      { cycleId: 'c1', at: 't1' },
      { cycleId: 'c1', at: 't2' },
      { cycleId: 'c1', at: 't3' },
    ]);
    expect(ddb).toHaveReceivedCommandTimes(QueryCommand, LISTING_SHARDS + 1);
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, { IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': pk(15) } });
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, { ExpressionAttributeValues: { ':pk': pk(3) }, ExclusiveStartKey: { PK: 'p', SK: 's1' } });
  });

  it('turns throttling into TransientError and lets other errors through', async () => {
    // Prepare
    ddb
      .on(GetCommand)
      .rejectsOnce(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: { httpStatusCode: 400 } }))
      .rejectsOnce(Object.assign(new Error('boom'), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } }));

    // Act
    const throttled = repo().getCycle('c1');
    const invalid = repo().getCycle('c1');

    // Assess
    await expect(throttled).rejects.toBeInstanceOf(TransientError);
    await expect(invalid).rejects.toMatchObject({ name: 'ValidationException' });
  });
});

describe('contact status', () => {
  const status = {
    email: 'Yanping-Office@nanping.example.cn',
    reason: 'bounce' as const,
    detail: 'Permanent/General: 550 5.1.1',
    since: '2016-04-01T01:00:05.123Z',
    messageId: 'ses-1',
    cycleId: 'nanping-2016',
    unitId: 'yanping',
  };

  it('keys an address by its lower case, escaped', () => {
    expect(keys.contactStatus('A#B@X.cn')).toEqual({ PK: 'CONTACT#a%23b@x.cn', SK: 'STATUS' });
  });

  it('marks with a conditional put: absent, or fixed before this bounce', async () => {
    // Prepare
    ddb.on(PutCommand).resolves({});

    // Act
    const result = await repo().markContactUndeliverable(status);

    // Assess
    const stored = { ...status, email: 'yanping-office@nanping.example.cn', status: 'undeliverable' };
    expect(result).toEqual({ marked: true, status: stored });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      TableName: TABLE,
      Item: { ...stored, PK: 'CONTACT#yanping-office@nanping.example.cn', SK: 'STATUS', entityType: 'ContactStatus' },
      ConditionExpression: 'attribute_not_exists(PK) OR (#status = :fixed AND fixedAt < :since)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':fixed': 'fixed', ':since': status.since },
    });
  });

  it('returns the standing mark when the condition fails', async () => {
    const standing = { ...status, email: 'yanping-office@nanping.example.cn', status: 'undeliverable', since: '2016-03-01T00:00:00.000Z' };
    ddb.on(PutCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({ Item: { ...standing, PK: 'CONTACT#yanping-office@nanping.example.cn', SK: 'STATUS', entityType: 'ContactStatus' } });

    expect(await repo().markContactUndeliverable(status)).toEqual({ marked: false, status: standing });
    expect(ddb).toHaveReceivedCommandWith(GetCommand, { Key: { PK: 'CONTACT#yanping-office@nanping.example.cn', SK: 'STATUS' }, ConsistentRead: true });
  });

  it('clears only an undeliverable mark, and answers null otherwise', async () => {
    ddb.on(UpdateCommand).rejectsOnce(conditionFailed());

    expect(await repo().clearContactStatus('Yanping-Office@nanping.example.cn', 'city-admin', '2016-04-03T02:00:00.000Z')).toBeNull();
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: TABLE,
      Key: { PK: 'CONTACT#yanping-office@nanping.example.cn', SK: 'STATUS' },
      UpdateExpression: 'SET #status = :fixed, fixedBy = :by, fixedAt = :at',
      ConditionExpression: '#status = :undeliverable',
      ExpressionAttributeValues: { ':fixed': 'fixed', ':undeliverable': 'undeliverable', ':by': 'city-admin', ':at': '2016-04-03T02:00:00.000Z' },
      ReturnValues: 'ALL_NEW',
    });
  });
});

describe('listing shards', () => {
  it('spread 2,800 units evenly over the shards, the same every time', () => {
    const counts = Array(LISTING_SHARDS).fill(0);
    for (let i = 1; i <= 2800; i++) counts[listingShard(`u${String(i).padStart(4, '0')}`)]++;
    expect(Math.min(...counts)).toBeGreaterThan(2800 / LISTING_SHARDS / 2);
    expect(Math.max(...counts)).toBeLessThan((2800 / LISTING_SHARDS) * 1.5);
    expect(listingShard('yanping')).toBe(listingShard('yanping'));
    expect(listingShard(null)).toBe(0);
  });
});
