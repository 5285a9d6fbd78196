/** GET /cycles/{cycleId}/units/{unitId}/submissions: each deliverable the unit submitted, with every version. */
import type { Context } from '../../core/use-cases/context';
import { listUnitSubmissions } from '../../core/use-cases/views';
import { makeApiHandler } from '../_shared/api-handler';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { route } from './route';

export const makeHandler = (ctx: Context) => makeApiHandler(route, async ({ params }) => ({ body: await listUnitSubmissions(ctx, params) }));
export const handler = makeHandler(getDeps('list-submissions', { repo: dynamoRepository }));
