/** GET /cycles/{cycleId}/units/{unitId}/sample: the unit's inspection, its recorded sample and the inputs to verify it. */
import type { Context } from '../../core/use-cases/context';
import { unitSample } from '../../core/use-cases/inspection';
import { makeApiHandler } from '../_shared/api-handler';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { route } from './route';

export const makeHandler = (ctx: Context) => makeApiHandler(route, async ({ params }) => ({ body: await unitSample(ctx, params) }), { planScope: ctx });
export const handler = makeHandler(getDeps('get-unit-sample', { repo: dynamoRepository }));
