/** GET .../units/{unitId}/audit (city office): the unit's audit log, who did what and when. */
import type { Context } from '../../core/use-cases/context';
import { unitAudit } from '../../core/use-cases/unit-messages';
import { makeApiHandler } from '../_shared/api-handler';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { route } from './route';

export const makeHandler = (ctx: Context) => makeApiHandler(route, async ({ params }) => ({ body: await unitAudit(ctx, params) }));
export const handler = makeHandler(getDeps('list-unit-audit', { repo: dynamoRepository }));
