/** GET /cycles/{cycleId}/units/{unitId}/roster/versions/{version}: one version of the roster with its rows (to verify a draw against it). */
import type { Context } from '../../core/use-cases/context';
import { rosterVersion } from '../../core/use-cases/rosters';
import { makeApiHandler } from '../_shared/api-handler';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { route } from './route';

export const makeHandler = (ctx: Context) => makeApiHandler(route, async ({ params }) => ({ body: await rosterVersion(ctx, params) }));
export const handler = makeHandler(getDeps('get-roster-version', { repo: dynamoRepository }));
