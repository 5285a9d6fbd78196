/** POST .../units/{unitId}/messages/{messageId}/sign (the county itself): 签收 of a notice, recorded once with who and when. */
import type { Context } from '../../core/use-cases/context';
import { signNotice } from '../../core/use-cases/unit-messages';
import { makeApiHandler } from '../_shared/api-handler';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { route } from './route';

export const makeHandler = (ctx: Context) =>
  makeApiHandler(route, async ({ params, actor }) => {
    const signed = await signNotice(ctx, { ...params, signedBy: actor!.id });
    return { status: signed.recorded ? 201 : 200, body: signed };
  }, { idempotency: ctx });
export const handler = makeHandler(getDeps('sign-notice', { repo: dynamoRepository }));
