/**
 * SES events from the configuration set's SNS topic: a permanent bounce or a complaint marks the address
 * undeliverable and tells the city office (core/use-cases/email-events.ts). Everything else is logged.
 */
import type { Context } from '../../core/use-cases/context';
import { recordEmailEvent } from '../../core/use-cases/email-events';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { sesMailer } from '../_shared/ses';
import { makeSnsHandler } from '../_shared/sns-handler';
import { logger } from '../_shared/task-handler';
import { sesEventSchema, toEmailEvent } from './schema';

export const makeHandler = (ctx: Context) =>
  makeSnsHandler(sesEventSchema, async (ses, { snsMessageId }) => {
    const event = toEmailEvent(ses);
    const outcome = await recordEmailEvent(ctx, event);
    const keys = { snsMessageId, sesMessageId: event.messageId, eventType: ses.eventType ?? ses.notificationType, ...event.tags };
    if (outcome.action === 'ignored') logger.info('email event needs no action', { ...keys, reason: outcome.reason, bounceType: event.bounceType });
    else logger.warn('contact marked undeliverable', { ...keys, reason: outcome.reason, contacts: outcome.contacts });
    return outcome;
  });
export const handler = makeHandler(getDeps('record-email-event', { repo: dynamoRepository, mailer: sesMailer }));
