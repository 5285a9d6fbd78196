/**
 * GET /cycles/{cycleId}/directory?cursor=&limit= (city office): the directory (通讯录), a page of units at a
 * time: each contact with its delivery state (bounced, complained, refused, fixed), and the city's own.
 */
import type { Context } from '../../core/use-cases/context';
import { directory } from '../../core/use-cases/directory';
import { makeApiHandler } from '../_shared/api-handler';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { route } from './route';

export const makeHandler = (ctx: Context) => makeApiHandler(route, async ({ params, query }) => ({ body: await directory(ctx, { ...params, ...query }) }));
export const handler = makeHandler(getDeps('list-directory', { repo: dynamoRepository }));
