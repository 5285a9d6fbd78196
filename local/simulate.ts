/**
 * The simulator: plays a whole cycle on the twin's simulated clock in seconds, with scripted behaviour of
 * the counties and the city (a scenario file), and prints the timeline, the outcomes and the counters.
 *
 *   npm run simulate -- --plan plans/nanping-2016.json [--scenario FILE] [--json] [--restart-at ISO] [--exports DIR]
 *
 * `--exports DIR` writes the year's documents (core/exports: the province workbook, the forwarding report, the
 * 通报批评 drafts) into DIR after the year: read back from the twin's S3 stand-in where the forwarding stored
 * them, each checked against the SHA-256 recorded in DynamoDB, so the files prove what was stored.
 *
 * A scenario is checked against the plan before anything starts: a problem names its path in the file and
 * its rule, in zh-CN and English, and the command exits 1 without a stack trace. On a terminal, stderr shows
 * the progress (simulated date, executions, emails) while it runs.
 *
 * Everything runs through the real path: the state machines synthesized by CDK, the handlers, DynamoDB
 * Local, the SES emulator, the Step Functions endpoint over HTTP. Scenario actions call the same use cases
 * the HTTP API exposes, over the wire.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadPlanFile } from '../core/plan/load';
import type { Plan } from '../core/plan/schema';
import { deriveSchedule } from '../core/plan/schedule';
import { MAX_DOCUMENT_BYTES } from '../core/documents';
import { ValidationError } from '../core/errors';
import type { Context } from '../core/use-cases/context';
import { atLocalTime, formatBeijing } from '../core/time';
import { formatProblems, makeProblem } from '../core/validation';
import { startCycle } from '../core/use-cases/cycle';
import { allGoodScenario, compileScenario, loadScenario, performAction, ScenarioError, type Scenario } from './scenario';
import { readTimeline, formatTimeline, type TimelineEvent } from './timeline';
import type { StoredEmail } from './services';
import { REPO_ROOT, startTwin, type Twin } from './twin';

export interface SimulationResult {
  events: TimelineEvent[];
  outcomes: Record<string, string>;
  counters: {
    stateTransitions: number;
    historyEvents: number;
    maxHistoryEventsPerExecution: number;
    executions: number;
    emails: number;
    lambdaInvocations: number;
    /** Per state machine: executions and the largest history of one execution. */
    byStateMachine: Record<string, { executions: number; historyEvents: number; maxHistoryEventsPerExecution: number; stateTransitions: number }>;
    wallTimeMs: number;
  };
  errors: string[];
  /** Every email the SES emulator received, with its text and HTML, when asked for (`keepInbox`). */
  inbox?: StoredEmail[];
  /** The year's documents written to `exportsDir`, when asked for. */
  exports?: ExportedDocument[];
}

export interface ExportedDocument {
  name: string;
  path: string;
  size: number;
  sha256: string;
}

export interface SimulationOptions {
  plan: Plan;
  scenario: Scenario;
  /** Stop every execution at this instant and start the cycle again (as a redeploy would), to show restart safety. */
  restartAt?: number;
  keepHistory?: boolean;
  /** Return the emails themselves (tests read their wording); off by default, a large plan's year is heavy. */
  keepInbox?: boolean;
  /** Write the year's documents, as stored on forwarding, into this folder. */
  exportsDir?: string;
  /** Called about once a second of wall time while the year runs (the command prints it on a terminal). */
  onProgress?: (p: SimulationProgress) => void;
}

export interface SimulationProgress {
  /** The simulated instant. */
  now: number;
  executions: number;
  emails: number;
  /** Scripted actions played so far, of all. */
  actions: { done: number; total: number };
}

/** Emails the SES emulator has received, read incrementally (`/store?since=`, seconds of the twin's clock). */
function emailCounter(sesEndpoint: string) {
  let count = 0;
  let lastAt = 0;
  let seenAtLast = new Set<string>();
  return async () => {
    const res = await fetch(`${sesEndpoint}/store?since=${lastAt}`);
    if (!res.ok) return count;
    for (const e of ((await res.json()) as { emails: Array<{ messageId: string; at: number }> }).emails) {
      if (e.at < lastAt || (e.at === lastAt && seenAtLast.has(e.messageId))) continue;
      if (e.at > lastAt) [lastAt, seenAtLast] = [e.at, new Set()];
      seenAtLast.add(e.messageId);
      count++;
    }
    return count;
  };
}

/** A problem's worth of text for the error list: a ValidationError names each field and rule, in both languages. */
function describeError(e: Error): string {
  if (e instanceof ValidationError) return `${e.name}: ${e.text.zh} / ${e.text.en}\n${formatProblems(e.problems, 'both').replace(/^/gm, '    ')}`;
  return `${e.name}: ${e.message}`;
}

/** Runs one simulation on a fresh twin (in-memory DynamoDB, free ports) and closes it. */
export async function simulate(opts: SimulationOptions): Promise<SimulationResult> {
  const started = performance.now();
  const { plan } = opts;
  const schedule = deriveSchedule(plan);
  const startAt = atLocalTime(plan.phases[0].opens, '00:00').toMillis();
  const large = plan.units.length > 200;
  const twin = await startTwin({ startAt, mode: { kind: 'simulated' }, keepHistory: opts.keepHistory ?? !large, concurrency: large ? 128 : 64 });
  const errors: string[] = [];
  try {
    const actions = compileScenario(opts.scenario, plan, schedule);
    let done = 0;
    const whenClockReaches = (at: number, what: string, run: () => Promise<unknown>) =>
      twin.clock
        .sleepUntil(at)
        .then(() => twin.clock.track(run))
        .catch((e: Error) => errors.push(`${new Date(at).toISOString()} ${what}: ${describeError(e)}`))
        .finally(() => done++);
    for (const a of actions) void whenClockReaches(a.at, `${a.kind} ${a.unitId}`, () => performAction(twin.ctx, plan.cycleId, a));
    if (opts.restartAt !== undefined) void whenClockReaches(opts.restartAt, 'restart', () => restartCycle(twin, plan));

    // Progress on the wall clock (timers stay real; only Date follows the twin's clock).
    const countEmails = emailCounter(twin.endpoints.ses);
    let reporting = false;
    const progress = opts.onProgress
      ? setInterval(() => {
          if (reporting) return;
          reporting = true;
          void countEmails()
            .then((n) => opts.onProgress!({ now: twin.clock.now(), executions: twin.engine.counters().executions, emails: n, actions: { done, total: actions.length } }))
            .catch(() => {})
            .finally(() => (reporting = false));
        }, 1000)
      : undefined;
    try {
      await twin.clock.track(() => startCycle(twin.ctx, { plan, startedBy: 'city-admin' }));
      await twin.clock.runUntilIdle();
    } finally {
      clearInterval(progress);
    }

    const running = [
      ...(await twin.engine.listExecutions({ stateMachineArn: twin.cycleStateMachineArn, statusFilter: 'RUNNING' })).executions,
      ...(await twin.engine.listExecutions({ stateMachineArn: twin.unitStateMachineArn, statusFilter: 'RUNNING' })).executions,
    ];
    if (running.length) errors.push(`${running.length} execution(s) still running when the clock ran out of timers`);
    for (const sm of [twin.cycleStateMachineArn, twin.unitStateMachineArn]) {
      const failed = await twin.engine.listExecutions({ stateMachineArn: sm, statusFilter: 'FAILED' });
      for (const e of failed.executions) {
        const d = await twin.engine.describeExecution({ executionArn: e.executionArn });
        errors.push(`execution ${e.name} failed: ${d.error}: ${String(d.cause).slice(0, 300)}`);
      }
    }

    const events = await readTimeline(twin.ctx.repo, plan.cycleId);
    const stored = new Map((await twin.ctx.repo.listOutcomes(plan.cycleId)).map((o) => [o.unitId, o.outcome as string]));
    const outcomes = Object.fromEntries(plan.units.map((u) => [u.id, stored.get(u.id) ?? 'undecided']));
    const c = twin.engine.counters();
    const inbox = await twin.inbox();
    const emails = inbox.length;
    const exported = opts.exportsDir ? await exportDocuments(twin.ctx, plan.cycleId, opts.exportsDir, errors) : undefined;
    return {
      events,
      outcomes,
      counters: {
        stateTransitions: c.stateTransitions,
        historyEvents: c.historyEvents,
        maxHistoryEventsPerExecution: c.maxHistoryEventsPerExecution,
        executions: c.executions,
        emails,
        lambdaInvocations: c.lambdaInvocations,
        byStateMachine: Object.fromEntries(
          Object.entries(c.byStateMachine ?? {}).map(([arn, v]) => [arn.split(':').pop()!, v]),
        ),
        wallTimeMs: Math.round(performance.now() - started),
      },
      errors,
      ...(opts.keepInbox ? { inbox } : {}),
      ...(exported ? { exports: exported } : {}),
    };
  } finally {
    await twin.close();
  }
}

/**
 * Reads each recorded document back from the documents bucket (the S3 stand-in), checks it against its
 * recorded SHA-256 and writes it to `dir` under its own name. A document missing or changed is an error.
 */
export async function exportDocuments(ctx: Context, cycleId: string, dir: string, errors: string[]): Promise<ExportedDocument[]> {
  await mkdir(dir, { recursive: true });
  const out: ExportedDocument[] = [];
  const recorded = await ctx.repo.listCycleDocuments(cycleId);
  if (!recorded.length) errors.push(`exports: no document was stored for ${cycleId} (did the cycle reach GenerateYearDocuments?)`);
  for (const d of recorded) {
    const bytes = await ctx.documents.read(d.key, MAX_DOCUMENT_BYTES);
    if (!(bytes instanceof Uint8Array)) {
      errors.push(`exports: ${d.key} is ${bytes === null ? 'missing from the bucket' : 'too large'}`);
      continue;
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (sha256 !== d.sha256) errors.push(`exports: ${d.key} has SHA-256 ${sha256}, recorded ${d.sha256}`);
    const path = join(dir, d.name);
    await writeFile(path, bytes);
    out.push({ name: d.name, path, size: bytes.byteLength, sha256 });
  }
  return out;
}

/** What a redeploy does on AWS: stop every running execution of the cycle, start the cycle again under a new name. */
export async function restartCycle(twin: Twin, plan: Plan) {
  for (const sm of [twin.cycleStateMachineArn, twin.unitStateMachineArn]) {
    const { executions } = await twin.engine.listExecutions({ stateMachineArn: sm, statusFilter: 'RUNNING' });
    for (const e of executions) await twin.engine.stopExecution({ executionArn: e.executionArn, error: 'Redeploy', cause: 'restarted by the simulator' });
  }
  await startCycle(twin.ctx, { plan, startedBy: 'city-admin', executionName: `${plan.cycleId}-restart-1` });
}

async function main() {
  const { values } = parseArgs({
    options: {
      plan: { type: 'string', default: 'plans/nanping-2016.json' },
      scenario: { type: 'string' },
      json: { type: 'boolean', default: false },
      'restart-at': { type: 'string' },
      exports: { type: 'string' },
    },
  });
  const loaded = await loadPlanFile(values.plan!);
  if (!loaded.ok) {
    console.error(`计划有误 / the plan is invalid: ${values.plan}\n${formatProblems(loaded.problems, 'both')}`);
    process.exit(1);
  }
  const defaultScenario = join(REPO_ROOT, 'scenarios', basename(values.plan!));
  const scenarioPath = values.scenario ?? (existsSync(defaultScenario) ? defaultScenario : undefined);
  const scenario = scenarioPath ? await loadScenario(scenarioPath, loaded.plan) : allGoodScenario;
  const restartAt = values['restart-at'] === undefined ? undefined : Date.parse(values['restart-at']);
  if (restartAt !== undefined && Number.isNaN(restartAt)) {
    throw new ValidationError([
      makeProblem('--restart-at', 'format.datetime', { zh: '应为 ISO 日期时间，如 2016-11-12T12:00:00+08:00', en: 'must be an ISO date-time such as 2016-11-12T12:00:00+08:00' }),
    ], { zh: '参数有误', en: 'invalid argument' });
  }
  const tty = process.stderr.isTTY === true;
  const result = await simulate({
    plan: loaded.plan,
    scenario,
    restartAt,
    exportsDir: values.exports === undefined ? undefined : resolve(values.exports),
    onProgress: tty ? (p) => process.stderr.write(`\r\x1b[K${progressLine(p)}`) : undefined,
  });
  if (tty) process.stderr.write('\r\x1b[K');
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    const plan = loaded.plan;
    console.log(`${plan.title}\n场景 / scenario: ${scenarioPath ?? '(all units submit on time, all approved)'}\n`);
    console.log(formatTimeline(result.events, plan));
    console.log('\n结果 / outcomes:');
    for (const u of plan.units) console.log(`  ${u.name.padEnd(6, '　')} ${u.id.padEnd(12)} ${result.outcomes[u.id]}`);
    console.log('\n计数 / counters:', JSON.stringify(result.counters, null, 2));
    if (result.exports) {
      console.log(`\n文件 / documents (${values.exports}):`);
      for (const d of result.exports) console.log(`  ${d.name}  ${d.size} B  SHA-256 ${d.sha256}`);
    }
  }
  if (result.errors.length) {
    console.error(`\n${result.errors.length} error(s):\n${result.errors.join('\n')}`);
    process.exitCode = 1;
  }
}

/** `模拟时间 2016年6月1日 09:00 · 执行 2,801 · 邮件 12,345 · 动作 3/40 | simulated ...`: one line, rewritten in place. */
export function progressLine(p: SimulationProgress): string {
  const n = (v: number) => v.toLocaleString('en');
  const at = new Date(p.now).toISOString();
  return (
    `模拟时间 ${formatBeijing(at, 'datetime', 'zh')} · 执行 ${n(p.executions)} · 邮件 ${n(p.emails)} · 动作 ${n(p.actions.done)}/${n(p.actions.total)}` +
    ` | simulated ${formatBeijing(at, 'datetime', 'en')}, executions ${n(p.executions)}, emails ${n(p.emails)}`
  );
}

if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) {
  main().catch((e) => {
    // What a person can fix (a scenario, an argument) is said in both languages with its path and rule; a bug keeps its stack.
    if (e instanceof ScenarioError) console.error(e.message);
    else if (e instanceof ValidationError) console.error(`${e.text.zh} / ${e.text.en}\n${formatProblems(e.problems, 'both')}`);
    else console.error(e);
    process.exit(1);
  });
}
