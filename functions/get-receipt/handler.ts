/** GET .../versions/{version}/receipt: the receipt (回执): receipt time by the server's clock, on time or late, each document's SHA-256. */
import type { Context } from '../../core/use-cases/context';
import { receiptOf } from '../../core/use-cases/views';
import { makeApiHandler } from '../_shared/api-handler';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { route } from './route';

export const makeHandler = (ctx: Context) => makeApiHandler(route, async ({ params }) => ({ body: await receiptOf(ctx, params) }));
export const handler = makeHandler(getDeps('get-receipt', { repo: dynamoRepository }));
