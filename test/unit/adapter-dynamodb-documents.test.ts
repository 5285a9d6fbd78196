/** The year's documents' records on DynamoDB (core/adapters/dynamodb/documents-record.ts): keys, the write-once condition, the listing. */
import 'aws-sdk-client-mock-vitest/extend';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeDynamoRepository } from '../../core/adapters/dynamodb/repository';
import type { CycleDocument } from '../../core/model';

const TABLE = 'cycle-table';
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'cn-north-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }));
const ddb = mockClient(doc);
const repo = () => makeDynamoRepository({ client: doc, tableName: TABLE });

const document: CycleDocument = {
  cycleId: 'nanping-2016', documentId: 'province-workbook', kind: 'province-workbook', unitId: null, name: '汇总表.xlsx',
  key: 'documents/nanping-2016/_cycle/forwarding/province-workbook.xlsx', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  size: 1234, sha256: 'a'.repeat(64), createdAt: '2016-12-01T01:00:00.000Z',
};
const KEY = { PK: 'CYCLE#nanping-2016#DOCUMENTS', SK: 'DOCUMENT#province-workbook' };

beforeEach(() => ddb.reset());

describe('the records of the year\'s documents', () => {
  it('records a document once, under its own partition, with its entity type', async () => {
    ddb.on(PutCommand).resolves({});
    const r = await repo().recordCycleDocument(document);
    expect(r).toEqual({ recorded: true, document });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      TableName: TABLE,
      Item: { ...document, ...KEY, entityType: 'CycleDocument' },
      ConditionExpression: 'attribute_not_exists(PK)',
    });
  });

  it('a second record of the same document returns the first, unchanged', async () => {
    ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
    ddb.on(GetCommand, { Key: KEY }).resolves({ Item: { ...document, ...KEY, entityType: 'CycleDocument' } });
    const r = await repo().recordCycleDocument({ ...document, sha256: 'b'.repeat(64) });
    expect(r).toEqual({ recorded: false, document });
  });

  it('lists the cycle\'s documents with one consistent query of its partition', async () => {
    ddb.on(QueryCommand).resolves({ Items: [{ ...document, ...KEY, entityType: 'CycleDocument' }] });
    expect(await repo().listCycleDocuments('nanping-2016')).toEqual([document]);
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
      TableName: TABLE,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      ExpressionAttributeValues: { ':pk': 'CYCLE#nanping-2016#DOCUMENTS', ':sk': 'DOCUMENT#' },
      ConsistentRead: true,
    });
  });
});
