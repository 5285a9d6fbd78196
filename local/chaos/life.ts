/**
 * One life of the twin in a chaos run (local/chaos/run.ts starts it as a child process, in a process group
 * of its own): it starts the twin from its data directory, lets the scripted people act over the HTTP API,
 * runs the year to its end and writes `summary.json`, or dies by SIGKILL, with DynamoDB Local and every
 * worker, when the kill it was given comes.
 *
 *   node --import tsx local/chaos/life.ts --plan FILE --scenario FILE --data-dir DIR [--kill KIND@ISO-INSTANT]
 *
 * Every answer of a stand-in passes the gate before its caller hears it (TwinOptions.observe). Here the
 * life dies at the first answer of the kill's kind (KILL_KINDS) once the clock is at the kill's instant, and
 * journals every message SES accepted
 * (`ses-journal.ndjson`): the SES emulator's inbox lives in this process and dies with it, so the journal
 * is what SES "sent", as AWS would have.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadPlanFile } from '../../core/plan/load';
import { deriveSchedule } from '../../core/plan/schedule';
import { atLocalTime } from '../../core/time';
import { formatProblems } from '../../core/validation';
import { startCycle } from '../../core/use-cases/cycle';
import { usersFromPlan } from '../api/users';
import type { GateExchange } from '../gate/gate';
import { compileScenario, loadScenario } from '../scenario';
import { startTwin, type Twin } from '../twin';
import { actOverHttp, refusalsRemembered } from './people';
import { parseKill, sesJournalEntry, type KillKind, type LifeSummary } from './shared';

const { values } = parseArgs({
  options: {
    plan: { type: 'string' },
    scenario: { type: 'string' },
    'data-dir': { type: 'string' },
    kill: { type: 'string' },
  },
});
const dataDir = resolve(values['data-dir']!);
const loaded = await loadPlanFile(values.plan!);
if (!loaded.ok) {
  console.error(formatProblems(loaded.problems, 'both'));
  process.exit(2);
}
const plan = loaded.plan;
const scenario = await loadScenario(values.scenario!, plan);
const kill = values.kill ? parseKill(values.kill) : undefined;

const journal = join(dataDir, 'ses-journal.ndjson');
let twin: Twin | undefined;

/** SIGKILL to the whole process group: this process, its workers and DynamoDB Local's JVM, no goodbye. */
function die(kind: KillKind, detail: Record<string, unknown>): never {
  appendFileSync(join(dataDir, 'kills.ndjson'), `${JSON.stringify({ kind, at: twin?.clock.now(), ...detail })}\n`);
  process.kill(-process.pid, 'SIGKILL');
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable');
}

function observe(e: GateExchange): void {
  if (e.status !== 200) return;
  const kinds: KillKind[] = [];
  let detail: Record<string, unknown> = {};
  if (e.service === 'ses' && e.operation === 'SendEmail') {
    const entry = sesJournalEntry(e.request, e.response, twin?.clock.now() ?? 0);
    appendFileSync(journal, `${JSON.stringify(entry)}\n`);
    detail = { email: entry.key };
    kinds.push('ses-accepted');
  }
  if (e.service === 'dynamodb' && e.operation === 'TransactWriteItems' && /SubmitDeliverable/i.test(e.principal)) kinds.push('submit-committed');
  if (e.service === 'dynamodb' && /^(PutItem|UpdateItem|DeleteItem|TransactWriteItems|BatchWriteItem)$/.test(e.operation)) kinds.push('table-write');
  if (e.service === 'sfn' && /^SendTask(Success|Failure)$/.test(e.operation)) kinds.push('task-completed');
  if (kill && kinds.includes(kill.kind) && (twin?.clock.now() ?? 0) >= kill.after) die(kill.kind, { ...detail, principal: e.principal, operation: e.operation });
}

twin = await startTwin({
  dataDir,
  startAt: atLocalTime(plan.phases[0].opens, '00:00').toMillis(),
  mode: { kind: 'simulated' },
  users: usersFromPlan(plan),
  observe,
});
const t = twin;
if (kill?.kind === 'clock') void t.clock.sleepUntil(kill.after).then(() => die('clock', {}));

const errors: string[] = [];
await t.clock.track(() => startCycle(t.ctx, { plan, startedBy: 'city-admin' }));
const actions = compileScenario(scenario, plan, deriveSchedule(plan));
// People who acted before the crash and heard nothing act again (the same Idempotency-Key and body); the
// others act at their time.
void actOverHttp(t, plan.cycleId, actions, errors, join(dataDir, 'people.ndjson'));
await t.clock.runUntilIdle();

const running = (await t.engine.listExecutions({ stateMachineArn: t.unitStateMachineArn, statusFilter: 'RUNNING' })).executions.length;
for (const sm of [t.cycleStateMachineArn, t.unitStateMachineArn]) {
  for (const e of (await t.engine.listExecutions({ stateMachineArn: sm, statusFilter: 'FAILED' })).executions) {
    const d = await t.engine.describeExecution({ executionArn: e.executionArn });
    errors.push(`execution ${e.name} failed: ${d.error}: ${String(d.cause).slice(0, 300)}`);
  }
}
const outcomes = Object.fromEntries((await t.ctx.repo.listOutcomes(plan.cycleId)).map((o) => [o.unitId, o.outcome]));
const versions: Record<string, number> = {};
for (const v of await t.ctx.repo.listSubmissions(plan.cycleId)) {
  const k = `${v.unitId}/${v.deliverableId}`;
  versions[k] = (versions[k] ?? 0) + 1;
}
const ledger = (await t.ctx.repo.listMessages(plan.cycleId)).map((m) => ({ kind: m.kind, status: m.status, recipient: m.recipient }));
const summary: LifeSummary = { outcomes, versions, ledger, running, errors: [...refusalsRemembered(join(dataDir, 'people.ndjson')), ...errors], clock: t.clock.now() };
writeFileSync(join(dataDir, 'summary.json'), JSON.stringify(summary, null, 2));
await t.close();
process.exit(0);
