/**
 * Creates a table from the key part of an `AWS::DynamoDB::Table` resource (KeySchema, AttributeDefinitions,
 * GlobalSecondaryIndexes, TimeToLiveSpecification) if it is not there yet. Used by the local twin (fed from
 * the synthesized template) and by the integration tests (fed from CYCLE_TABLE_SPEC).
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';

export interface TableSpec {
  KeySchema: Array<{ AttributeName: string; KeyType: 'HASH' | 'RANGE' | string }>;
  AttributeDefinitions: Array<{ AttributeName: string; AttributeType: 'S' | 'N' | 'B' | string }>;
  GlobalSecondaryIndexes?: Array<{
    IndexName: string;
    KeySchema: Array<{ AttributeName: string; KeyType: 'HASH' | 'RANGE' | string }>;
    Projection: { ProjectionType?: 'ALL' | 'KEYS_ONLY' | 'INCLUDE' | string; NonKeyAttributes?: string[] };
  }>;
  TimeToLiveSpecification?: { AttributeName: string; Enabled: boolean | string };
}

/** The cycle table's keys, as infra declares them: PK/SK strings, GSI1 on GSI1PK/GSI1SK (ALL), TTL expiresAt. */
export const CYCLE_TABLE_SPEC: TableSpec = {
  KeySchema: [
    { AttributeName: 'PK', KeyType: 'HASH' },
    { AttributeName: 'SK', KeyType: 'RANGE' },
  ],
  AttributeDefinitions: [
    { AttributeName: 'PK', AttributeType: 'S' },
    { AttributeName: 'SK', AttributeType: 'S' },
    { AttributeName: 'GSI1PK', AttributeType: 'S' },
    { AttributeName: 'GSI1SK', AttributeType: 'S' },
  ],
  GlobalSecondaryIndexes: [
    {
      IndexName: 'GSI1',
      KeySchema: [
        { AttributeName: 'GSI1PK', KeyType: 'HASH' },
        { AttributeName: 'GSI1SK', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    },
  ],
  TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
};

/** 'created' or 'exists'. Waits until the table is ACTIVE. */
export async function createTableIfMissing(
  client: DynamoDBClient,
  tableName: string,
  spec: TableSpec,
): Promise<'created' | 'exists'> {
  let result: 'created' | 'exists' = 'exists';
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException) && (err as Error).name !== 'ResourceNotFoundException') throw err;
    try {
      await client.send(
        new CreateTableCommand({
          TableName: tableName,
          BillingMode: 'PAY_PER_REQUEST',
          KeySchema: spec.KeySchema as never,
          AttributeDefinitions: spec.AttributeDefinitions as never,
          GlobalSecondaryIndexes: spec.GlobalSecondaryIndexes?.map((g) => ({
            IndexName: g.IndexName,
            KeySchema: g.KeySchema as never,
            Projection: g.Projection as never,
          })),
        }),
      );
      result = 'created';
    } catch (createErr) {
      // Someone else created it between our describe and create.
      if (!(createErr instanceof ResourceInUseException) && (createErr as Error).name !== 'ResourceInUseException') throw createErr;
    }
  }
  for (let i = 0; i < 100; i++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every((g) => g.IndexStatus === undefined || g.IndexStatus === 'ACTIVE');
    if (Table?.TableStatus === 'ACTIVE' && indexesActive) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const ttl = spec.TimeToLiveSpecification;
  if (result === 'created' && ttl && (ttl.Enabled === true || ttl.Enabled === 'true')) {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: ttl.AttributeName, Enabled: true },
      }),
    );
  }
  return result;
}
