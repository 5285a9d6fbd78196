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
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
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
import { DEFAULT_SES_QUOTA, functionPrincipal, startGate, twinClocks, type GateExchange, type GatedService, type Principal, type SesSandbox } from './gate/gate';
import { bundleFunctions } from './lambda/bundle';
import { createLambdaRuntime, type LambdaRuntime } from './lambda/runtime';
import { startPortalServer, type PortalServer } from './api/portal';
import { LOCAL_PASSWORD, type UserSeed } from './api/users';
import { createClock, installClockAsDate, type ClockMode, type SimClock } from './clock';
import { freePort, readInbox, startDynamoDbLocal, startS3Emulator, startSesEmulator, type Service, type StoredEmail } from './services';
import { createLocalStepFunctions, readPersistedClockTime, startSfnServer, type LocalStepFunctions, type SfnServer } from './sfn';

export const REPO_ROOT = resolve(import.meta.dirname, '..');
/**
 * The operator's credentials (the AWS CLI, `npm start`'s tools, tests acting as an administrator): the gate
 * allows them everything. Each function signs with a key pair of its own instead (see startTwin).
 */
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
  /** SES's sandbox: verified identities (@default the identities the functions' roles may send from) and addresses SES refuses. */
  ses?: {
    verifiedIdentities?: string[];
    refusedAddresses?: string[];
    /** The account's sending quota; the 24-hour one is enforced by recipient. @default DEFAULT_SES_QUOTA (50,000 a day, 14 a second) */
    quota?: { max24HourSend: number; maxSendRate: number };
  };
  /** Warm containers per function at most (each a worker thread). @default 1 */
  containersPerFunction?: number;
  /** Sees every answer of a stand-in before its caller does (the chaos run: local/chaos/). */
  observe?: (exchange: GateExchange) => void;
  /**
   * Serve the built portal (web/dist) on its own origin, `http://127.0.0.1:<port>`. The app is synthesized
   * with that origin as `portalOrigin`, so the API's and the bucket's CORS allow it exactly as on AWS; a
   * test passing its own `assembly` synthesizes it with the same context (portalAssembly below).
   */
  portal?: { port: number; dir?: string };
}

/** A request the gate refused (AccessDenied, a bad signature, an unknown operation, a rejected message). */
export interface GateRefusal {
  service: GatedService;
  code: string;
  message: string;
  /** The access key that signed it, when the signature was good. */
  principal?: string;
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
  /** Every function's warm containers (worker threads). */
  lambda: LambdaRuntime;
  /** What the signing gates refused, oldest first (the last 1000). */
  refusals: GateRefusal[];
  /** SES's sandbox on the twin: refuse(address) makes SES reject every message from or to it, permanently. */
  ses: { verified: ReadonlySet<string>; refuse(address: string): void };
  inbox(): Promise<StoredEmail[]>;
  /** Stops the engine (running executions stay persisted as RUNNING), the servers and the clock. */
  close(): Promise<void>;
}

/**
 * The union of every function's environment, for the operator's own context (twin.ctx, scenarios); each
 * function sees only its own. Two functions may not disagree on a variable's value.
 */
function functionEnvironment(assembly: TwinAssembly): Record<string, string> {
  const env: Record<string, string> = {};
  for (const fn of assembly.functions) {
    for (const [k, v] of Object.entries(fn.environment)) {
      if (k in env && env[k] !== v) throw new Error(`functions disagree on ${k}: ${env[k]} vs ${v} (the operator's context takes one value)`);
      env[k] = v;
    }
  }
  return env;
}

/** The SES identities the functions' roles may send from (`...:identity/<name>`): the app's verified ones. */
function sendingIdentities(assembly: TwinAssembly): string[] {
  const names = new Set<string>();
  for (const fn of assembly.functions) {
    for (const doc of fn.role.policies) {
      for (const st of [doc.Statement].flat()) {
        for (const r of [st.Resource ?? []].flat()) {
          const m = /^arn:aws:ses:[^:]*:[^:]*:identity\/(.+)$/.exec(r);
          if (m) names.add(m[1]);
        }
      }
    }
  }
  return [...names];
}

export async function startTwin(opts: TwinOptions): Promise<Twin> {
  const stops: Array<() => Promise<void> | void> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop();
  };
  try {
    const dataDir = opts.dataDir ? resolve(opts.dataDir) : undefined;
    // The JVM starts while the app synthesizes: two slow starts, side by side.
    const dynamodbStarting = startDynamoDbLocal({ dataDir: dataDir && join(dataDir, 'dynamodb') });
    stops.push(async () => (await dynamodbStarting.catch(() => undefined))?.stop());
    const context = opts.portal ? { portalOrigin: portalOriginFor(opts.portal.port) } : undefined;
    const assembly = opts.assembly ?? (await loadTwinAssembly({ region: REGION, accountId: ACCOUNT_ID, context }));
    // Without a data directory, the S3 emulator's files go to a scratch folder removed on close.
    const scratch = await mkdtemp(join(tmpdir(), 'twin-'));
    stops.push(() => rm(scratch, { recursive: true, force: true }));
    // Each function signs with a key pair of its own, so the gate knows whose role a request runs under.
    const credentials = new Map(assembly.functions.map((fn) => [fn.logicalId, { accessKeyId: `TWIN${fn.logicalId}`, secretAccessKey: randomBytes(30).toString('base64url') }]));
    const principals = new Map<string, Principal>([[TWIN_CREDENTIALS.accessKeyId, { kind: 'operator', secretAccessKey: TWIN_CREDENTIALS.secretAccessKey }]]);
    for (const fn of assembly.functions) {
      const { accessKeyId, secretAccessKey } = credentials.get(fn.logicalId)!;
      principals.set(accessKeyId, functionPrincipal({ functionName: fn.logicalId, roleName: fn.role.name, policies: fn.role.policies, secretAccessKey }));
    }

    // The stand-ins listen on loopback ports of their own; only their gates are the endpoints.
    const services: Record<'dynamodb' | 'ses' | 's3', Service> = {
      dynamodb: await dynamodbStarting,
      ses: await startSesEmulator(),
      s3: await startS3Emulator({ dataDir: join(dataDir ?? scratch, 's3'), buckets: [assembly.bucket.name], cors: assembly.bucket.cors }),
    };
    stops.push(() => services.ses.stop(), () => services.s3.stop());
    const sfnInternalPort = await freePort();

    const cycle = assembly.stateMachines.find((s) => s.name.endsWith('YearlyCycle'));
    const unit = assembly.stateMachines.find((s) => s.name.endsWith('UnitCycle'));
    if (!cycle || !unit) throw new Error('the synthesized app has no YearlyCycle/UnitCycle state machine');

    let clockNow: () => number = () => Date.now();
    let executionOfToken: (token: string) => string | undefined = () => undefined;
    const sesIdentities = opts.ses?.verifiedIdentities ?? sendingIdentities(assembly);
    const sandbox: SesSandbox = {
      verified: new Set(sesIdentities.map((i) => i.toLowerCase())),
      refused: new Set((opts.ses?.refusedAddresses ?? []).map((a) => a.toLowerCase())),
      quota: { ...(opts.ses?.quota ?? DEFAULT_SES_QUOTA) },
      sent: [],
    };
    const refusals: GateRefusal[] = [];
    const gate = async (service: GatedService, upstream: string) => {
      const g = await startGate({
        service,
        upstream,
        port: opts.ports?.[service],
        principals,
        scope: { region: REGION, accountId: ACCOUNT_ID },
        clocks: twinClocks(() => clockNow()),
        ses: sandbox,
        executionOfToken: (token) => executionOfToken(token),
        onRefusal: (r) => {
          refusals.push(r);
          if (refusals.length > 1000) refusals.shift();
        },
        onAnswered: opts.observe,
      });
      stops.push(() => g.close());
      return g.url;
    };
    const endpoints = {
      dynamodb: await gate('dynamodb', services.dynamodb.endpoint),
      ses: await gate('ses', services.ses.endpoint),
      s3: await gate('s3', services.s3.endpoint),
      sfn: await gate('sfn', `http://127.0.0.1:${sfnInternalPort}`),
    };

    // The only thing that makes this local: where the SDK's requests go. This process acts as the operator.
    const awsEnv = {
      AWS_REGION: REGION,
      AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
      AWS_ENDPOINT_URL_SES: endpoints.ses,
      AWS_ENDPOINT_URL_S3: endpoints.s3,
      AWS_ENDPOINT_URL_SFN: endpoints.sfn,
      AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: opts.logLevel ?? process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
      POWERTOOLS_DEV: 'true',
    };
    Object.assign(process.env, {
      ...awsEnv,
      AWS_ACCESS_KEY_ID: TWIN_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TWIN_CREDENTIALS.secretAccessKey,
      ...functionEnvironment(assembly),
      CYCLE_STATE_MACHINE_ARN: cycle.arn,
    });

    await createTableIfMissing(new DynamoDBClient({}), assembly.table.name, assembly.table);

    const sfnFile = dataDir && join(dataDir, 'executions.json');
    // The latest instant a function ran at, written before each invocation: a restart never resumes the clock
    // before it. executions.json alone is written after changes, debounced, so a crash could turn the clock
    // back, and a notice claimed just before the crash would then look claimed in the future and be given up.
    const clockMark = dataDir && join(dataDir, 'clock-mark');
    const marked = clockMark && existsSync(clockMark) ? Number(readFileSync(clockMark, 'utf8')) || undefined : undefined;
    const persisted = sfnFile ? readPersistedClockTime(sfnFile) : undefined;
    const startAt = persisted !== undefined || marked !== undefined ? Math.max(persisted ?? 0, marked ?? 0) : opts.startAt;
    const clock = createClock({ startAt, mode: opts.mode });
    let lastMark = marked ?? 0;
    const markClock = () => {
      const t = clock.now();
      if (!clockMark || t <= lastMark) return;
      writeFileSync(clockMark, String(t));
      lastMark = t;
    };
    clockNow = () => clock.now();
    stops.push(() => clock.stop());
    // A scaled clock must not run while the twin is still starting (importing handlers, re-running
    // persisted executions): hold it as busy work until startTwin returns.
    let started!: () => void;
    void clock.track(new Promise<void>((resolve) => (started = resolve)));
    stops.push(() => started());
    if (opts.mode.kind !== 'real') stops.push(installClockAsDate(clock));

    // The operator's context: the use cases over the wire with the operator's credentials (scenarios, tests).
    const env = readEnv();
    // The documents bucket only when a function of the app is bound to it (DOCUMENTS_BUCKET in its environment).
    const documents = env.DOCUMENTS_BUCKET ? { documents: s3DocumentStore } : {};
    const ctx = buildContext({ repo: dynamoRepository, mailer: sesMailer, workflow: sfnWorkflow, ...documents }, env);

    // Each function is its bundled Lambda code, run through its exported `handler` (and so its own getDeps)
    // in worker threads of its own, with exactly its template environment and its own credentials.
    const bundles = await bundleFunctions(REPO_ROOT, assembly.functions.map((fn) => fn.handlerFile));
    const lambda = createLambdaRuntime({
      region: REGION,
      accountId: ACCOUNT_ID,
      now: () => clock.now(),
      containersPerFunction: opts.containersPerFunction,
      functions: assembly.functions.map((fn) => ({
        name: fn.logicalId,
        arn: fn.arn,
        moduleFile: bundles.get(fn.handlerFile)!,
        timeoutMs: fn.timeoutSeconds * 1000,
        memoryMb: fn.memoryMb,
        environment: {
          ...fn.environment,
          ...awsEnv,
          AWS_ACCESS_KEY_ID: credentials.get(fn.logicalId)!.accessKeyId,
          AWS_SECRET_ACCESS_KEY: credentials.get(fn.logicalId)!.secretAccessKey,
          AWS_LAMBDA_FUNCTION_NAME: fn.logicalId,
          AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
          AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
        },
      })),
    });
    stops.push(() => lambda.close());
    const byArn = new Map(assembly.functions.map((fn) => [fn.arn, fn]));

    const engine = createLocalStepFunctions({
      clock,
      region: REGION,
      stateMachines: assembly.stateMachines.map((s) => ({ name: s.name, arn: s.arn, definition: s.definition })),
      dataFile: sfnFile,
      keepHistory: opts.keepHistory ?? true,
      maxConcurrentInvocations: opts.concurrency ?? 64,
      invokeFunction: (arn, payload) => {
        markClock();
        return lambda.invoke(arn, payload);
      },
    });
    stops.push(() => engine.close());
    executionOfToken = (token) => engine.executionOfTaskToken(token);
    const server: SfnServer = await startSfnServer(engine, { port: sfnInternalPort, clock });
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
      const fn = byArn.get(r.function.arn)!;
      return {
        routeKey: r.routeKey,
        auth: r.auth && { ...r.auth, issuer: r.auth.issuer === awsIssuer ? issuer.url : r.auth.issuer },
        functionName: fn.logicalId,
        timeoutMs: fn.timeoutSeconds * 1000,
        integrationTimeoutMs: r.integrationTimeoutMs,
        invoke: (event, context) => {
          markClock();
          return lambda.invoke(fn.arn, event, { awsRequestId: context.awsRequestId });
        },
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
        config: { apiUrl: gateway.url, region: REGION, userPoolId: issuer.poolId, clientId: issuer.clientId, cognitoEndpoint: issuer.endpoint },
        uploadOrigins: [endpoints.s3],
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
        ...endpoints,
        inbox: `${endpoints.ses}/`,
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
      lambda,
      refusals,
      ses: { verified: sandbox.verified, refuse: (address) => void sandbox.refused.add(address.toLowerCase()) },
      inbox: () => readInbox(services.ses.endpoint),
      close: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
