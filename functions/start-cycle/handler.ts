/** POST /cycles (city office): start the cycle of a plan (store it, start its YearlyCycle execution); the same plan again is a no-op. */
import type { Context } from '../../core/use-cases/context';
import { startCycleFromPlan } from '../../core/use-cases/plans';
import { makeApiHandler } from '../_shared/api-handler';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { sfnWorkflow } from '../_shared/sfn';
import { route } from './route';

export const makeHandler = (ctx: Context) =>
  makeApiHandler(route, async ({ body, actor, lang }) => {
    const r = await startCycleFromPlan(ctx, { plan: body, actor: actor! });
    const warnings = r.warnings.map((p) => ({ path: p.path, rule: p.rule, message: p.message[lang] }));
    return { status: r.stored === 'stored' ? 201 : 200, body: { ...r, warnings } };
  }, { idempotency: ctx });
export const handler = makeHandler(getDeps('start-cycle', { repo: dynamoRepository, workflow: sfnWorkflow }));
