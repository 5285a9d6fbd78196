/** GET /cycles/{cycleId}/units/{unitId}/roster: the unit's registered roster (社区/村名单), its version and history. */
import type { Context } from '../../core/use-cases/context';
import { unitRoster } from '../../core/use-cases/rosters';
import { makeApiHandler } from '../_shared/api-handler';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { route } from './route';

export const makeHandler = (ctx: Context) => makeApiHandler(route, async ({ params }) => ({ body: await unitRoster(ctx, params) }));
export const handler = makeHandler(getDeps('get-unit-roster', { repo: dynamoRepository }));
