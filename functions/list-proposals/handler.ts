/** GET /cycles/{cycleId}/proposals (city office): the drafted 通报批评 / 挂牌督办 proposals and their decisions. */
import type { Context } from '../../core/use-cases/context';
import { listProposals } from '../../core/use-cases/proposals';
import { makeApiHandler } from '../_shared/api-handler';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { route } from './route';

export const makeHandler = (ctx: Context) => makeApiHandler(route, async ({ params }) => ({ body: await listProposals(ctx, params) }));
export const handler = makeHandler(getDeps('list-proposals', { repo: dynamoRepository }));
