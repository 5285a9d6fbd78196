/** PUT .../units/{unitId}/proposals/{proposalId}/decision (city office): confirm or withdraw a 通报批评 / 挂牌督办 proposal, once. */
import type { Context } from '../../core/use-cases/context';
import { decideProposal } from '../../core/use-cases/proposals';
import { makeApiHandler } from '../_shared/api-handler';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { sesMailer } from '../_shared/ses';
import { route } from './route';

export const makeHandler = (ctx: Context) =>
  makeApiHandler(route, async ({ params, body, actor }) => {
    const decided = await decideProposal(ctx, { ...params, action: body.action, reason: body.reason, decidedBy: actor!.id });
    return { status: decided.recorded ? 201 : 200, body: decided };
  }, { idempotency: ctx });
export const handler = makeHandler(getDeps('decide-proposal', { repo: dynamoRepository, mailer: sesMailer }));
