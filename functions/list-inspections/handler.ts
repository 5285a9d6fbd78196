/** GET /cycles/{cycleId}/inspections (交叉检查): the units each group inspects, the draw and what is recorded; an inspector sees its own group. */
import type { Context } from '../../core/use-cases/context';
import { inspectionOverview } from '../../core/use-cases/inspection-results';
import { makeApiHandler } from '../_shared/api-handler';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { route } from './route';

export const makeHandler = (ctx: Context) =>
  makeApiHandler(route, async ({ params, actor }) => ({ body: await inspectionOverview(ctx, { ...params, actor: actor! }) }), { planScope: ctx });
export const handler = makeHandler(getDeps('list-inspections', { repo: dynamoRepository }));
