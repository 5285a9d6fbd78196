/**
 * Start a cycle on AWS (or on a running twin): validate the plan, store it, start its YearlyCycle execution.
 *
 *   TABLE_NAME=<TableName output> CYCLE_STATE_MACHINE_ARN=<YearlyCycleArn output> \
 *     npm run cycle -- start plans/nanping-2016.json [--restart NAME]
 *
 * Uses the same use case and adapters as the Lambda functions; credentials and region come from the
 * usual AWS environment. `--restart NAME` stops nothing by itself: stop the running executions first
 * (console or CLI), then start again under a new execution name; the ledger keeps every message once.
 */
import { parseArgs } from 'node:util';
import { ValidationError } from '../core/errors';
import { startCycle } from '../core/use-cases/cycle';
import { formatProblems } from '../core/validation';
import { loadPlanFile } from '../core/plan/load';
import { buildContext } from '../functions/_shared/deps';
import { dynamoRepository } from '../functions/_shared/dynamodb';
import { sfnWorkflow } from '../functions/_shared/sfn';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { restart: { type: 'string' }, by: { type: 'string', default: 'city-admin' } } });
const [command, file] = positionals;
if (command !== 'start' || !file) {
  console.error('usage: npm run cycle -- start PLAN.json [--restart EXECUTION_NAME] [--by USER]');
  process.exit(2);
}
const loaded = await loadPlanFile(file);
if (!loaded.ok) {
  console.error(`计划有误，未启动 / the plan is invalid, nothing was started\n${formatProblems(loaded.problems, 'both')}`);
  process.exit(1);
}
const ctx = buildContext({ repo: dynamoRepository, workflow: sfnWorkflow });
try {
  const r = await startCycle(ctx, { plan: loaded.plan, startedBy: values.by!, executionName: values.restart });
  console.log(JSON.stringify({ cycleId: r.cycleId, executionName: r.executionName, plan: r.stored, execution: r.started, planHash: r.planHash }, null, 2));
} catch (e) {
  if (e instanceof ValidationError) console.error(formatProblems(e.problems, 'both'));
  else console.error(`${(e as Error).name}: ${(e as Error).message}`);
  process.exit(1);
}
