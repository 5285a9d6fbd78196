/** PUT /cycles/{cycleId}/forwarding/confirmation (city office): 上报确认, once; the waiting YearlyCycle moves on. */
import type { Context } from '../../core/use-cases/context';
import { confirmForwarding } from '../../core/use-cases/forwarding';
import { makeApiHandler } from '../_shared/api-handler';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { sfnWorkflow } from '../_shared/sfn';
import { route } from './route';

export const makeHandler = (ctx: Context) =>
  makeApiHandler(route, async ({ params, body, actor }) => {
    const confirmed = await confirmForwarding(ctx, { cycleId: params.cycleId, note: body.note, confirmedBy: actor!.id });
    return { status: confirmed.recorded ? 201 : 200, body: confirmed };
  }, { idempotency: ctx });
export const handler = makeHandler(getDeps('confirm-forwarding', { repo: dynamoRepository, workflow: sfnWorkflow }));
