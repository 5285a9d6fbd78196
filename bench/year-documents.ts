/**
 * The year's documents (core/use-cases/year-documents.ts) at 100, 700 and 2,800 units: wall time and peak
 * memory per document kind, to size the GenerateYearDocuments function (infra/stacks/stateless-stack.ts SIZES).
 *
 *   npm run bench -- year-documents [--units 100,700,2800]
 *
 * The data: a generated plan on the Nanping example (test/helpers/year-report.ts yearFixture with `units`):
 * 80 % approved and scored, 10 % sent nothing, 10 % missed a rectification (a 通报批评 draft each for those
 * two). Each size runs in a fresh Node process (with --expose-gc), so one kind's peak is not another's:
 * "gather" is reading the data and building the report from the in-memory repository (on AWS it reads the
 * table: slower, and not measured here); each document kind is then generated from that report, alone.
 * Peak RSS is the process's (process.resourceUsage().maxRSS: the data, the report and the generation, which is what a
 * Lambda's memory must hold); peak heap is sampled every 5 ms while the kind runs.
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { criticismDraft, forwardingReport, provinceWorkbook } from '../core/exports';
import { inspectionStandings } from '../core/use-cases/inspection-results';
import { buildYearReport } from '../core/use-cases/year-report';
import { yearFixture } from '../test/helpers/year-report';

export interface YearDocumentsOptions {
  /** @default [100, 700, 2800] */
  units?: number[];
  /** Run each size in this process instead of a fresh one (the smoke test: no peak per kind then). @default false */
  inProcess?: boolean;
}

export const KINDS = ['gather', 'province-workbook', 'forwarding-report', 'criticism-drafts'] as const;
type Kind = (typeof KINDS)[number];

export interface KindFigures {
  kind: Kind;
  ms: number;
  /** CPU time (user + system) of the process while the kind ran: on a shared machine, the steadier figure. */
  cpuMs: number;
  /** Documents made (criticism drafts: one per unit with a proposal) and their bytes. */
  count: number;
  bytes: number;
  peakRssMb: number;
  peakHeapMb: number;
}

const mb = (n: number) => n / 2 ** 20;

/** One size, in this process: every kind in turn, measured alone. */
export async function measureSize(units: number): Promise<{ units: number; seedMs: number; figures: KindFigures[] }> {
  const seedStart = performance.now();
  const f = await yearFixture('nanping-2016.json', { units });
  const seedMs = performance.now() - seedStart;
  const cycleId = f.plan.cycleId;
  const forwarding = await f.repo.recordForwarding({ cycleId, qualified: [], notQualified: [], forwardedAt: new Date(f.clock.t).toISOString() });
  const gc = (globalThis as { gc?: () => void }).gc;
  let report: Awaited<ReturnType<typeof buildYearReport>> | undefined;
  const run: Record<Kind, () => Promise<Buffer[]>> = {
    gather: async () => {
      const standings = await inspectionStandings(f.ctx, cycleId);
      report = await buildYearReport(f.ctx, { cycleId, forwarding, inspection: (id) => (standings.get(id)?.standing.recorded ? {} : undefined) });
      return [];
    },
    'province-workbook': async () => [await provinceWorkbook(report!)],
    'forwarding-report': async () => [await forwardingReport(report!)],
    'criticism-drafts': async () => {
      const out: Buffer[] = [];
      for (const c of report!.criticisms) out.push(await criticismDraft(report!, c));
      return out;
    },
  };
  const figures: KindFigures[] = [];
  for (const kind of KINDS) {
    gc?.();
    let peakHeap = process.memoryUsage().heapUsed;
    const sampler = setInterval(() => {
      peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    }, 5);
    const start = performance.now();
    const cpu = process.cpuUsage();
    const made = await run[kind]();
    const ms = performance.now() - start;
    const used = process.cpuUsage(cpu);
    clearInterval(sampler);
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    figures.push({
      kind, ms, cpuMs: (used.user + used.system) / 1000, count: made.length, bytes: made.reduce((n, b) => n + b.byteLength, 0),
      peakRssMb: mb(process.resourceUsage().maxRSS * 1024), peakHeapMb: mb(peakHeap),
    });
  }
  return { units, seedMs, figures };
}

/** A fresh process per size: its peak RSS is that size's alone. */
function measureInChild(units: number): Awaited<ReturnType<typeof measureSize>> {
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--child', String(units)], {
    encoding: 'utf8',
    maxBuffer: 16 * 2 ** 20,
  });
  if (r.status !== 0) throw new Error(`year-documents at ${units} units failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
}

export async function benchYearDocuments(opts: YearDocumentsOptions = {}): Promise<string> {
  const sizes = opts.units ?? [100, 700, 2800];
  const rows: string[] = [];
  for (const n of sizes) {
    const { figures, seedMs } = opts.inProcess ? await measureSize(n) : measureInChild(n);
    for (const f of figures)
      rows.push(
        `| ${n} | ${f.kind} | ${f.count} | ${(f.bytes / 1024).toFixed(0)} KB | ${(f.ms / 1000).toFixed(2)} s | ${(f.cpuMs / 1000).toFixed(2)} s | ${f.peakRssMb.toFixed(0)} MB | ${f.peakHeapMb.toFixed(0)} MB |`,
      );
    const total = figures.reduce((s, f) => s + f.ms, 0);
    const cpuTotal = figures.reduce((s, f) => s + f.cpuMs, 0);
    rows.push(`| ${n} | all (seeding the data: ${(seedMs / 1000).toFixed(1)} s, not counted) | ${figures.reduce((s, f) => s + f.count, 0)} | ${(figures.reduce((s, f) => s + f.bytes, 0) / 1024).toFixed(0)} KB | ${(total / 1000).toFixed(2)} s | ${(cpuTotal / 1000).toFixed(2)} s | ${Math.max(...figures.map((f) => f.peakRssMb)).toFixed(0)} MB | ${Math.max(...figures.map((f) => f.peakHeapMb)).toFixed(0)} MB |`);
  }
  return [
    `Node ${process.version}, ${new Date().toISOString().slice(0, 10)}, 2 cores; in-memory repository; one run per size${opts.inProcess ? ', in one process' : ', each in a fresh process'}.`,
    '',
    `Load average before: ${loadavg().map((l) => l.toFixed(1)).join(' / ')}.`,
    '',
    '| units | kind | documents | bytes | wall time | CPU time | peak RSS (process) | peak heap |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

if (process.argv[2] === '--child') {
  const r = await measureSize(Number(process.argv[3]));
  process.stdout.write(`${JSON.stringify(r)}\n`);
}
