/**
 * Latency and throughput of the HTTP API's write routes on the twin, beside a bare DynamoDB Local write
 * measured in the same run against the same DynamoDB Local with the same SDK client settings.
 *
 *   npm run bench -- api [--units 200] [--requests 1000] [--concurrency 8] [--warmup 20]
 *
 * The twin: simulated clock, DynamoDB Local in memory, a generated plan of `--units` units, users from
 * the plan, the API Gateway stand-in with the real handlers and JWT authorizer. The stage's throttle
 * (apiRateLimit 50/s, burst 100) is lifted through CDK context so that it measures the routes, not the
 * configured limit. The clock is run to the middle of the self-assessment phase and then held still while
 * measuring (simulated time only moves in runUntil), so nothing of the workflows runs beside the requests
 * except what a request itself sets off.
 *
 * Rows:
 * - bare write: `--requests` PutItem calls of an audit-sized item (PK `BENCH#api`, conditional put, GSI1
 *   keys like an audit entry) with the DocumentClient settings the functions use;
 * - submit (bulk): `--requests` POST .../deliverables/{d}/versions of the last deliverable before the
 *   self-assessment phase (late by then: accepted and flagged), round-robin over the units, each with its
 *   county's access token;
 * - submit self-assessment: one POST per unit of the reviewed deliverable with a structured
 *   self-assessment (every standard item scored, a roster of 100 communities);
 * - decide: after the clock reaches the review's opening, PUT .../reviews/1/decision {approved} for every
 *   unit but the warm-up ones, with the city's token: half at `--concurrency`, half at 1.
 * The bare write and the bulk submit also run at concurrency 1 (at most 200 requests) to show a request's
 * latency without queueing, and the bare write once more after the decisions. The last column counts the
 * SDK requests (DynamoDB, SES, SFN) made while a row ran, per request: the route's own, and for a decision
 * also what the unit's execution does next in the same process.
 * Percentiles are exact (nearest rank over the sorted latencies); throughput is requests / wall time of
 * the measured batch; an error is any response whose status is not the route's success status.
 */
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESClient } from '@aws-sdk/client-ses';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { generatePlan } from '../core/plan/generate';
import { deriveSchedule } from '../core/plan/schedule';
import { validatePlan } from '../core/plan/validate';
import { atLocalTime } from '../core/time';
import { startCycle } from '../core/use-cases/cycle';
import { CITY_USERNAME, usersFromPlan } from '../local/api/users';
import { loadTwinAssembly } from '../local/assembly';
import { wallClockNow } from '../local/clock';
import { exampleSelfAssessment } from '../local/scenario';
import { startTwin, type Twin } from '../local/twin';

const ROOT = join(import.meta.dirname, '..');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** One request: resolves to its HTTP status (or 200 for a DynamoDB call that succeeded). */
type Job = () => Promise<number>;

interface Row {
  name: string;
  requests: number;
  concurrency: number;
  p50: number;
  p99: number;
  max: number;
  throughput: number;
  errors: number;
  /** Requests to each service per request of the row, counted at the SDK clients while it ran. */
  calls: string;
}

/** Exact nearest-rank percentile of sorted values. */
const percentile = (sorted: number[], p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];

/** SDK requests by service and command, counted at the clients' send (the twin's handlers and this bench). */
const sdkCalls = new Map<string, number>();
let counting = false;
function countSdkCalls() {
  // Once per process: a second run (the suite's smoke run, then another) must not count each request twice.
  if (counting) return;
  counting = true;
  for (const [service, Client] of [['DynamoDB', DynamoDBDocumentClient], ['DynamoDB', DynamoDBClient], ['SES', SESClient], ['SFN', SFNClient]] as const) {
    const proto = Client.prototype as unknown as { send: (command: object, ...rest: unknown[]) => Promise<unknown> };
    const send = proto.send;
    proto.send = function (this: unknown, command: object, ...rest: unknown[]) {
      const key = `${service} ${command.constructor.name.replace(/Command$/, '')}`;
      sdkCalls.set(key, (sdkCalls.get(key) ?? 0) + 1);
      return send.call(this, command, ...rest);
    };
  }
}
/** The DocumentClient sends through the DynamoDBClient's handler, not its send: each request is counted once. */
const snapshot = () => new Map(sdkCalls);
function callsSince(before: Map<string, number>, requests: number): string {
  const by = new Map<string, number>();
  for (const [k, v] of sdkCalls) {
    const d = v - (before.get(k) ?? 0);
    if (d > 0) by.set(k, d);
  }
  const total = (service: string) => [...by].filter(([k]) => k.startsWith(`${service} `)).reduce((s, [, v]) => s + v, 0);
  const per = (n: number) => (n / requests).toFixed(2).replace(/\.00$/, '');
  const detail = [...by].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k.split(' ')[1]} ${per(v)}`).join(', ');
  const parts = ['DynamoDB', 'SES', 'SFN'].filter((s) => total(s) > 0).map((s) => `${s} ${per(total(s))}`);
  return parts.length ? `${parts.join(', ')} (${detail})` : '-';
}

async function run(name: string, jobs: Job[], concurrency: number, ok: number, failures: string[]): Promise<Row> {
  const latencies: number[] = new Array(jobs.length);
  let errors = 0;
  let next = 0;
  const before = snapshot();
  const started = performance.now();
  const worker = async () => {
    for (let i = next++; i < jobs.length; i = next++) {
      const t = performance.now();
      let status: number;
      try {
        status = await jobs[i]();
      } catch (error) {
        status = 0;
        if (failures.length < 5) failures.push(`${name}: ${(error as Error).message}`);
      }
      latencies[i] = performance.now() - t;
      if (status !== ok) {
        errors++;
        if (status >= 200 && status < 300 && failures.length < 5) failures.push(`${name}: ${status} where ${ok} was expected`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, worker));
  const wall = performance.now() - started;
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    name,
    requests: jobs.length,
    concurrency,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1],
    throughput: (jobs.length / wall) * 1000,
    errors,
    calls: callsSince(before, jobs.length),
  };
}

export interface ApiOptions {
  /** @default 200 */
  units?: number;
  /** @default 1000 */
  requests?: number;
  /** @default 8 */
  concurrency?: number;
  /** @default 20 */
  warmup?: number;
}

export async function benchApi(opts: ApiOptions = {}): Promise<string> {
  const { units: unitCount = 200, requests = 1000, concurrency = 8, warmup = 20 } = opts;
  const serial = Math.min(200, requests);
  if (unitCount <= warmup) throw new Error(`--units must be more than --warmup (${warmup}): the warm-up decides units of their own`);
  const checked = validatePlan(JSON.parse(readFileSync(join(ROOT, 'plans/nanping-2016.json'), 'utf8')));
  if (!checked.ok) throw new Error('the example plan does not validate');
  const plan = generatePlan({ units: unitCount, base: checked.plan });
  const schedule = deriveSchedule(plan);

  // Where the year stands: the reviewed deliverable's phase is open, the one before it has closed.
  const reviewedId = schedule.review.deliverableId;
  const reviewedPhase = schedule.phases.findIndex((p) => p.deliverables.some((d) => d.deliverableId === reviewedId));
  const reviewedDue = Date.parse(schedule.phases[reviewedPhase].deliverables.find((d) => d.deliverableId === reviewedId)!.dueAt);
  const bulk = schedule.phases[reviewedPhase - 1].deliverables.at(-1)!;
  const submitAt = Date.parse(schedule.phases[reviewedPhase].opensAt) + 2 * DAY + HOUR;
  const decideAt = Date.parse(schedule.review.opensAt) + HOUR;
  if (!(submitAt < reviewedDue && submitAt > Date.parse(bulk.dueAt))) throw new Error('the plan\'s dates do not fit this benchmark');

  countSdkCalls();
  const assembly = await loadTwinAssembly({ context: { apiRateLimit: 1_000_000, apiBurstLimit: 1_000_000 } });
  const twin: Twin = await startTwin({
    startAt: atLocalTime(plan.phases[0].opens, '00:00').toMillis(),
    mode: { kind: 'simulated' },
    users: usersFromPlan(plan),
    assembly,
    keepHistory: false,
    logLevel: 'ERROR',
  });
  const failures: string[] = [];
  try {
    const setup = performance.now();
    await twin.clock.track(() => startCycle(twin.ctx, { plan, startedBy: 'city-admin' }));
    await twin.clock.runUntil(submitAt);
    const setupSeconds = (performance.now() - setup) / 1000;

    const api = twin.endpoints.api;
    const cycle = plan.cycleId;
    const units = plan.units.map((u) => u.id);
    const tokens = new Map<string, string>();
    for (const id of [CITY_USERNAME, ...units]) tokens.set(id, await twin.tokenFor(id));
    const send = async (method: string, path: string, user: string, body: unknown) => {
      const res = await fetch(`${api}${path}`, {
        method,
        headers: { authorization: `Bearer ${tokens.get(user)}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const text = await res.text();
      if (res.status >= 300 && failures.length < 5) failures.push(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
      return res.status;
    };
    const versions = (unitId: string, deliverableId: string) => `/cycles/${cycle}/units/${unitId}/deliverables/${deliverableId}/versions`;
    const submitBulk = (i: number): Job => () =>
      send('POST', versions(units[i % units.length], bulk.deliverableId), units[i % units.length], { narrative: `第${i + 1}次报送：实施推广阶段工作进展。` });
    const selfAssessment = { ...exampleSelfAssessment(plan, 100) };
    const submitReviewed = (unitId: string): Job => () => send('POST', versions(unitId, reviewedId), unitId, { selfAssessment });
    const decide = (unitId: string): Job => () => send('PUT', `/cycles/${cycle}/units/${unitId}/reviews/1/decision`, CITY_USERNAME, { outcome: 'approved' });

    // The bare write: the functions' DocumentClient settings (the endpoint from AWS_ENDPOINT_URL_DYNAMODB, which
    // the twin set to its DynamoDB Local), the twin's table, keys of its own.
    const bare = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
    let seq = 0;
    const put = (): Job => async () => {
      const n = String(seq++).padStart(8, '0');
      const at = new Date(twin.clock.now()).toISOString();
      await bare.send(
        new PutCommand({
          TableName: twin.assembly.table.name,
          Item: {
            PK: 'BENCH#api', SK: `WRITE#${at}#${n}`, GSI1PK: 'BENCH#api', GSI1SK: `WRITE#${at}#${n}`, entityType: 'Bench',
            cycleId: cycle, unitId: units[0], at, actor: units[0], role: 'county', action: 'submit',
            what: { deliverableId: bulk.deliverableId, version: seq, onTime: false },
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return 200;
    };

    const rows: Row[] = [];
    const bareRows: Row[] = [];
    const times = (n: number, job: (i: number) => Job) => Array.from({ length: n }, (_, i) => job(i));
    // Warm-up: connections, JIT, the plan cache and the JWKS cache.
    await run('warm-up', times(warmup, put), concurrency, 200, []);
    await run('warm-up', times(warmup, (i) => submitBulk(requests + i)), concurrency, 201, failures);

    bareRows.push(await run('bare DynamoDB Local PutItem', times(requests, put), concurrency, 200, failures));
    rows.push(await run(`submit ${bulk.deliverableId} (late; no self-assessment)`, times(requests, submitBulk), concurrency, 201, failures));
    bareRows.push(await run('bare DynamoDB Local PutItem', times(serial, put), 1, 200, failures));
    rows.push(await run(`submit ${bulk.deliverableId} (late; no self-assessment)`, times(serial, (i) => submitBulk(requests + warmup + i)), 1, 201, failures));

    // The self-assessment: one per unit (a second version would be reviewed instead of the first).
    await run('warm-up', units.slice(0, warmup).map(submitReviewed), concurrency, 201, failures);
    rows.push(await run(`submit ${reviewedId} (100-community roster)`, units.slice(warmup).map(submitReviewed), concurrency, 201, failures));

    // The review opens; every unit's round 1 waits for the city's decision.
    const toReview = performance.now();
    await twin.clock.runUntil(decideAt);
    const reviewSeconds = (performance.now() - toReview) / 1000;
    const waiting = await Promise.all(units.map((u) => twin.ctx.repo.getWaitToken(cycle, u, 'review', '1')));
    const notWaiting = units.filter((_, i) => !waiting[i]);
    if (notWaiting.length) throw new Error(`review round 1 is not waiting for ${notWaiting.length} unit(s), e.g. ${notWaiting[0]}`);
    await run('warm-up', units.slice(0, warmup).map(decide), concurrency, 201, failures);
    // What the decisions set off (each unit's execution goes on to record its outcome) runs beside the later ones.
    const half = warmup + Math.floor((units.length - warmup) / 2);
    rows.push(await run('decide round 1 (approved)', units.slice(warmup, half).map(decide), concurrency, 201, failures));
    await twin.clock.runUntil(twin.clock.now());
    bareRows.push(await run('bare DynamoDB Local PutItem (after the decisions)', times(requests, put), concurrency, 200, failures));
    rows.push(await run('decide round 1 (approved)', units.slice(half).map(decide), 1, 201, failures));
    // Let the executions the last decisions set off finish before the twin closes.
    await twin.clock.runUntil(twin.clock.now());

    const bareP50 = (c: number) => bareRows.find((r) => r.concurrency === c)!.p50;
    const ms = (v: number) => v.toFixed(1);
    const line = (r: Row, ratio: string) =>
      `| ${r.name} | ${r.requests.toLocaleString('en')} | ${r.concurrency} | ${ms(r.p50)} | ${ms(r.p99)} | ${ms(r.max)} | ${r.throughput.toFixed(0)} | ${r.errors} | ${ratio} | ${r.calls} |`;
    return [
      `Node ${process.version}, ${new Date(wallClockNow()).toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model.trim()}), ${(totalmem() / 2 ** 30).toFixed(0)} GB; ` +
        `the bench client, the gateway, the handlers and the SES emulator share one node process, DynamoDB Local (in memory) its JVM. ` +
        `${unitCount} units; setup to ${new Date(submitAt).toISOString()} took ${setupSeconds.toFixed(1)} s, to the review's opening ${reviewSeconds.toFixed(1)} s more. ` +
        `Warm-up ${warmup} requests per route; API throttle lifted.`,
      '',
      '| route | requests | concurrency | p50 ms | p99 ms | max ms | throughput req/s | errors | p50 / bare-write p50 | SDK requests per request, counted (by command) |',
      '|---|---|---|---|---|---|---|---|---|---|',
      ...bareRows.map((r) => line(r, `${(r.p50 / bareP50(r.concurrency)).toFixed(1)}`)),
      ...rows.map((r) => line(r, `${(r.p50 / bareP50(r.concurrency)).toFixed(1)}`)),
      ...(failures.length ? ['', 'First failures:', ...failures.map((f) => `- ${f}`)] : []),
    ].join('\n');
  } finally {
    await twin.close();
  }
}
