/**
 * The DynamoDB roster and sample methods (core/adapters/dynamodb/rosters.ts) with aws-sdk-client-mock: the
 * exact keys, conditions and transaction items; a failed condition reads the stored item back; keys stay
 * outside the dashboard's per-unit range.
 */
import 'aws-sdk-client-mock-vitest/extend';
import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { keys, UNIT_FACTS_RANGE } from '../../core/adapters/dynamodb/keys';
import { makeDynamoRepository } from '../../core/adapters/dynamodb/repository';
import type { InspectionSample, RosterVersion } from '../../core/inspection/model';
import type { AuditEntry } from '../../core/model';

const TABLE = 'cycle-table';
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'cn-north-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }), {
  marshallOptions: { removeUndefinedValues: true },
});
const ddb = mockClient(doc);
const repo = () => makeDynamoRepository({ client: doc, tableName: TABLE });
beforeEach(() => ddb.reset());

const version: RosterVersion = {
  cycleId: 'c', unitId: 'puyan', version: 2, sha256: 'a'.repeat(64), registeredBy: 'puyan-staff', registeredAt: '2026-05-20T02:00:00.000Z',
  communities: [{ name: '东冠社区', kind: 'community', takingPart: true, contact: { name: '书记', telephone: '0571-8770-3001' } }],
};
const audit: AuditEntry = { cycleId: 'c', unitId: 'puyan', at: '2026-05-20T02:00:00.000Z', actor: 'puyan-staff', role: 'county', action: 'register-roster', what: { version: 2 } };
const cancelled = (codes: string[]) =>
  new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) });

describe('the DynamoDB roster and sample methods', () => {
  it('keeps roster versions and samples outside the dashboard\'s per-unit read', () => {
    for (const k of [keys.rosterVersion('c', 'u', 1), keys.inspectionSample('c', 'u', 'w')]) {
      expect(k.PK).toBe('CYCLE#c#UNIT#u');
      expect(k.SK >= UNIT_FACTS_RANGE.from && k.SK <= UNIT_FACTS_RANGE.to, k.SK).toBe(false);
    }
    expect(keys.rosterVersion('c', 'u', 12).SK).toBe('COMMUNITIES#0012');
  });

  it('writes a version only if absent and the one before it exists, with its audit entry, in one transaction', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    expect(await repo().putRoster(version, audit)).toEqual({ recorded: true, current: version });
    const items = ddb.commandCalls(TransactWriteCommand)[0].args[0].input.TransactItems!;
    expect(items).toHaveLength(3);
    expect(items[0].Put).toMatchObject({
      TableName: TABLE, ConditionExpression: 'attribute_not_exists(PK)',
      Item: { PK: 'CYCLE#c#UNIT#puyan', SK: 'COMMUNITIES#0002', entityType: 'RosterVersion', version: 2, sha256: 'a'.repeat(64) },
    });
    expect(items[1].ConditionCheck).toEqual({ TableName: TABLE, Key: { PK: 'CYCLE#c#UNIT#puyan', SK: 'COMMUNITIES#0001' }, ConditionExpression: 'attribute_exists(PK)' });
    expect(items[2].Put).toMatchObject({ TableName: TABLE, Item: { action: 'register-roster', entityType: 'Audit' }, ConditionExpression: 'attribute_not_exists(PK)' });
  });

  it('stores nothing from a stale version and answers with the current one', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled(['ConditionalCheckFailed', 'None', 'None']));
    ddb.on(QueryCommand).resolves({ Items: [{ ...version, version: 3, PK: 'x', SK: 'COMMUNITIES#0003', entityType: 'RosterVersion' }] });
    expect(await repo().putRoster(version, audit)).toEqual({ recorded: false, current: { ...version, version: 3 } });
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
      KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to', ConsistentRead: true,
      ExpressionAttributeValues: { ':pk': 'CYCLE#c#UNIT#puyan', ':from': 'COMMUNITIES#0000', ':to': 'COMMUNITIES#9999' },
    });
  });

  it('records a sample once: a failed condition reads the recorded one back', async () => {
    const sample = { cycleId: 'c', unitId: 'puyan', windowId: 'cross-check', seed: 'b'.repeat(64) } as InspectionSample;
    ddb.on(TransactWriteCommand).rejects(cancelled(['ConditionalCheckFailed', 'None']));
    ddb.on(GetCommand).resolves({ Item: { ...sample, seed: 'first', PK: 'p', SK: 's', entityType: 'InspectionSample' } });
    expect(await repo().recordSample(sample, { ...audit, action: 'draw-sample' })).toEqual({ recorded: false, sample: { ...sample, seed: 'first' } });
    expect(ddb.commandCalls(TransactWriteCommand)[0].args[0].input.TransactItems![0].Put).toMatchObject({
      Item: { PK: 'CYCLE#c#UNIT#puyan', SK: 'CHECK-SAMPLE#cross-check', entityType: 'InspectionSample' }, ConditionExpression: 'attribute_not_exists(PK)',
    });
    expect(ddb).toHaveReceivedCommandWith(GetCommand, { Key: { PK: 'CYCLE#c#UNIT#puyan', SK: 'CHECK-SAMPLE#cross-check' } });
  });
});
