/** GET /cycles/{cycleId}/forwarding (city office): the list awaiting 上报确认, its state, who confirmed it and when. */
import type { Context } from '../../core/use-cases/context';
import { forwardingView } from '../../core/use-cases/forwarding';
import { makeApiHandler } from '../_shared/api-handler';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { route } from './route';

export const makeHandler = (ctx: Context) => makeApiHandler(route, async ({ params }) => ({ body: await forwardingView(ctx, params) }));
export const handler = makeHandler(getDeps('get-forwarding', { repo: dynamoRepository }));
