/**
 * DynamoDB Local for the integration tests: the twin's own launcher (local/services.ts), plus clients
 * pointed at it and the cycle table. Startup takes a few seconds: start once per file.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CYCLE_TABLE_SPEC, createTableIfMissing, type TableSpec } from '../../core/adapters/dynamodb/table';
import { startDynamoDbLocal as startService } from '../../local/services';

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  /** A low-level client pointed at this instance (dummy credentials). */
  client: DynamoDBClient;
  /** A document client (removeUndefinedValues) over `client`. */
  doc: DynamoDBDocumentClient;
  createTable(tableName: string, spec?: TableSpec): Promise<void>;
  stop(): Promise<void>;
}

export function makeLocalDynamoClient(endpoint: string) {
  const client = new DynamoDBClient({ endpoint, region: 'cn-north-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 3 });
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return { client, doc };
}

/** `tables`: created on start with CYCLE_TABLE_SPEC unless a spec is given. */
export async function startDynamoDbLocal(options: { tables?: string[]; spec?: TableSpec; dbPath?: string } = {}): Promise<DynamoDbLocal> {
  const service = await startService({ dataDir: options.dbPath });
  const { client, doc } = makeLocalDynamoClient(service.endpoint);
  const local: DynamoDbLocal = {
    endpoint: service.endpoint,
    port: service.port,
    client,
    doc,
    createTable: async (tableName, spec = options.spec ?? CYCLE_TABLE_SPEC) => {
      await createTableIfMissing(client, tableName, spec);
    },
    async stop() {
      client.destroy();
      await service.stop();
    },
  };
  try {
    for (const t of options.tables ?? []) await local.createTable(t);
  } catch (err) {
    await local.stop();
    throw err;
  }
  return local;
}
