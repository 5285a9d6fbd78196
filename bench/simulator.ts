/**
 * Simulator wall time and Step Functions cost per unit, for the example plan and generated plans.
 *
 *   npm run bench -- simulator [--units 10,100,2800]
 *
 * 10 is the Nanping example with its scenario; larger sizes are generated from it (every unit submits
 * two days early and is approved).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatePlan } from '../core/plan/generate';
import { validatePlan } from '../core/plan/validate';
import { allGoodScenario, scenarioSchema } from '../local/scenario';
import { simulate } from '../local/simulate';

const ROOT = join(import.meta.dirname, '..');

export interface SimulatorOptions {
  /** Plan sizes; the example's own size (10) runs the example with its scenario. @default [10, 100] */
  units?: number[];
}

export async function benchSimulator(opts: SimulatorOptions = {}): Promise<string> {
  const sizes = opts.units ?? [10, 100];
  const base = validatePlan(JSON.parse(readFileSync(join(ROOT, 'plans/nanping-2016.json'), 'utf8')));
  if (!base.ok) throw new Error('the example plan does not validate');
  const rows: string[] = [];
  for (const n of sizes) {
    const example = n === base.plan.units.length;
    const plan = example ? base.plan : generatePlan({ units: n, base: base.plan });
    const scenario = example ? scenarioSchema.parse(JSON.parse(readFileSync(join(ROOT, 'scenarios/nanping-2016.json'), 'utf8'))) : allGoodScenario;
    const memBefore = process.memoryUsage().rss;
    const r = await simulate({ plan, scenario });
    const c = r.counters;
    const unitSm = Object.entries(c.byStateMachine).find(([k]) => k.endsWith('UnitCycle'))?.[1];
    rows.push(
      `| ${n}${example ? ' (example + scenario)' : ''} | ${(c.wallTimeMs / 1000).toFixed(1)} s | ${c.executions} | ${(c.stateTransitions / n).toFixed(1)} | ${(c.historyEvents / n).toFixed(1)} | ${c.maxHistoryEventsPerExecution} | ${unitSm?.maxHistoryEventsPerExecution ?? '-'} | ${c.emails} | ${c.lambdaInvocations} | ${r.errors.length} | ${((process.memoryUsage().rss - memBefore) / 2 ** 20).toFixed(0)} MB |`,
    );
  }
  return [
    `Node ${process.version}, ${new Date().toISOString().slice(0, 10)}, 2 cores; DynamoDB Local in memory; every figure from one run.`,
    '',
    '| units | wall time | executions | state transitions / unit | history events / unit | max history events in one execution | max in a unit execution | emails | Lambda invocations | errors | node RSS growth |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}
