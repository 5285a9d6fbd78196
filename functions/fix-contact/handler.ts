/** POST /contacts/fix (city office): the address was corrected or works again; the notifier may mail it again. */
import type { Context } from '../../core/use-cases/context';
import { fixContact } from '../../core/use-cases/email-events';
import { makeApiHandler } from '../_shared/api-handler';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { route } from './route';

export const makeHandler = (ctx: Context) =>
  makeApiHandler(route, async ({ body, actor }) => ({ body: await fixContact(ctx, { email: body.email, fixedBy: actor!.id }) }), { idempotency: ctx });
export const handler = makeHandler(getDeps('fix-contact', { repo: dynamoRepository }));
