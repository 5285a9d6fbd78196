/** GET /cycles: the cycles the signed-in user works in (a county: those whose plan has its unit), the one to open first. */
import type { Context } from '../../core/use-cases/context';
import { cyclesOf } from '../../core/use-cases/unit-messages';
import { makeApiHandler } from '../_shared/api-handler';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { route } from './route';

export const makeHandler = (ctx: Context) => makeApiHandler(route, async ({ actor }) => ({ body: await cyclesOf(ctx, actor!) }));
export const handler = makeHandler(getDeps('list-cycles', { repo: dynamoRepository }));
