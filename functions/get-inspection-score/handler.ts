/** GET …/inspection/{windowId}/score: the rubric, the unit's score sheet (null: none yet), its standing and its rank. */
import type { Context } from '../../core/use-cases/context';
import { unitInspectionScore } from '../../core/use-cases/inspection-results';
import { makeApiHandler } from '../_shared/api-handler';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { route } from './route';

export const makeHandler = (ctx: Context) => makeApiHandler(route, async ({ params }) => ({ body: await unitInspectionScore(ctx, params) }), { planScope: ctx });
export const handler = makeHandler(getDeps('get-inspection-score', { repo: dynamoRepository }));
