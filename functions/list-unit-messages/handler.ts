/** GET .../units/{unitId}/messages: what the system sent the unit (the ledger), when (Beijing), and which notices it signed for. */
import type { Context } from '../../core/use-cases/context';
import { unitMessages } from '../../core/use-cases/unit-messages';
import { makeApiHandler } from '../_shared/api-handler';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { route } from './route';

export const makeHandler = (ctx: Context) =>
  makeApiHandler(route, async ({ params, actor }) => ({ body: await unitMessages(ctx, { ...params, role: actor!.role }) }));
export const handler = makeHandler(getDeps('list-unit-messages', { repo: dynamoRepository }));
