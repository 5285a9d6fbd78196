/**
 * SES event publishing (configuration set -> SNS) as this function reads it. Loose objects: SES adds fields,
 * and only these are needed. Identity notifications say `notificationType` instead of `eventType`; both are read.
 */
import * as z from 'zod/mini';
import { decodeTagValue } from '../../core/adapters/ses/mailer';
import type { EmailEvent } from '../../core/use-cases/email-events';

const recipient = z.looseObject({
  emailAddress: z.string().check(z.minLength(3)),
  status: z.optional(z.string()),
  diagnosticCode: z.optional(z.string()),
});

export const sesEventSchema = z.looseObject({
  eventType: z.optional(z.string()),
  notificationType: z.optional(z.string()),
  mail: z.looseObject({
    messageId: z.string(),
    timestamp: z.string(),
    tags: z.optional(z.record(z.string(), z.array(z.string()))),
  }),
  bounce: z.optional(
    z.looseObject({
      bounceType: z.string(),
      bounceSubType: z.optional(z.string()),
      bouncedRecipients: z.array(recipient),
      timestamp: z.string(),
    }),
  ),
  complaint: z.optional(
    z.looseObject({
      complainedRecipients: z.array(recipient),
      complaintFeedbackType: z.optional(z.string()),
      timestamp: z.string(),
    }),
  ),
});

export type SesEvent = z.output<typeof sesEventSchema>;

/** SES's event in the domain's terms; tag values are decoded (the mailer encodes them). */
export function toEmailEvent(ses: SesEvent): EmailEvent {
  const type = ses.eventType ?? ses.notificationType;
  const tag = (name: string) => {
    const value = ses.mail.tags?.[name]?.[0];
    return value ? decodeTagValue(value) : undefined;
  };
  const tags = { cycleId: tag('cycleId'), unitId: tag('unitId'), kind: tag('kind') };
  const base = { messageId: ses.mail.messageId, tags };
  if (type === 'Bounce' && ses.bounce) {
    return {
      ...base,
      type: 'bounce',
      bounceType: ses.bounce.bounceType,
      bounceSubType: ses.bounce.bounceSubType,
      at: ses.bounce.timestamp,
      recipients: ses.bounce.bouncedRecipients.map((r) => ({
        email: r.emailAddress,
        detail: [r.status, r.diagnosticCode].filter(Boolean).join(' ') || undefined,
      })),
    };
  }
  if (type === 'Complaint' && ses.complaint) {
    return {
      ...base,
      type: 'complaint',
      at: ses.complaint.timestamp,
      recipients: ses.complaint.complainedRecipients.map((r) => ({ email: r.emailAddress, detail: ses.complaint?.complaintFeedbackType })),
    };
  }
  return { ...base, type: 'other', at: ses.mail.timestamp, recipients: [] };
}
