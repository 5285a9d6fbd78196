/**
 * `npm run chaos`: what a crash can do to a year, measured. The scenario's year runs once without
 * interruption, then again while the twin is killed with SIGKILL (the whole process group: handlers'
 * workers, DynamoDB Local's JVM, the emulators) at instants drawn with the seed, each time restarted from
 * its data directory. The two years must end alike.
 *
 *   npm run chaos -- --plan plans/nanping-2016.json --kills 20 [--seed N] [--scenario FILE] [--json]
 *
 * Kills are weighted to the busy points (local/chaos/shared.ts KILL_KINDS): inside a submit between the
 * version's write and the workflow learning of it, between SES accepting a message and the ledger marking
 * it sent, after a task's completion, after any table write, and at a simulated instant.
 *
 * Prints {"kills":…,"seed":…,"outcomesEqual":…,"submissionsLost":…,"emailsMissing":…,"emailsDuplicated":…,
 * "duplicateWindowHits":…} and exits 1 unless the outcomes are equal and nothing is lost, duplicated among the
 * submissions, or missing among the emails. A duplicated email is counted, not failed: `duplicateWindowHits`
 * says how many of them follow a kill between SES's acceptance and the ledger (the window no sender can
 * close, SES having no idempotency key); any other duplicate is a defect and is listed.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../twin';
import { loadPlanFile } from '../../core/plan/load';
import { deriveSchedule } from '../../core/plan/schedule';
import { atLocalTime } from '../../core/time';
import { compileScenario, loadScenario } from '../scenario';
import { formatKill, seededRandom, type JournalEntry, type Kill, type KillKind, type LifeSummary } from './shared';

export interface ChaosOptions {
  plan: string;
  scenario: string;
  kills: number;
  seed: number;
  /** Called after each life (stderr progress). */
  onLife?: (life: { index: number; kill?: Kill; killed: boolean; seconds: number }) => void;
}

export interface ChaosResult {
  kills: number;
  seed: number;
  outcomesEqual: boolean;
  submissionsLost: number;
  submissionsDuplicated: number;
  emailsMissing: number;
  emailsDuplicated: number;
  duplicateWindowHits: number;
  lives: number;
  /** What differs, for a person to read: outcomes, versions, missing and duplicated emails, errors. */
  differences: string[];
  killed: Array<{ kind: KillKind; at?: number; email?: string; principal?: string; operation?: string }>;
  wallSeconds: number;
}

/** How often each kind is drawn. */
const WEIGHTS: Array<{ kind: KillKind; weight: number }> = [
  { kind: 'submit-committed', weight: 3 },
  { kind: 'ses-accepted', weight: 3 },
  { kind: 'task-completed', weight: 2 },
  { kind: 'table-write', weight: 2 },
  { kind: 'clock', weight: 1 },
];

/**
 * The next kill, once the twin's clock stood at `from` when the last one came: an instant drawn in the next
 * stretch of what is left of the year (so the remaining kills spread over it), with a kind drawn by weight.
 * Kills that need a scripted act (a submission's commit, a task's completion) move to the next such act.
 */
export function drawKill(random: () => number, from: number, end: number, remaining: number, acts: { submissions: number[]; decisions: number[] }): Kill {
  const total = WEIGHTS.reduce((s, w) => s + w.weight, 0);
  let r = random() * total;
  const kind = (WEIGHTS.find((w) => (r -= w.weight) < 0) ?? WEIGHTS[0]).kind;
  const after = from + Math.floor(random() * (Math.max(0, end - from) / Math.max(1, remaining)));
  const next = (ats: number[]) => ats.find((at) => at >= after);
  const act = kind === 'submit-committed' ? next(acts.submissions) : kind === 'task-completed' ? next(acts.decisions) : undefined;
  if (act !== undefined) return { kind, after: act - 60_000 };
  return { kind: kind === 'submit-committed' || kind === 'task-completed' ? 'ses-accepted' : kind, after };
}

interface LifeResult {
  killed: boolean;
  seconds: number;
  stderr: string;
}

function life(opts: ChaosOptions, dataDir: string, kill?: Kill): Promise<LifeResult> {
  const started = performance.now();
  const args = ['--import', 'tsx', join(REPO_ROOT, 'local/chaos/life.ts'), '--plan', opts.plan, '--scenario', opts.scenario, '--data-dir', dataDir];
  if (kill) args.push('--kill', formatKill(kill));
  // A process group of its own, so the life can SIGKILL itself with everything it started.
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(-8000)));
  return new Promise((resolveLife, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      // Whatever the life left behind in its group (a JVM whose parent died) goes too.
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // the group is gone already
      }
      const seconds = (performance.now() - started) / 1000;
      if (signal === 'SIGKILL') resolveLife({ killed: true, seconds, stderr });
      else if (code === 0) resolveLife({ killed: false, seconds, stderr });
      else reject(new Error(`a life of the twin ended with ${signal ?? `exit code ${code}`}:\n${stderr}`));
    });
  });
}

async function readJournal(dir: string): Promise<JournalEntry[]> {
  const file = join(dir, 'ses-journal.ndjson');
  if (!existsSync(file)) return [];
  return (await readFile(file, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as JournalEntry);
}

async function lastKill(dir: string): Promise<{ at?: number } | undefined> {
  const lines = (await readFile(join(dir, 'kills.ndjson'), 'utf8').catch(() => '')).split('\n').filter(Boolean);
  return lines.length ? (JSON.parse(lines.at(-1)!) as { at?: number }) : undefined;
}

const tally = (keys: string[]) => keys.reduce((m, k) => m.set(k, (m.get(k) ?? 0) + 1), new Map<string, number>());

/** Runs the year uninterrupted, then with kills, and compares. */
export async function chaos(opts: ChaosOptions): Promise<ChaosResult> {
  const started = performance.now();
  const base = await mkdtemp(join(tmpdir(), 'chaos-'));
  try {
    const calm = join(base, 'uninterrupted');
    const rough = join(base, 'killed');
    await life(opts, calm);
    opts.onLife?.({ index: 0, killed: false, seconds: (performance.now() - started) / 1000 });

    const loaded = await loadPlanFile(opts.plan);
    if (!loaded.ok) throw new Error(`the plan is invalid: ${opts.plan}`);
    const schedule = deriveSchedule(loaded.plan);
    // The year's last scheduled act is forwarding the list to the province.
    const year = { start: atLocalTime(loaded.plan.phases[0].opens, '00:00').toMillis(), end: Date.parse(schedule.forwardAt) };
    const actions = compileScenario(await loadScenario(opts.scenario, loaded.plan), loaded.plan, schedule);
    const acts = {
      submissions: actions.filter((a) => a.kind === 'submit').map((a) => a.at),
      decisions: actions.filter((a) => a.kind === 'decide').map((a) => a.at),
    };
    const random = seededRandom(opts.seed);
    let kills = 0;
    let lives = 0;
    let clockAtKill = year.start;
    for (;;) {
      const kill = kills < opts.kills ? drawKill(random, clockAtKill, year.end, opts.kills - kills, acts) : undefined;
      const r = await life(opts, rough, kill);
      lives++;
      opts.onLife?.({ index: lives, kill, killed: r.killed, seconds: r.seconds });
      if (r.killed) clockAtKill = Math.max(clockAtKill, (await lastKill(rough))?.at ?? kill!.after);
      if (r.killed) kills++;
      else break;
    }

    const summary = async (dir: string) => JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as LifeSummary;
    const [a, b] = [await summary(calm), await summary(rough)];
    const differences: string[] = [];
    const units = [...new Set([...Object.keys(a.outcomes), ...Object.keys(b.outcomes)])].sort();
    for (const u of units) if (a.outcomes[u] !== b.outcomes[u]) differences.push(`outcome of ${u}: ${a.outcomes[u]} uninterrupted, ${b.outcomes[u]} with kills`);
    const outcomesEqual = units.every((u) => a.outcomes[u] === b.outcomes[u]);

    let submissionsLost = 0;
    let submissionsDuplicated = 0;
    for (const k of new Set([...Object.keys(a.versions), ...Object.keys(b.versions)])) {
      const diff = (b.versions[k] ?? 0) - (a.versions[k] ?? 0);
      if (diff < 0) submissionsLost -= diff;
      if (diff > 0) submissionsDuplicated += diff;
      if (diff) differences.push(`versions of ${k}: ${a.versions[k] ?? 0} uninterrupted, ${b.versions[k] ?? 0} with kills`);
    }

    const killed = (await readFile(join(rough, 'kills.ndjson'), 'utf8').catch(() => '')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as ChaosResult['killed'][number]);
    const [sentA, sentB] = [tally((await readJournal(calm)).map((e) => e.key)), tally((await readJournal(rough)).map((e) => e.key))];
    // Each kill between SES's acceptance and the ledger may send its message once more.
    const window = tally(killed.filter((k) => k.kind === 'ses-accepted').map((k) => k.email ?? ''));
    let emailsMissing = 0;
    let emailsDuplicated = 0;
    let duplicateWindowHits = 0;
    for (const [key, n] of sentA) {
      const m = sentB.get(key) ?? 0;
      if (m < n) {
        emailsMissing += n - m;
        differences.push(`email missing: ${key}`);
      }
    }
    for (const [key, m] of sentB) {
      const extra = m - (sentA.get(key) ?? 0);
      if (extra <= 0) continue;
      emailsDuplicated += extra;
      const fromWindow = sentA.has(key) ? Math.min(extra, window.get(key) ?? 0) : 0;
      duplicateWindowHits += fromWindow;
      if (extra > fromWindow) differences.push(`email sent ${m} times (${sentA.get(key) ?? 0} uninterrupted, ${window.get(key) ?? 0} kill(s) in SES's window): ${key}`);
    }
    // A refusal or failure in both years is the scenario's, not the crashes': only what differs counts.
    for (const e of b.errors.filter((x) => !a.errors.includes(x))) differences.push(`error with kills only: ${e}`);
    for (const e of a.errors.filter((x) => !b.errors.includes(x))) differences.push(`error uninterrupted only: ${e}`);
    if (b.running) differences.push(`${b.running} unit execution(s) still running at the end with kills`);

    return {
      kills, seed: opts.seed, outcomesEqual, submissionsLost, submissionsDuplicated, emailsMissing, emailsDuplicated, duplicateWindowHits,
      lives, differences, killed, wallSeconds: Math.round((performance.now() - started) / 1000),
    };
  } finally {
    if (!process.env.CHAOS_KEEP) await rm(base, { recursive: true, force: true });
  }
}

/** Nothing lost, nothing decided differently, nothing missing; duplicates only from the window SES cannot close. */
export const chaosPassed = (r: ChaosResult) =>
  r.outcomesEqual && r.submissionsLost === 0 && r.submissionsDuplicated === 0 && r.emailsMissing === 0 && r.emailsDuplicated === r.duplicateWindowHits && r.differences.length === 0;

async function main() {
  const { values } = parseArgs({
    options: {
      plan: { type: 'string', default: 'plans/nanping-2016.json' },
      scenario: { type: 'string' },
      kills: { type: 'string', default: '20' },
      seed: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const plan = resolve(values.plan!);
  const scenario = resolve(values.scenario ?? join(REPO_ROOT, 'scenarios', basename(plan)));
  const kills = Number(values.kills);
  const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
  if (!Number.isInteger(kills) || kills < 0 || !Number.isInteger(seed)) {
    console.error('--kills 和 --seed 应为非负整数 / --kills and --seed must be whole numbers (0 or more)');
    process.exit(2);
  }
  const result = await chaos({
    plan, scenario, kills, seed,
    onLife: (l) =>
      process.stderr.write(
        `${l.index === 0 ? 'uninterrupted year' : `life ${l.index}`}: ${l.killed ? `killed at ${formatKill(l.kill!)}` : l.kill ? `ran to the end (its kill ${formatKill(l.kill)} never came)` : 'ran to the end'} (${l.seconds.toFixed(0)} s)\n`,
      ),
  });
  const line = {
    kills: result.kills, seed: result.seed, outcomesEqual: result.outcomesEqual, submissionsLost: result.submissionsLost,
    emailsMissing: result.emailsMissing, emailsDuplicated: result.emailsDuplicated, duplicateWindowHits: result.duplicateWindowHits,
  };
  if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else {
    process.stdout.write(`${JSON.stringify(line)}\n`);
    for (const d of result.differences) process.stderr.write(`  ${d}\n`);
  }
  process.exitCode = chaosPassed(result) ? 0 : 1;
}

if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
