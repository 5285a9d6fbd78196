/**
 * The city's dashboard at scale on the twin: response size and time per page over HTTP, walking every page.
 *
 *   npm run bench -- dashboard [--units 2800] [--limit 50,100]
 *
 * The twin (DynamoDB Local in memory, the API Gateway stand-in with its JWT authorizer and, since finding 8,
 * Lambda's 6 MB response limit), a plan of `--units` generated units stored as startCycle stores it, and the
 * year's end seeded as the DynamoDB repository's own items (see seed), so every row is as large as it gets:
 * every deliverable submitted (the self-assessment with a 100-community roster), 17 sent emails per unit
 * (what the simulator sends per unit in a year), a scored decision per unit (every 7th returned once, then
 * approved: two decisions), an outcome, an extension for every 50th unit, a late first version for every
 * 10th, the last progress report missing for every 25th. No execution runs: the clock stands at 2 December 2016 (after the forwarding to the province).
 *
 * Measured: each page of a walk over every unit (GET /cycles/{cycleId}/dashboard?limit=L&cursor=...), once per
 * limit, with the city's token: bytes of the body, milliseconds from request to the last byte; then the first
 * page of each filter at the last limit.
 * The first page is requested once before the walk (warm-up: connections, JIT, the plan cache).
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import type { DeliverableStatus, Extension, LedgerEntry, ReviewDecision, SubmissionVersion, UnitOutcomeRecord } from '../core/model';
import { generatePlan } from '../core/plan/generate';
import type { Plan } from '../core/plan/schema';
import { deriveSchedule } from '../core/plan/schedule';
import { validatePlan } from '../core/plan/validate';
import { assessSelfAssessment } from '../core/self-assessment';
import { canonicalJson } from '../core/use-cases/cycle';
import { DASHBOARD_FILTERS } from '../core/use-cases/views';
import { CITY_USERNAME, usersFromPlan } from '../local/api/users';
import { exampleSelfAssessment } from '../local/scenario';
import { startTwin, type Twin } from '../local/twin';
import { wallClockNow } from '../local/clock';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ENTITY, gsi1, keys, listingShard, TOTALS_ATTRIBUTE, TOTALS_ENTITY, totalsKey } from '../core/adapters/dynamodb/keys';
import { createHash } from 'node:crypto';

const ROOT = join(import.meta.dirname, '..');
const DAY = 86_400_000;

export interface DashboardOptions {
  /** @default 2800 */
  units?: number;
  /** Units per page, one walk each. @default [50, 100] (the route's default and maximum) */
  limits?: number[];
  /** BatchWriteItem requests at once while seeding. @default 8 */
  concurrency?: number;
}

const iso = (ms: number) => new Date(ms).toISOString();
const percentile = (sorted: number[], p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];

async function inParallel<T>(items: T[], concurrency: number, run: (item: T, i: number) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) await run(items[i], i);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

type Item = Record<string, unknown>;

/**
 * The year's end for every unit, written as the repository's own items (keys and GSI keys from the one keys
 * module, entity types, the item shapes addSubmission, recordDecision, recordOutcome, grantExtension and the
 * ledger write) with BatchWriteItem, and the cycle's counter items as those write paths would have left them:
 * about 2 requests per unit instead of 40, so seeding 2,800 units takes a minute or two, not half an hour. The
 * write paths themselves (and that they keep the counters) are tested in test/integration/dynamodb-repository.test.ts.
 */
async function seed(twin: Twin, plan: Plan, concurrency: number) {
  const TableName = twin.assembly.table.name;
  // The functions' DocumentClient settings; the endpoint from AWS_ENDPOINT_URL_DYNAMODB, which the twin set.
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
  const schedule = deriveSchedule(plan);
  const slots = schedule.phases.flatMap((p) => p.deliverables);
  const reviewed = schedule.review.deliverableId;
  const selfAssessment = exampleSelfAssessment(plan, 100);
  const { errors: _errors, ...assessed } = assessSelfAssessment(plan, selfAssessment);
  const stored = { ...selfAssessment, ...assessed };
  const scores = plan.rubric.items.filter((i) => i.kind === 'standard').map((i) => ({ itemId: i.id, score: i.maxPoints, reason: '材料齐全，符合评分标准。' }));
  const decidedAt = Date.parse(schedule.review.opensAt) + DAY;
  const cycleId = plan.cycleId;
  const counters = new Map<number, Record<string, number>>();
  const count = (unitId: string, attribute: string) => {
    const c = counters.get(listingShard(unitId)) ?? {};
    c[attribute] = (c[attribute] ?? 0) + 1;
    counters.set(listingShard(unitId), c);
  };

  const unitItems = (unit: Plan['units'][number], n: number): Item[] => {
    const items: Item[] = [];
    for (const [k, slot] of slots.entries()) {
      // Every 25th unit never sends the deliverable before the self-assessment: rows with a missing one.
      if (n % 25 === 5 && k === slots.length - 2) continue;
      const late = n % 10 === 0 && k === 0;
      const receivedAt = iso(Date.parse(slot.dueAt) + (late ? 2 * DAY : -2 * DAY));
      const d = slot.deliverableId;
      const version: SubmissionVersion = {
        cycleId, unitId: unit.id, deliverableId: d, version: 1, receivedAt, onTime: !late, submittedBy: `${unit.id}-staff`,
        narrative: '按计划报送。', documents: [], ...(d === reviewed ? { selfAssessment: stored } : {}),
      };
      const status: DeliverableStatus = { cycleId, unitId: unit.id, deliverableId: d, latestVersion: 1, firstReceivedAt: receivedAt, lastReceivedAt: receivedAt, onTime: !late, latestOnTime: !late };
      items.push({ ...status, ...keys.deliverable(cycleId, unit.id, d), entityType: ENTITY.deliverable });
      items.push({ ...version, ...keys.submission(cycleId, unit.id, d, 1), ...gsi1.submission(cycleId, unit.id, d, 1, receivedAt), entityType: ENTITY.submission });
      count(unit.id, TOTALS_ATTRIBUTE.firstVersion(d, !late));
    }
    // 17 sent emails: opening notices, reminders, receipts and the outcome, as the simulator's year sends per unit.
    const kinds: Array<[LedgerEntry['kind'], string]> = [
      ...schedule.phases.slice(0, 3).map((p) => ['phase-opened', p.kind] as [LedgerEntry['kind'], string]),
      ...slots.flatMap((x) => [['reminder', `${x.deliverableId}#${x.lastDay}#D-3`], ['receipt', `${x.deliverableId}#v1`]] as Array<[LedgerEntry['kind'], string]>),
    ];
    while (kinds.length < 16) kinds.push(['reminder', `${slots[kinds.length % slots.length].deliverableId}#${slots[kinds.length % slots.length].lastDay}#D-${kinds.length}`]);
    kinds.push(['outcome', 'round-1']);
    const sentAt = iso(decidedAt - DAY);
    for (const [kind, milestone] of kinds) {
      const key = { cycleId, unitId: unit.id, kind, milestone, recipient: unit.office.email };
      const entry: LedgerEntry = { ...key, status: 'sent', subject: `【${kind}】${unit.name}`, cc: [unit.leader.email], claimedAt: sentAt, sentAt, messageId: `bench-${n}-${kind}-${milestone}` };
      items.push({ ...entry, ...keys.message(key), ...gsi1.message(key, sentAt), entityType: ENTITY.message });
    }
    // A scored decision (every 7th unit returned once first), the outcome, an extension for every 50th.
    const returned = n % 7 === 0;
    const decisions: ReviewDecision[] = [
      ...(returned
        ? [{ cycleId, unitId: unit.id, round: 1, version: 1, outcome: 'returned' as const, reason: '请补充社区创建台账及入户走访记录。', scores, cityScore: 95, rectificationLastDay: '2016-11-18', decidedBy: CITY_USERNAME, decidedAt: iso(decidedAt) }]
        : []),
      { cycleId, unitId: unit.id, round: returned ? 2 : 1, version: 1, outcome: 'approved', scores, cityScore: 100, decidedBy: CITY_USERNAME, decidedAt: iso(decidedAt + (returned ? 7 * DAY : 0)) },
    ];
    for (const d of decisions) items.push({ ...d, ...keys.decision(cycleId, unit.id, d.round), ...gsi1.decision(cycleId, unit.id, d.round, d.decidedAt), entityType: ENTITY.decision });
    const outcome: UnitOutcomeRecord = { cycleId, unitId: unit.id, outcome: 'qualified', recordedAt: iso(decidedAt + 8 * DAY) };
    items.push({ ...outcome, ...keys.outcome(cycleId, unit.id), ...gsi1.outcome(cycleId, unit.id, outcome.recordedAt), entityType: ENTITY.outcome });
    count(unit.id, TOTALS_ATTRIBUTE.outcome('qualified'));
    if (n % 50 === 0) {
      const slot = slots.find((x) => x.deliverableId === reviewed)!;
      const x: Extension = {
        cycleId, unitId: unit.id, deliverableId: reviewed, lastDay: '2016-11-16', previousLastDay: slot.lastDay,
        grantedBy: CITY_USERNAME, grantedAt: iso(Date.parse(slot.dueAt) - 5 * DAY), reason: '县领导班子调整，申请延期一周。',
      };
      items.push({ ...x, ...keys.extension(cycleId, unit.id, reviewed, x.grantedAt), ...gsi1.extension(cycleId, unit.id, reviewed, x.grantedAt), entityType: ENTITY.extension });
    }
    return items;
  };

  const batches: Item[][] = [];
  for (const [n, unit] of plan.units.entries()) {
    const items = unitItems(unit, n);
    for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  }
  for (const [shard, c] of counters) batches.push([{ ...totalsKey(cycleId, shard), entityType: TOTALS_ENTITY, cycleId, ...c }]);
  await inParallel(batches, concurrency, async (batch) => {
    let requests = batch.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; requests.length; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** attempt)));
      const res = await doc.send(new BatchWriteCommand({ RequestItems: { [TableName]: requests } }));
      requests = (res.UnprocessedItems?.[TableName] ?? []) as typeof requests;
    }
  });
  doc.destroy();
}

export async function benchDashboard(opts: DashboardOptions = {}): Promise<string> {
  const { units: unitCount = 2800, limits = [50, 100], concurrency = 8 } = opts;
  const checked = validatePlan(JSON.parse(readFileSync(join(ROOT, 'plans/nanping-2016.json'), 'utf8')));
  if (!checked.ok) throw new Error('the example plan does not validate');
  const plan = generatePlan({ units: unitCount, base: checked.plan });
  const now = Date.parse('2016-12-02T02:00:00Z');
  const twin = await startTwin({
    startAt: now,
    mode: { kind: 'simulated' },
    users: usersFromPlan(plan).filter((u) => u.username === CITY_USERNAME),
    keepHistory: false,
    logLevel: 'ERROR',
  });
  try {
    const setup = performance.now();
    await twin.ctx.repo.storePlan(plan, createHash('sha256').update(canonicalJson(plan)).digest('hex'), iso(now));
    await seed(twin, plan, concurrency);
    const seedSeconds = (performance.now() - setup) / 1000;

    const token = await twin.tokenFor(CITY_USERNAME);
    type Body = { totals: Record<string, number>; units: unknown[]; page: { next: string | null } };
    const get = async (query: string) => {
      const t = performance.now();
      const res = await fetch(`${twin.endpoints.api}/cycles/${plan.cycleId}/dashboard?${query}`, { headers: { authorization: `Bearer ${token}` } });
      const body = Buffer.from(await res.arrayBuffer());
      const ms = performance.now() - t;
      if (res.status !== 200) throw new Error(`dashboard ${query}: ${res.status} ${body.toString('utf8').slice(0, 300)}`);
      return { ms, bytes: body.length, json: JSON.parse(body.toString('utf8')) as Body };
    };
    await get(`limit=${limits[0]}`);

    const kb = (b: number) => `${(b / 1024).toFixed(0)} KB`;
    const lines: string[] = [];
    let totals: Record<string, number> = {};
    const filters: string[] = [];
    for (const limit of limits) {
      const pages: Array<{ ms: number; bytes: number; rows: number }> = [];
      let cursor: string | null = null;
      const walk = performance.now();
      do {
        const r = await get(`limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
        pages.push({ ms: r.ms, bytes: r.bytes, rows: r.json.units.length });
        totals = r.json.totals;
        cursor = r.json.page.next;
      } while (cursor);
      const walkMs = performance.now() - walk;
      const ms = pages.map((p) => p.ms).sort((a, b) => a - b);
      const bytes = pages.map((p) => p.bytes).sort((a, b) => a - b);
      lines.push(
        `| ${limit} | ${pages.length} | ${pages.reduce((n, p) => n + p.rows, 0).toLocaleString('en')} | ${kb(bytes[0])} / ${kb(percentile(bytes, 50))} / ${kb(bytes.at(-1)!)} | ` +
          `${ms[0].toFixed(0)} / ${percentile(ms, 50).toFixed(0)} / ${percentile(ms, 99).toFixed(0)} / ${ms.at(-1)!.toFixed(0)} | ` +
          `${(walkMs / 1000).toFixed(1)} s | ${(bytes.reduce((a, b) => a + b, 0) / 2 ** 20).toFixed(1)} MB |`,
      );
    }
    const last = limits.at(-1)!;
    for (const f of DASHBOARD_FILTERS) {
      const r = await get(`limit=${last}&filter=${f}`);
      filters.push(`${f}: ${r.json.units.length} of ${last} rows, ${kb(r.bytes)}, ${r.ms.toFixed(0)} ms`);
    }
    return [
      `Node ${process.version}, ${new Date(wallClockNow()).toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model.trim()}), ${(totalmem() / 2 ** 30).toFixed(0)} GB, ` +
        `load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')} at the end (other processes share the cores); ` +
        `the bench client, the gateway and the handler share one node process, DynamoDB Local (in memory) its JVM. ` +
        `${unitCount.toLocaleString('en')} units seeded in ${seedSeconds.toFixed(1)} s.`,
      '',
      '| limit | pages | rows | bytes per page: min / median / max | ms per page: min / p50 / p99 / max | whole walk | all rows together |',
      '|---|---|---|---|---|---|---|',
      ...lines,
      '',
      `Totals on every page: ${JSON.stringify(totals)}.`,
      `First page of each filter: ${filters.join('; ')}.`,
    ].join('\n');
  } finally {
    await twin.close();
  }
}
