/**
 * PUT …/inspection/{windowId}/score (an inspector of the group, or the city office on the group's behalf): the unit's score sheet
 * on the plan's rubric; the score is computed by the server. Version-checked (a stale edit is a 409) and audited.
 */
import type { Context } from '../../core/use-cases/context';
import { recordInspectionScore } from '../../core/use-cases/inspection-results';
import { makeApiHandler } from '../_shared/api-handler';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { route } from './route';

export const makeHandler = (ctx: Context) =>
  makeApiHandler(route, async ({ params, body, actor }) => {
    const done = await recordInspectionScore(ctx, { ...params, ...body, recordedBy: actor!.id, recorderRole: actor!.role === 'inspector' ? 'inspector' : 'city' });
    return { status: done.recorded ? 201 : 200, body: done };
  }, { idempotency: ctx, planScope: ctx });
export const handler = makeHandler(getDeps('put-inspection-score', { repo: dynamoRepository }));
