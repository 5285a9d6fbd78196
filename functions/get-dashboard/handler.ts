/**
 * GET /cycles/{cycleId}/dashboard?cursor=&limit=&filter= (city office): a page of units by phase (status, on
 * time, late or missing, days overdue, reminders sent) with the cycle's totals; `page.next` is the next cursor.
 */
import type { Context } from '../../core/use-cases/context';
import { dashboard } from '../../core/use-cases/views';
import { makeApiHandler } from '../_shared/api-handler';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { route } from './route';

export const makeHandler = (ctx: Context) => makeApiHandler(route, async ({ params, query }) => ({ body: await dashboard(ctx, { ...params, ...query }) }));
export const handler = makeHandler(getDeps('get-dashboard', { repo: dynamoRepository }));
