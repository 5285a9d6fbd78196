/**
 * The local twin: the very handlers and the very state machines that CDK synthesizes, run on one machine
 * against real local stand-ins over the wire, on a clock that can run a year in seconds.
 *
 * Primary course:
 *   1. synthesize the CDK app in-process and read what it defines (local/assembly.ts): state machine
 *      definitions, functions with their handler files and environment, the table's keys;
 *   2. start DynamoDB Local, the SES emulator, the S3 emulator (local/services.ts);
 *   3. point the AWS SDK at them with environment variables only (AWS_ENDPOINT_URL_*), set each function's
 *      own environment from the template, and import the handler modules unchanged;
 *   4. start the clock (and make global Date follow it), the Step Functions engine bound to the handlers,
 *      and its HTTP endpoint (AWS_ENDPOINT_URL_SFN);
 *   5. start the user pool's stand-in (a token issuer speaking Cognito's InitiateAuth, local/api/issuer.ts)
 *      with the plan's users, and the API Gateway stand-in (local/api/gateway.ts) serving the template's
 *      routes, each bound to its function's handler, behind a JWT authorizer pointed at that issuer.
 * With a data directory, everything persists there: DynamoDB Local's files, the S3 objects, the
 * executions, the clock's time and the issuer's key pair, so a restart carries on where it stopped; the
 * twin also writes `api.json` there (the API and issuer endpoints, the client id) for `npm run token`.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTableIfMissing } from '../core/adapters/dynamodb/table';
import type { Context } from '../core/use-cases/context';
import { buildContext } from '../functions/_shared/deps';
import { dynamoRepository } from '../functions/_shared/dynamodb';
import { s3DocumentStore } from '../functions/_shared/s3';
import { sesMailer } from '../functions/_shared/ses';
import { sfnWorkflow } from '../functions/_shared/sfn';
import { readEnv } from '../functions/_shared/env';
import { loadTwinAssembly, type TwinAssembly } from './assembly';
import { startGateway, type GatewayRoute } from './api/gateway';
import { API_INFO_FILE, type TwinApiInfo } from './api/info';
import { cognitoIssuerUrl, startIssuer, type IssuerUser, type TokenOptions } from './api/issuer';
import { startPortalServer, type PortalServer } from './api/portal';
import { lambdaContext } from './api/lambda-context';
import { LOCAL_PASSWORD, type UserSeed } from './api/users';
import { createClock, installClockAsDate, type ClockMode, type SimClock } from './clock';
import { freePort, readInbox, startDynamoDbLocal, startS3Emulator, startSesEmulator, type Service, type StoredEmail } from './services';
import { createLocalStepFunctions, readPersistedClockTime, startSfnServer, type LocalStepFunctions, type SfnServer } from './sfn';

export const REPO_ROOT = resolve(import.meta.dirname, '..');
/** What the twin's handlers sign with; the stand-ins accept it (s3rver checks signatures, so it is told). */
export const TWIN_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
const REGION = 'us-east-1';
const ACCOUNT_ID = '000000000000';

export { API_INFO_FILE, type TwinApiInfo } from './api/info';

export interface TwinOptions {
  /** Where to keep data across restarts; without it everything is in memory and in a temporary folder. */
  dataDir?: string;
  /** The clock's start, used when there is no persisted clock time. */
  startAt: number;
  mode: ClockMode;
  ports?: Partial<Record<'dynamodb' | 'ses' | 's3' | 'sfn' | 'api' | 'issuer', number>>;
  /** Who can sign in (usersFromPlan(plan): the city office and one user per unit). @default none */
  users?: UserSeed[];
  /** The password of every user. @default LOCAL_PASSWORD */
  password?: string;
  /** Lambda log level inside the twin. @default 'WARN' */
  logLevel?: string;
  /** Keep every execution's full history in memory (GetExecutionHistory). Off for very large runs. @default true */
  keepHistory?: boolean;
  /** Concurrent handler invocations, like a Lambda concurrency limit. @default 64 */
  concurrency?: number;
  /** The app as loadTwinAssembly() read it (region us-east-1, account 000000000000), for a test that already has it. @default synthesized here */
  assembly?: TwinAssembly;
  /**
   * Serve the built portal (web/dist) on its own origin, `http://127.0.0.1:<port>`. The app is synthesized
   * with that origin as `portalOrigin`, so the API's and the bucket's CORS allow it exactly as on AWS; a
   * test passing its own `assembly` synthesizes it with the same context (portalAssembly below).
   */
  portal?: { port: number; dir?: string; cycleId: string };
}

/** The portal's origin on the twin for a port, as `portalOrigin` context. */
export const portalOriginFor = (port: number) => `http://127.0.0.1:${port}`;
export const PORTAL_DIST = join(resolve(import.meta.dirname, '..'), 'web', 'dist');

export interface Twin {
  assembly: TwinAssembly;
  clock: SimClock;
  engine: LocalStepFunctions;
  /** The use cases over the wire, as the HTTP API will call them. */
  ctx: Context;
  endpoints: {
    dynamodb: string;
    ses: string;
    s3: string;
    sfn: string;
    inbox: string;
    /** The HTTP API (API Gateway's `$default` stage). */
    api: string;
    /** The token issuer's URL, every token's `iss` (Cognito's `https://cognito-idp.REGION.amazonaws.com/<poolId>`). */
    issuer: string;
    /** The user pool's service endpoint for InitiateAuth (`aws cognito-idp --endpoint-url`). */
    cognito: string;
    /** The built portal, when started with `portal`. */
    portal?: string;
  };
  /** The user pool as the API sees it: its (placeholder) ids and the one local password. */
  userPool: { id: string; clientId: string; password: string };
  users: IssuerUser[];
  /** A token for a seeded user, as InitiateAuth would give it, or deliberately wrong for tests. */
  tokenFor(username: string, opts?: TokenOptions): Promise<string>;
  cycleStateMachineArn: string;
  unitStateMachineArn: string;
  /** The stand-ins, for tests that take one down (a stopped service stays stopped: close() skips it). */
  services: Record<'dynamodb' | 'ses' | 's3', Service>;
  inbox(): Promise<StoredEmail[]>;
  /** Stops the engine (running executions stay persisted as RUNNING), the servers and the clock. */
  close(): Promise<void>;
}

/** The union of every function's environment; two functions may not disagree on a variable's value. */
function functionEnvironment(assembly: TwinAssembly): Record<string, string> {
  const env: Record<string, string> = {};
  for (const fn of assembly.functions) {
    for (const [k, v] of Object.entries(fn.environment)) {
      if (k in env && env[k] !== v) throw new Error(`functions disagree on ${k}: ${env[k]} vs ${v} (the twin runs them in one process)`);
      env[k] = v;
    }
  }
  return env;
}

export async function startTwin(opts: TwinOptions): Promise<Twin> {
  const stops: Array<() => Promise<void> | void> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop();
  };
  try {
    const context = opts.portal ? { portalOrigin: portalOriginFor(opts.portal.port) } : undefined;
    const assembly = opts.assembly ?? (await loadTwinAssembly({ region: REGION, accountId: ACCOUNT_ID, context }));
    const dataDir = opts.dataDir ? resolve(opts.dataDir) : undefined;
    // Without a data directory, the S3 emulator's files go to a scratch folder removed on close.
    const scratch = await mkdtemp(join(tmpdir(), 'twin-'));
    stops.push(() => rm(scratch, { recursive: true, force: true }));
    const services: Record<'dynamodb' | 'ses' | 's3', Service> = {
      dynamodb: await startDynamoDbLocal({ port: opts.ports?.dynamodb, dataDir: dataDir && join(dataDir, 'dynamodb') }),
      ses: await startSesEmulator({ port: opts.ports?.ses }),
      s3: await startS3Emulator({
        port: opts.ports?.s3,
        dataDir: join(dataDir ?? scratch, 's3'),
        buckets: [assembly.bucket.name],
        cors: assembly.bucket.cors,
        accessKeys: { [TWIN_CREDENTIALS.accessKeyId]: TWIN_CREDENTIALS.secretAccessKey },
      }),
    };
    for (const s of Object.values(services)) stops.push(() => s.stop());
    const sfnPort = opts.ports?.sfn ?? (await freePort());
    const sfnEndpoint = `http://127.0.0.1:${sfnPort}`;

    const cycle = assembly.stateMachines.find((s) => s.name.endsWith('YearlyCycle'));
    const unit = assembly.stateMachines.find((s) => s.name.endsWith('UnitCycle'));
    if (!cycle || !unit) throw new Error('the synthesized app has no YearlyCycle/UnitCycle state machine');

    // The only thing that makes this local: where the SDK's requests go.
    Object.assign(process.env, {
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: TWIN_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TWIN_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: services.dynamodb.endpoint,
      AWS_ENDPOINT_URL_SES: services.ses.endpoint,
      AWS_ENDPOINT_URL_S3: services.s3.endpoint,
      AWS_ENDPOINT_URL_SFN: sfnEndpoint,
      AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: opts.logLevel ?? process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
      POWERTOOLS_DEV: 'true',
      ...functionEnvironment(assembly),
      CYCLE_STATE_MACHINE_ARN: cycle.arn,
    });

    await createTableIfMissing(new DynamoDBClient({}), assembly.table.name, assembly.table);

    const sfnFile = dataDir && join(dataDir, 'executions.json');
    const startAt = (sfnFile ? readPersistedClockTime(sfnFile) : undefined) ?? opts.startAt;
    const clock = createClock({ startAt, mode: opts.mode });
    stops.push(() => clock.stop());
    // A scaled clock must not run while the twin is still starting (importing handlers, re-running
    // persisted executions): hold it as busy work until startTwin returns.
    let started!: () => void;
    void clock.track(new Promise<void>((resolve) => (started = resolve)));
    stops.push(() => started());
    if (opts.mode.kind !== 'real') stops.push(installClockAsDate(clock));

    // Each handler module is the Lambda code unchanged; the twin binds it through its makeHandler with a
    // context built from this twin's environment (a module imported by an earlier twin in the same
    // process keeps the clients of its cold start). An API function without makeHandler is called through
    // its Lambda entry `handler`, whose cold start read the environment set above.
    const env = readEnv();
    // The documents bucket only when a function of the app is bound to it (DOCUMENTS_BUCKET in its environment).
    const documents = env.DOCUMENTS_BUCKET ? { documents: s3DocumentStore } : {};
    const ctx = buildContext({ repo: dynamoRepository, mailer: sesMailer, workflow: sfnWorkflow, ...documents }, env);
    type Handler = (event: unknown, context: unknown) => Promise<unknown>;
    const apiFunctions = new Set(assembly.api?.routes.map((r) => r.function.arn));
    const handlers = new Map<string, { name: string; timeoutMs: number; handler: Handler }>();
    for (const fn of assembly.functions) {
      const mod = (await import(pathToFileURL(join(REPO_ROOT, fn.handlerFile)).href)) as { makeHandler?: (c: Context) => Handler; handler?: Handler };
      let handler: Handler;
      if (typeof mod.makeHandler === 'function') handler = mod.makeHandler(ctx);
      else if (apiFunctions.has(fn.arn) && typeof mod.handler === 'function') handler = mod.handler;
      else throw new Error(`${fn.handlerFile} exports no makeHandler`);
      const entry = { name: fn.logicalId, timeoutMs: fn.timeoutSeconds * 1000, handler };
      handlers.set(fn.arn, entry);
      handlers.set(fn.logicalId, entry);
    }

    const engine = createLocalStepFunctions({
      clock,
      region: REGION,
      stateMachines: assembly.stateMachines.map((s) => ({ name: s.name, arn: s.arn, definition: s.definition })),
      dataFile: sfnFile,
      keepHistory: opts.keepHistory ?? true,
      maxConcurrentInvocations: opts.concurrency ?? 64,
      async invokeFunction(arn, payload) {
        const fn = handlers.get(arn) ?? handlers.get(arn.split(':').pop() ?? '');
        if (!fn) throw new Error(`no handler bound to ${arn}`);
        // Lambda passes JSON in and out: so does the twin.
        const context = lambdaContext(fn.name, { region: REGION, accountId: ACCOUNT_ID, timeoutMs: fn.timeoutMs });
        const result = await fn.handler(JSON.parse(JSON.stringify(payload ?? null)), context);
        return result === undefined ? null : JSON.parse(JSON.stringify(result));
      },
    });
    stops.push(() => engine.close());
    const server: SfnServer = await startSfnServer(engine, { port: sfnPort, clock });
    stops.push(() => server.close());

    // The user pool and the API. The authorizer's issuer resolved to Cognito's URL for the pool's
    // placeholder id; the twin points it at its own issuer, which serves that pool id.
    const pool = assembly.api?.userPool;
    const issuer = await startIssuer({
      port: opts.ports?.issuer,
      poolId: pool?.id ?? `${REGION}_LocalUserPool`,
      clientId: pool?.clientId ?? 'localuserpoolclient',
      clientAuthFlows: pool?.clientAuthFlows,
      passwordPolicy: pool?.passwordPolicy,
      // Cognito emails the code; the twin has nobody's mailbox for it, so it says it where the operator looks.
      onResetCode: (username, email, code) => console.log(`验证码 / password reset code for ${username} (${email ?? 'no email'}): ${code}`),
      users: opts.users ?? [],
      password: opts.password ?? LOCAL_PASSWORD,
      dataDir,
    });
    stops.push(() => issuer.close());
    const awsIssuer = cognitoIssuerUrl(REGION, issuer.poolId);
    const routes: GatewayRoute[] = (assembly.api?.routes ?? []).map((r) => {
      const fn = handlers.get(r.function.arn)!;
      return {
        routeKey: r.routeKey,
        auth: r.auth && { ...r.auth, issuer: r.auth.issuer === awsIssuer ? issuer.url : r.auth.issuer },
        functionName: fn.name,
        timeoutMs: fn.timeoutMs,
        integrationTimeoutMs: r.integrationTimeoutMs,
        invoke: (event, context) => fn.handler(event, context),
      };
    });
    const quiet = process.env.POWERTOOLS_LOG_LEVEL === 'SILENT';
    const gateway = await startGateway({
      port: opts.ports?.api,
      routes,
      cors: assembly.api?.cors,
      throttle: assembly.api?.throttle,
      apiId: assembly.api?.id,
      region: REGION,
      accountId: ACCOUNT_ID,
      track: (work) => clock.track(work),
      onInvocationError: quiet ? undefined : (routeKey, error) => console.error(`API ${routeKey}: the function failed:`, error),
    });
    stops.push(() => gateway.close());
    let portal: PortalServer | undefined;
    if (opts.portal) {
      portal = await startPortalServer({
        port: opts.portal.port,
        dir: opts.portal.dir ?? PORTAL_DIST,
        config: { apiUrl: gateway.url, region: REGION, userPoolId: issuer.poolId, clientId: issuer.clientId, cognitoEndpoint: issuer.endpoint, cycleId: opts.portal.cycleId },
        uploadOrigins: [services.s3.endpoint],
      });
      const p = portal;
      stops.push(() => p.close());
    }
    if (dataDir) {
      const info: TwinApiInfo = {
        region: REGION,
        api: gateway.url,
        cognitoEndpoint: issuer.endpoint,
        issuer: issuer.url,
        userPoolId: issuer.poolId,
        clientId: issuer.clientId,
        users: issuer.users.map((u) => u.username),
      };
      await mkdir(dataDir, { recursive: true });
      await writeFile(join(dataDir, API_INFO_FILE), `${JSON.stringify(info, null, 2)}\n`);
    }

    started();
    return {
      assembly,
      clock,
      engine,
      ctx,
      endpoints: {
        dynamodb: services.dynamodb.endpoint,
        ses: services.ses.endpoint,
        s3: services.s3.endpoint,
        sfn: sfnEndpoint,
        inbox: `${services.ses.endpoint}/`,
        api: gateway.url,
        issuer: issuer.url,
        cognito: issuer.endpoint,
        portal: portal?.url,
      },
      userPool: { id: issuer.poolId, clientId: issuer.clientId, password: issuer.password },
      users: issuer.users,
      tokenFor: (username, o) => issuer.tokenFor(username, o),
      cycleStateMachineArn: cycle.arn,
      unitStateMachineArn: unit.arn,
      services,
      inbox: () => readInbox(services.ses.endpoint),
      close: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
