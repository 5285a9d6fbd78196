/**
 * `npm start`: the local twin for a person. Brings up DynamoDB Local (data kept in .twin/), the SES
 * emulator with its web inbox, the S3 emulator and the Step Functions endpoint, loads the plan and
 * starts its cycle with the twin's clock at the plan's start, fast enough that the year unfolds in
 * minutes while you watch the inbox. Stop with Ctrl-C; start again and it carries on where it stopped.
 *
 *   npm start                                   the example plan, a year in about ten minutes
 *   npm start -- --plan FILE                    another plan
 *   npm start -- --speed 500000                 faster (simulated seconds per real second)
 *   npm start -- --realtime                     real time: for an office running the twin for real
 *   npm start -- --scenario scenarios/nanping-2016.json   also play scripted county and city behaviour
 *   npm start -- --reset                        forget .twin/ and start over
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadPlanFile } from '../core/plan/load';
import { deriveSchedule } from '../core/plan/schedule';
import { atLocalTime, formatBeijing } from '../core/time';
import { formatProblems } from '../core/validation';
import { startCycle } from '../core/use-cases/cycle';
import { compileScenario, loadScenario, performAction } from './scenario';
import { REPO_ROOT, startTwin } from './twin';

const { values } = parseArgs({
  options: {
    plan: { type: 'string', default: 'plans/nanping-2016.json' },
    scenario: { type: 'string' },
    speed: { type: 'string', default: '50000' },
    realtime: { type: 'boolean', default: false },
    reset: { type: 'boolean', default: false },
    'data-dir': { type: 'string', default: join(REPO_ROOT, '.twin') },
    'exit-after-seconds': { type: 'string' },
  },
});

const loaded = await loadPlanFile(values.plan!);
if (!loaded.ok) {
  console.error(`计划有误，未启动 / the plan is invalid, nothing was started: ${values.plan}\n${formatProblems(loaded.problems, 'both')}`);
  process.exit(1);
}
const plan = loaded.plan;
if (values.reset) await rm(values['data-dir']!, { recursive: true, force: true });

const speed = Number(values.speed);
const twin = await startTwin({
  dataDir: values['data-dir'],
  startAt: atLocalTime(plan.phases[0].opens, '00:00').toMillis(),
  mode: values.realtime ? { kind: 'real' } : { kind: 'scaled', speed },
  ports: { dynamodb: 8000, ses: 8005, s3: 4569, sfn: 8083 },
});

await twin.clock.track(() => startCycle(twin.ctx, { plan, startedBy: 'city-admin' }));
if (values.scenario) {
  const scenario = await loadScenario(values.scenario);
  const now = twin.clock.now();
  for (const a of compileScenario(scenario, plan, deriveSchedule(plan))) {
    if (a.at < now) continue;
    void twin.clock
      .sleepUntil(a.at)
      .then(() => twin.clock.track(() => performAction(twin.ctx, plan.cycleId, a)))
      .catch((e: Error) => console.error(`scenario ${a.kind} ${a.unitId}: ${e.name}: ${e.message}`));
  }
}

const e = twin.endpoints;
console.log(`
本地孪生环境已启动 / the local twin is up — ${plan.title}
  时钟 / clock        ${formatBeijing(twin.clock.now(), 'datetime')} (Beijing), ${values.realtime ? 'real time' : `×${speed}`}
  收件箱 / inbox      ${e.inbox}          (every email the cycle sends)
  DynamoDB Local      ${e.dynamodb}   table ${twin.assembly.table.name} (data in ${values['data-dir']})
  Step Functions      ${e.sfn}
  S3 emulator         ${e.s3}   bucket ${twin.assembly.bucket.name}

  Try, in another terminal (any credentials and region will do):
    AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_REGION=us-east-1 \\
      aws stepfunctions list-executions --endpoint-url ${e.sfn} --state-machine-arn ${twin.cycleStateMachineArn}
    curl -s ${e.ses}/store | head -c 600

  Ctrl-C stops; npm start again carries on where it stopped (npm start -- --reset starts over).
`);

// What a person watching sees: each email as it arrives (Beijing time, recipient, subject), and the clock.
let shown = 0;
let lastBeat = 0;
const progress = setInterval(async () => {
  const inbox = await twin.inbox();
  for (const m of inbox.slice(shown)) {
    console.log(`${formatBeijing(m.at * 1000, 'datetime')}  ${m.destination.to.join(', ').padEnd(38)} ${m.subject}`);
  }
  shown = inbox.length;
  if (Date.now() - lastBeat > 10_000) {
    lastBeat = Date.now();
    const c = twin.engine.counters();
    console.log(`  — ${formatBeijing(twin.clock.now(), 'datetime')}  emails ${shown}  executions ${c.executions}  state transitions ${c.stateTransitions}`);
  }
}, 1000);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  clearInterval(progress);
  console.log('\nstopping; executions and data are kept in', values['data-dir']);
  await twin.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
if (values['exit-after-seconds']) setTimeout(stop, Number(values['exit-after-seconds']) * 1000);
