/**
 * What SES tells us after a send: a permanent bounce or a complaint makes an address undeliverable, the city
 * office is told once to correct its directory (通讯录), and the notifier mails the address no more until
 * the city office marks it fixed.
 *
 * Primary course (recordEmailEvent):
 *   1. a transient or undetermined bounce, or any other event, is only reported back (the caller logs it);
 *   2. each affected recipient is marked undeliverable; the first mark wins, so a redelivered event finds
 *      the standing mark and reuses its `since`;
 *   3. the city office of the cycle the email belonged to (its SES tags) gets one notice per address and
 *      incident: ledger key kind 'contact-undeliverable', milestone `<address>#<since>`.
 * Without a cycle tag (mail the product did not send) the address is still marked; nobody is told.
 */
import { NotFoundError } from '../errors';
import type { ContactStatus, UndeliverableReason } from '../model';
import type { SendResult } from '../notifier/notifier';
import { fromAddress, templates } from '../notifier/templates';
import type { Context } from './context';

/** An SES event in the domain's terms (functions/record-email-event maps the SES JSON to this). */
export interface EmailEvent {
  type: 'bounce' | 'complaint' | 'other';
  /** SES bounceType: 'Permanent' | 'Transient' | 'Undetermined'. */
  bounceType?: string;
  bounceSubType?: string;
  /** The SES message id of the email the event is about. */
  messageId: string;
  /** When the bounce or complaint happened. */
  at: string;
  recipients: Array<{ email: string; detail?: string }>;
  /** The email's tags, decoded. */
  tags: { cycleId?: string; unitId?: string; kind?: string };
}

/** 'already-fixed': a late copy of an incident the city office has fixed since. */
export type CityNotice = SendResult | 'no-cycle' | 'no-plan' | 'already-fixed';

export type EmailEventOutcome =
  | { action: 'ignored'; reason: 'transient-bounce' | 'not-a-failure' }
  | { action: 'marked'; reason: UndeliverableReason; contacts: Array<{ email: string; newlyMarked: boolean; cityNotice: CityNotice }> };

export async function recordEmailEvent(ctx: Context, event: EmailEvent): Promise<EmailEventOutcome> {
  if (event.type === 'other') return { action: 'ignored', reason: 'not-a-failure' };
  if (event.type === 'bounce' && event.bounceType !== 'Permanent') return { action: 'ignored', reason: 'transient-bounce' };
  const reason: UndeliverableReason = event.type;
  const kind = event.type === 'bounce' ? [event.bounceType, event.bounceSubType].filter(Boolean).join('/') : 'complaint';

  const contacts: Array<{ email: string; newlyMarked: boolean; cityNotice: CityNotice }> = [];
  // One address is one incident: a message sent to the same address twice (To and Cc) is marked once.
  const recipients = new Map(event.recipients.map((r) => [r.email.toLowerCase(), r]));
  for (const [email, r] of recipients) {
    const { marked, status } = await ctx.repo.markContactUndeliverable({
      email,
      reason,
      detail: [kind, r.detail].filter(Boolean).join(': '),
      since: event.at,
      messageId: event.messageId,
      ...(event.tags.cycleId ? { cycleId: event.tags.cycleId } : {}),
      ...(event.tags.unitId ? { unitId: event.tags.unitId } : {}),
    });
    // Written on every delivery of the incident that made the standing mark, keyed by it: a redelivery
    // after a failure between the mark and this write still records it, once.
    const ours = marked || (status.status === 'undeliverable' && status.since === event.at && status.messageId === event.messageId);
    if (ours && status.cycleId) {
      await ctx.repo.appendAudit({
        key: `mark-undeliverable#${email}#${status.since}`,
        cycleId: status.cycleId,
        unitId: status.unitId ?? null,
        at: ctx.nowIso(),
        actor: 'ses',
        role: 'system',
        action: 'mark-undeliverable',
        what: { email, reason, since: status.since, messageId: event.messageId },
      });
    }
    contacts.push({ email, newlyMarked: marked, cityNotice: await tellCityOffice(ctx, status) });
  }
  return { action: 'marked', reason, contacts };
}

/** Keyed by the standing mark (its cycle, unit and since), so every delivery of one incident finds the same ledger key. */
async function tellCityOffice(ctx: Context, status: ContactStatus): Promise<CityNotice> {
  if (status.status !== 'undeliverable') return 'already-fixed';
  if (!status.cycleId) return 'no-cycle';
  let plan;
  try {
    plan = (await ctx.loadPlan(status.cycleId)).plan;
  } catch (error) {
    if (error instanceof NotFoundError) return 'no-plan';
    throw error;
  }
  const mail = templates.contactUndeliverable(plan, status, ctx.clock.now());
  return ctx.notifier.send({
    cycleId: status.cycleId,
    unitId: status.unitId ?? null,
    kind: 'contact-undeliverable',
    milestone: `${status.email}#${status.since}`,
    recipient: plan.city.email,
    email: { from: fromAddress(plan), to: plan.city.email, cc: [], ...mail },
  });
}

/**
 * The city office corrected the address (or the mailbox works again): the notifier may mail it again.
 * For the HTTP API to expose. Returns fixed: false when the address was not undeliverable (idempotent).
 */
export async function fixContact(ctx: Context, input: { email: string; fixedBy: string }) {
  const at = ctx.nowIso();
  const fixed = await ctx.repo.clearContactStatus(input.email, input.fixedBy, at);
  if (!fixed) return { fixed: false as const };
  if (fixed.cycleId) {
    await ctx.repo.appendAudit({
      cycleId: fixed.cycleId,
      unitId: fixed.unitId ?? null,
      at,
      actor: input.fixedBy,
      role: 'city',
      action: 'fix-contact',
      what: { email: fixed.email, reason: fixed.reason, since: fixed.since },
    });
  }
  return { fixed: true as const, status: fixed };
}
