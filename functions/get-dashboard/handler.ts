/** GET /cycles/{cycleId}/dashboard (city office): every unit by phase: status, on time, late or missing, days overdue, reminders sent. */
import type { Context } from '../../core/use-cases/context';
import { dashboard } from '../../core/use-cases/views';
import { makeApiHandler } from '../_shared/api-handler';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { route } from './route';

export const makeHandler = (ctx: Context) => makeApiHandler(route, async ({ params }) => ({ body: await dashboard(ctx, params) }));
export const handler = makeHandler(getDeps('get-dashboard', { repo: dynamoRepository }));
