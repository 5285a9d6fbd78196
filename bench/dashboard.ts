/**
 * The city's dashboard at scale on the twin: response size and time per page over HTTP, walking every page.
 *
 *   npm run bench -- dashboard [--units 2800] [--limit 100]
 *
 * The twin (DynamoDB Local in memory, the API Gateway stand-in with its JWT authorizer and, since finding 8,
 * Lambda's 6 MB response limit), a plan of `--units` generated units stored as startCycle stores it, and the
 * year's end seeded through the DynamoDB repository the functions use (the ledger's items written in batches
 * with the keys module's keys), so every row is as large as it gets:
 * every deliverable submitted (the self-assessment with a 100-community roster), 17 sent emails per unit
 * (what the simulator sends per unit in a year), a scored decision per unit (every 7th returned once, then
 * approved: two decisions), an outcome, an extension for every 50th unit, a late first version for every
 * 10th. No execution runs: the clock stands at 2 December 2016 (after the forwarding to the province).
 *
 * Measured: each page of the walk (GET /cycles/{cycleId}/dashboard?limit=L&cursor=...) with the city's
 * token: bytes of the body, milliseconds from request to the last byte; then the first page of each filter.
 * The first page is requested once before the walk (warm-up: connections, JIT, the plan cache).
 */
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { LedgerEntry } from '../core/model';
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
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ENTITY, gsi1, keys } from '../core/adapters/dynamodb/keys';
import { createHash } from 'node:crypto';

const ROOT = join(import.meta.dirname, '..');
const DAY = 86_400_000;

export interface DashboardOptions {
  /** @default 2800 */
  units?: number;
  /** Units per page. @default 100 (the route's maximum) */
  limit?: number;
  /** Units seeded at once. @default 32 */
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

/** The year's end for every unit, through the repository's own write paths (so the counters are kept as on AWS). */
async function seed(twin: Twin, plan: Plan, concurrency: number) {
  const repo = twin.ctx.repo;
  const table = twin.assembly.table.name;
  // The functions' DocumentClient settings; the endpoint from AWS_ENDPOINT_URL_DYNAMODB, which the twin set.
  const ledger = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
  const schedule = deriveSchedule(plan);
  const slots = schedule.phases.flatMap((p) => p.deliverables);
  const reviewed = schedule.review.deliverableId;
  const selfAssessment = exampleSelfAssessment(plan, 100);
  const assessed = { ...selfAssessment, ...assessSelfAssessment(plan, selfAssessment) };
  const { errors: _errors, ...stored } = assessed;
  const scores = plan.rubric.items.filter((i) => i.kind === 'standard').map((i) => ({ itemId: i.id, score: i.maxPoints, reason: '材料齐全，符合评分标准。' }));
  const decidedAt = Date.parse(schedule.review.opensAt) + DAY;
  await inParallel(plan.units, concurrency, async (unit, n) => {
    const cycleId = plan.cycleId;
    for (const [k, slot] of slots.entries()) {
      const late = n % 10 === 0 && k === 0;
      const receivedAt = iso(Date.parse(slot.dueAt) + (late ? 2 * DAY : -2 * DAY));
      await repo.addSubmission({
        cycleId, unitId: unit.id, deliverableId: slot.deliverableId, receivedAt, onTime: !late, submittedBy: `${unit.id}-staff`,
        narrative: '按计划报送。', documents: [],
        ...(slot.deliverableId === reviewed ? { selfAssessment: stored } : {}),
      });
    }
    // 17 sent emails: opening notices, reminders, receipts and the outcome, as the simulator's year sends them.
    const kinds: Array<[LedgerEntry['kind'], string]> = [
      ...schedule.phases.slice(0, 3).map((p) => ['phase-opened', p.kind] as [LedgerEntry['kind'], string]),
      ...slots.flatMap((s) => [['reminder', `${s.deliverableId}#${s.lastDay}#D-3`], ['receipt', `${s.deliverableId}#v1`]] as Array<[LedgerEntry['kind'], string]>),
    ];
    while (kinds.length < 16) kinds.push(['reminder', `${slots[kinds.length % slots.length].deliverableId}#D-${kinds.length}`]);
    kinds.push(['outcome', 'round-1']);
    // Written as the ledger's own items (keys from the one keys module) in one batch: the ledger's claim-and-mark
    // round trips are not what this bench measures, and 2,800 x 17 x 2 of them would take most of its time.
    const sentAt = iso(decidedAt - DAY);
    await ledger.send(
      new BatchWriteCommand({
        RequestItems: {
          [table]: kinds.map(([kind, milestone]) => {
            const key = { cycleId, unitId: unit.id, kind, milestone, recipient: unit.office.email };
            const entry: LedgerEntry = { ...key, status: 'sent', subject: `【${kind}】${unit.name}`, cc: [unit.leader.email], claimedAt: sentAt, sentAt, messageId: `bench-${n}-${kind}` };
            return { PutRequest: { Item: { ...entry, ...keys.message(key), ...gsi1.message(key, sentAt), entityType: ENTITY.message } } };
          }),
        },
      }),
    );
    const returned = n % 7 === 0;
    if (returned) {
      await repo.recordDecision({
        cycleId, unitId: unit.id, round: 1, version: 1, outcome: 'returned', reason: '请补充社区创建台账及入户走访记录。', scores, cityScore: 95,
        rectificationLastDay: '2016-11-18', decidedBy: CITY_USERNAME, decidedAt: iso(decidedAt),
      });
    }
    await repo.recordDecision({
      cycleId, unitId: unit.id, round: returned ? 2 : 1, version: 1, outcome: 'approved', scores, cityScore: 100, decidedBy: CITY_USERNAME,
      decidedAt: iso(decidedAt + (returned ? 7 * DAY : 0)),
    });
    await repo.recordOutcome(cycleId, unit.id, 'qualified', iso(decidedAt + 8 * DAY));
    if (n % 50 === 0) {
      const slot = slots.find((s) => s.deliverableId === reviewed)!;
      await repo.grantExtension({
        cycleId, unitId: unit.id, deliverableId: reviewed, lastDay: '2016-11-16', previousLastDay: slot.lastDay,
        grantedBy: CITY_USERNAME, grantedAt: iso(Date.parse(slot.dueAt) - 5 * DAY), reason: '县领导班子调整，申请延期一周。',
      });
    }
  });
}

export async function benchDashboard(opts: DashboardOptions = {}): Promise<string> {
  const { units: unitCount = 2800, limit = 100, concurrency = 32 } = opts;
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
    const get = async (query: string) => {
      const t = performance.now();
      const res = await fetch(`${twin.endpoints.api}/cycles/${plan.cycleId}/dashboard?${query}`, { headers: { authorization: `Bearer ${token}` } });
      const body = Buffer.from(await res.arrayBuffer());
      const ms = performance.now() - t;
      if (res.status !== 200) throw new Error(`dashboard ${query}: ${res.status} ${body.toString('utf8').slice(0, 300)}`);
      return { ms, bytes: body.length, json: JSON.parse(body.toString('utf8')) as { totals: Record<string, number>; units: unknown[]; page: { next: string | null } } };
    };
    await get(`limit=${limit}`);

    const pages: Array<{ ms: number; bytes: number; rows: number }> = [];
    let cursor: string | null = null;
    let totals: Record<string, number> = {};
    const walk = performance.now();
    do {
      const r = await get(`limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      pages.push({ ms: r.ms, bytes: r.bytes, rows: r.json.units.length });
      totals = r.json.totals;
      cursor = r.json.page.next;
    } while (cursor);
    const walkMs = performance.now() - walk;
    const filters = [];
    for (const f of DASHBOARD_FILTERS) {
      const r = await get(`limit=${limit}&filter=${f}`);
      filters.push(`${f}: ${r.json.units.length} of ${limit} rows, ${(r.bytes / 1024).toFixed(0)} KB, ${r.ms.toFixed(0)} ms`);
    }

    const ms = pages.map((p) => p.ms).sort((a, b) => a - b);
    const bytes = pages.map((p) => p.bytes).sort((a, b) => a - b);
    const rows = pages.reduce((n, p) => n + p.rows, 0);
    const kb = (b: number) => `${(b / 1024).toFixed(0)} KB`;
    return [
      `Node ${process.version}, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model.trim()}), ${(totalmem() / 2 ** 30).toFixed(0)} GB; ` +
        `the bench client, the gateway and the handler share one node process, DynamoDB Local (in memory) its JVM. ` +
        `${unitCount.toLocaleString('en')} units seeded in ${seedSeconds.toFixed(1)} s; pages of ${limit}.`,
      '',
      '| pages | rows | bytes per page: min / median / max | ms per page: min / p50 / p99 / max | whole walk | all rows together |',
      '|---|---|---|---|---|---|',
      `| ${pages.length} | ${rows.toLocaleString('en')} | ${kb(bytes[0])} / ${kb(percentile(bytes, 50))} / ${kb(bytes.at(-1)!)} | ` +
        `${ms[0].toFixed(0)} / ${percentile(ms, 50).toFixed(0)} / ${percentile(ms, 99).toFixed(0)} / ${ms.at(-1)!.toFixed(0)} | ` +
        `${(walkMs / 1000).toFixed(1)} s | ${(bytes.reduce((a, b) => a + b, 0) / 2 ** 20).toFixed(1)} MB |`,
      '',
      `Totals on every page: ${JSON.stringify(totals)}.`,
      `First page of each filter: ${filters.join('; ')}.`,
    ].join('\n');
  } finally {
    await twin.close();
  }
}
