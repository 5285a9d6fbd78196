/**
 * PUT .../reviews/{round}/decision (city office): approve, or return for rectification. Written once:
 * the same decision again returns the recorded one; a different one is a 409 naming who decided and when.
 */
import type { Context } from '../../core/use-cases/context';
import { decideReview } from '../../core/use-cases/review';
import { makeApiHandler } from '../_shared/api-handler';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { sfnWorkflow } from '../_shared/sfn';
import { route } from './route';

export const makeHandler = (ctx: Context) =>
  makeApiHandler(route, async ({ params, body, actor }) => {
    const r = await decideReview(ctx, { ...params, ...body, decidedBy: actor!.id });
    return { status: r.repeated ? 200 : 201, body: r };
  }, { idempotency: ctx });
export const handler = makeHandler(getDeps('decide-review', { repo: dynamoRepository, workflow: sfnWorkflow }));
