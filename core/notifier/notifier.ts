/**
 * The one way email leaves the product. Every message has a ledger entry keyed by what it is about
 * (cycle, unit, kind, milestone, recipient); a key is sent at most once, whatever retries, duplicate
 * events or restarts happen, but for the one window below.
 *
 * Primary course:
 *   1. claim the ledger key (conditional write): only one attempt at a time may hold it, for MESSAGE_LEASE_MS;
 *   2. send through the Mailer;
 *   3. mark the key sent with the provider's message id.
 * A key already sent is skipped ('already-sent'). A key held by a live claim makes this call fail with
 * TransientError, so the caller (a Step Functions Retry) tries again once the claim is sent or expired.
 *
 * What a failed send does with the claim depends on what the failure says about the message:
 * - refused for good (EmailRejectedError: unverified sender, sandbox, a rejected recipient): nothing went
 *   out. The claim is given back, the refusal is reported to the city office (once, through the ledger;
 *   never a report about a report) and the call returns 'refused': an email never ends a county's cycle.
 * - not taken, may pass (TransientError: throttling, no connection): nothing went out. The claim is given
 *   back and the error rethrown, so the retry sends at once.
 * - may have gone out (EmailOutcomeUnknownError: a timeout, a reset, a 5xx; or any error we cannot read):
 *   the claim is kept and the error rethrown. Retries inside the lease find it in flight; the first one
 *   after it expires sends. The lease (core/task-limits.ts: the Lambda timeout plus 30 s, 60 s) outlasts any
 *   attempt and ends well inside the state's retry window (315 s), so the same holds for an attempt killed
 *   by its Lambda timeout.
 * Once the provider accepted the message, marking it sent is retried here and never makes the call fail.
 *
 * The duplicate window left, exactly: SES accepted the message but this attempt never learned it (the
 * answer was lost to a timeout, a reset or a 5xx, or the process died between SES's acceptance and step 3,
 * or DynamoDB refused every mark), and a retry runs after the lease (60 s after the claim): that retry sends
 * the message a second time. SES SendEmail takes no idempotency key, so no design closes it; the lease only
 * makes sure the retry cannot overlap the first attempt.
 *
 * An address SES reported undeliverable (permanent bounce, complaint: see use-cases/email-events.ts) gets
 * nothing until the city office fixes it: as the primary recipient the message is 'suppressed' (no ledger
 * entry, so it can be sent once fixed if the step runs again); in Cc it is dropped. Every email carries the
 * tags cycleId, unitId and kind, which SES copies into its events.
 *
 * Callers address messages from the loaded plan, which carries the directory's corrections (通讯录,
 * core/directory.ts); the key's recipient is the contact as the stored plan names it (the context maps it), and
 * the address the message went to, when another, is kept on the entry (`to`).
 */
import { EmailRejectedError, TransientError } from '../errors';
import type { MessageKey, UnitContactRole } from '../model';
import type { CycleRepository, Mailer, OutgoingEmail } from '../ports';
import { MESSAGE_LEASE_MS } from '../task-limits';

export const LEASE_MS = MESSAGE_LEASE_MS;
const MARK_ATTEMPTS = 4;

export interface Message extends MessageKey {
  email: Omit<OutgoingEmail, 'to'> & { to: string };
  /**
   * For a message to one of the unit's own contacts: which one. The context then names the recipient in the
   * ledger key by that contact's address in the stored plan, whatever the directory says now (an office and
   * a leader edited to one shared mailbox stay two recipients). Not part of the key itself.
   */
  contact?: UnitContactRole;
}

/**
 * Anything but 'sent' means nothing went out on this call: 'already-sent' (an earlier call sent it),
 * 'suppressed' (the recipient is marked undeliverable), 'refused' (the provider refused it for good; reported).
 */
export type SendResult = 'sent' | 'already-sent' | 'suppressed' | 'refused';

/** Builds the city office's report of a refused message; null when there is nobody to tell. */
export type RefusalReport = (refused: Message, error: EmailRejectedError) => Promise<Message | null>;

export function makeNotifier(deps: { repo: CycleRepository; mailer: Mailer; clock: { now(): number }; reportRefusal?: RefusalReport }) {
  const notifier = {
    async send(message: Message): Promise<SendResult> {
      const { email: requested, contact: _contact, ...key } = message;
      const undeliverable = async (address: string) => (await deps.repo.getContactStatus(address))?.status === 'undeliverable';
      if (await undeliverable(requested.to)) return 'suppressed';
      const cc: string[] = [];
      for (const address of requested.cc) if (!(await undeliverable(address))) cc.push(address);
      const tags = { ...requested.tags, cycleId: key.cycleId, ...(key.unitId !== null ? { unitId: key.unitId } : {}), kind: key.kind };
      const email = { ...requested, cc, tags };

      const now = deps.clock.now();
      const claimedAt = new Date(now).toISOString();
      // The key names the contact as the plan does; where it went, when the directory changed it, is kept beside.
      const to = email.to.toLowerCase() === key.recipient.toLowerCase() ? {} : { to: email.to };
      const claim = await deps.repo.claimMessage(
        { ...key, subject: email.subject, cc: email.cc, claimedAt, ...to },
        new Date(now - LEASE_MS).toISOString(),
      );
      if (claim === 'sent') return 'already-sent';
      if (claim === 'in-flight') {
        throw new TransientError(
          { zh: '同一通知正在发送中或可能已发出，稍后重试', en: 'the same message is being sent, or may have been sent, by another attempt; retry later' },
          { key },
        );
      }
      let messageId: string;
      try {
        ({ messageId } = await deps.mailer.send({ ...email, to: [email.to] }));
      } catch (error) {
        const nothingWentOut = error instanceof EmailRejectedError || (error instanceof TransientError && error.constructor === TransientError);
        if (nothingWentOut) await deps.repo.releaseMessage(key, claimedAt).catch(() => undefined);
        if (!(error instanceof EmailRejectedError)) throw error;
        await report(message, error);
        return 'refused';
      }
      const sentAt = new Date(deps.clock.now()).toISOString();
      for (let attempt = 1; ; attempt++) {
        try {
          await deps.repo.markMessageSent(key, messageId, sentAt);
          break;
        } catch {
          // Sent is sent: after the last attempt the lease protects the key; never fail the caller now.
          if (attempt >= MARK_ATTEMPTS) break;
          await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
        }
      }
      return 'sent';
    },
  };

  /**
   * Tells the city office once. A report that cannot go out either (the sender itself is refused, SES is
   * down) is dropped: the refusal stays visible in the step's result, and the cycle goes on.
   */
  async function report(refused: Message, error: EmailRejectedError): Promise<void> {
    if (refused.kind === 'delivery-failure' || !deps.reportRefusal) return;
    try {
      const message = await deps.reportRefusal(refused, error);
      if (message) await notifier.send(message);
    } catch {
      // Nothing more to do from here; see above.
    }
  }

  return notifier;
}

export type Notifier = ReturnType<typeof makeNotifier>;
