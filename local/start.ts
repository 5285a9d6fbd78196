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
 *   npm start -- --at 2016-11-07T09:00:00+08:00 fast-forward to that Beijing instant as fast as possible, then
 *                                               go on in real time (with --speed N: at ×N) to act by hand
 *   npm start -- --reset                        forget .twin/ and start over
 *   npm start -- --api-port 3000 --issuer-port 9229   where the HTTP API and the token issuer listen
 *   npm start -- --portal-port 5173             where the portal listens (built into web/dist on first start)
 *
 * The HTTP API is served at http://127.0.0.1:3000 behind the JWT authorizer; the plan's users (the city
 * office `city` and one user per unit, named by its id) sign in with one local password:
 *   TOKEN=$(npm run -s token -- --user yanping)
 *   curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:3000/me
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadPlanFile } from '../core/plan/load';
import { deriveSchedule } from '../core/plan/schedule';
import { atLocalTime, formatBeijing } from '../core/time';
import { formatProblems } from '../core/validation';
import { startCycle } from '../core/use-cases/cycle';
import { usersFromPlan } from './api/users';
import type { ClockMode } from './clock';
import { compileScenario, loadScenario, performAction } from './scenario';
import { ensurePortalBuilt } from './portal-build';
import { PORTAL_DIST, REPO_ROOT, startTwin } from './twin';

const { values } = parseArgs({
  options: {
    plan: { type: 'string', default: 'plans/nanping-2016.json' },
    scenario: { type: 'string' },
    speed: { type: 'string' },
    realtime: { type: 'boolean', default: false },
    at: { type: 'string' },
    'api-port': { type: 'string', default: '3000' },
    'issuer-port': { type: 'string', default: '9229' },
    'portal-port': { type: 'string', default: '5173' },
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

const speed = Number(values.speed ?? 50_000);
const at = values.at === undefined ? undefined : Date.parse(values.at);
if (at !== undefined && Number.isNaN(at)) {
  console.error(`--at 需要一个带时区的 ISO 时刻，例如 2016-11-07T09:00:00+08:00 / --at needs an ISO instant with its offset, e.g. 2016-11-07T09:00:00+08:00 (got ${values.at})`);
  process.exit(1);
}
// With --at: simulated time (as fast as possible) up to that instant, then real time, or ×N with --speed.
const modeAfterAt: ClockMode = values.speed === undefined || values.realtime ? { kind: 'real' } : { kind: 'scaled', speed };
const mode: ClockMode = at !== undefined ? { kind: 'simulated' } : values.realtime ? { kind: 'real' } : { kind: 'scaled', speed };
await ensurePortalBuilt(PORTAL_DIST);
const twin = await startTwin({
  dataDir: values['data-dir'],
  startAt: atLocalTime(plan.phases[0].opens, '00:00').toMillis(),
  mode,
  ports: { dynamodb: 8000, ses: 8005, s3: 4569, sfn: 8083, api: Number(values['api-port']), issuer: Number(values['issuer-port']) },
  users: usersFromPlan(plan),
  portal: { port: Number(values['portal-port']) },
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

let shown = 0;
if (at !== undefined) {
  if (twin.clock.now() >= at) {
    console.log(
      `时钟已在 ${formatBeijing(twin.clock.now(), 'datetime')}，晚于 --at ${formatBeijing(at, 'datetime')}，照常继续 / ` +
        `the clock is already past --at (it is ${formatBeijing(twin.clock.now(), 'datetime')} Beijing); carrying on from there`,
    );
  } else {
    console.log(`快进到 / fast-forwarding to ${formatBeijing(at, 'datetime')} (Beijing) …`);
    const started = performance.now();
    await twin.clock.runUntil(at);
    shown = (await twin.inbox()).length;
    console.log(`  done in ${((performance.now() - started) / 1000).toFixed(1)} s; ${shown} emails were sent on the way (all in the inbox)`);
  }
  twin.clock.setMode(modeAfterAt);
}

const e = twin.endpoints;
const clockMode = twin.clock.mode();
const example = plan.units[0]?.id ?? 'city';
const users = twin.users.map((u) => u.username);
console.log(`
本地孪生环境已启动 / the local twin is up — ${plan.title}
  时钟 / clock        ${formatBeijing(twin.clock.now(), 'datetime')} (Beijing), ${clockMode.kind === 'scaled' ? `×${clockMode.speed}` : 'real time'}
  工作平台 / portal   ${e.portal}          (sign in as ${example} or city, password below)
  收件箱 / inbox      ${e.inbox}          (every email the cycle sends)
  DynamoDB Local      ${e.dynamodb}   table ${twin.assembly.table.name} (data in ${values['data-dir']})
  Step Functions      ${e.sfn}
  S3 emulator         ${e.s3}   bucket ${twin.assembly.bucket.name}
  HTTP API            ${e.api}   (${twin.assembly.api?.routes.length ?? 0} routes from the synthesized template; GET /openapi.json)
  令牌 / token issuer ${e.issuer}   client ${twin.userPool.clientId}
  用户 / users        ${users.length > 20 ? `${users.slice(0, 20).join(', ')}, … (${users.length})` : users.join(', ')}
  密码 / password     ${twin.userPool.password}   (every local user; never a real password)

  Call the API as a county (or --user city for the city office):
    TOKEN=$(npm run -s token -- --user ${example})
    curl -H "Authorization: Bearer $TOKEN" ${e.api}/me

  Try, in another terminal (the operator's key local/local may do anything; a function's key only what its
  role allows; every request must be signed, as on AWS):
    AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_DEFAULT_REGION=us-east-1 \\
      aws stepfunctions list-executions --endpoint-url ${e.sfn} --state-machine-arn ${twin.cycleStateMachineArn}
    curl -s ${e.ses}/store | head -c 600
    aws cognito-idp initiate-auth --region us-east-1 --endpoint-url ${e.cognito} --client-id ${twin.userPool.clientId} \\
      --auth-flow USER_PASSWORD_AUTH --auth-parameters 'USERNAME=city,PASSWORD=${twin.userPool.password}'

  Ctrl-C stops; npm start again carries on where it stopped (npm start -- --reset starts over).
`);

// What a person watching sees: each email as it arrives (Beijing time, recipient, subject), and the clock.
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
