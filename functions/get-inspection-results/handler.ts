/** GET …/inspection/{windowId}/results: the unit's sampled communities, each with its result (null: none yet), and its standing. */
import type { Context } from '../../core/use-cases/context';
import { unitInspectionResults } from '../../core/use-cases/inspection-results';
import { makeApiHandler } from '../_shared/api-handler';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { route } from './route';

export const makeHandler = (ctx: Context) => makeApiHandler(route, async ({ params }) => ({ body: await unitInspectionResults(ctx, params) }), { planScope: ctx });
export const handler = makeHandler(getDeps('get-inspection-results', { repo: dynamoRepository }));
