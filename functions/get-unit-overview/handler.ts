/** GET /cycles/{cycleId}/units/{unitId}: what is due for the unit and when (Beijing), days left, its status per phase. */
import type { Context } from '../../core/use-cases/context';
import { unitOverview } from '../../core/use-cases/views';
import { makeApiHandler } from '../_shared/api-handler';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { route } from './route';

export const makeHandler = (ctx: Context) => makeApiHandler(route, async ({ params }) => ({ body: await unitOverview(ctx, params) }));
export const handler = makeHandler(getDeps('get-unit-overview', { repo: dynamoRepository }));
