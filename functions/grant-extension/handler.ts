/** POST .../deliverables/{deliverableId}/extensions (city office): grant an extension (延期); the unit's later reminders and escalations move. */
import type { Context } from '../../core/use-cases/context';
import { grantExtension } from '../../core/use-cases/extensions';
import { makeApiHandler } from '../_shared/api-handler';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { sesMailer } from '../_shared/ses';
import { sfnWorkflow } from '../_shared/sfn';
import { route } from './route';

export const makeHandler = (ctx: Context) =>
  makeApiHandler(route, async ({ params, body, actor }) => ({
    status: 201,
    body: await grantExtension(ctx, { ...params, lastDay: body.lastDay, reason: body.reason, grantedBy: actor!.id }),
  }), { idempotency: ctx });
export const handler = makeHandler(getDeps('grant-extension', { repo: dynamoRepository, mailer: sesMailer, workflow: sfnWorkflow }));
