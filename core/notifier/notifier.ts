/**
 * The one way email leaves the product. Every message has a ledger entry keyed by what it is about
 * (cycle, unit, kind, milestone, recipient); a key is sent at most once, whatever retries, duplicate
 * events or restarts happen.
 *
 * Primary course:
 *   1. claim the ledger key (conditional write): only one attempt at a time may hold it;
 *   2. send through the Mailer;
 *   3. mark the key sent with the provider's message id.
 * A key already sent is skipped. A key held by a live attempt makes this call fail with TransientError,
 * so the caller (a Step Functions Retry) tries again after the other attempt finished. A send the
 * provider refused gives its claim back at once, so the retry is not held up.
 * Once the provider accepted the message, marking it sent is retried here and never makes the call fail:
 * failing would have the caller retry and send again.
 * The one window left: the process dies after the provider accepted the message and before step 3 (or
 * DynamoDB refuses every mark). After the lease (LEASE_MS, longer than a task's whole retry window) the
 * key may be claimed and sent again. SES has no idempotency key, so no design closes this window.
 *
 * An address SES reported undeliverable (permanent bounce, complaint: see use-cases/email-events.ts) gets
 * nothing until the city office fixes it: as the primary recipient the message is 'suppressed' (no ledger
 * entry, so it can be sent once fixed if the step runs again); in Cc it is dropped. Every email carries the
 * tags cycleId, unitId and kind, which SES copies into its events.
 */
import { TransientError } from '../errors';
import type { MessageKey } from '../model';
import type { CycleRepository, Mailer, OutgoingEmail } from '../ports';

/** Longer than a task's retry window (6 attempts from 5 s, doubling: 315 s) plus its 300 s timeout. */
export const LEASE_MS = 30 * 60 * 1000;
const MARK_ATTEMPTS = 4;

export interface Message extends MessageKey {
  email: Omit<OutgoingEmail, 'to'> & { to: string };
}

/** Anything but 'sent' means nothing went out on this call. */
export type SendResult = 'sent' | 'already-sent' | 'suppressed';

export function makeNotifier(deps: { repo: CycleRepository; mailer: Mailer; clock: { now(): number } }) {
  return {
    async send(message: Message): Promise<SendResult> {
      const { email: requested, ...key } = message;
      const undeliverable = async (address: string) => (await deps.repo.getContactStatus(address))?.status === 'undeliverable';
      if (await undeliverable(requested.to)) return 'suppressed';
      const cc: string[] = [];
      for (const address of requested.cc) if (!(await undeliverable(address))) cc.push(address);
      const tags = { ...requested.tags, cycleId: key.cycleId, ...(key.unitId !== null ? { unitId: key.unitId } : {}), kind: key.kind };
      const email = { ...requested, cc, tags };

      const now = deps.clock.now();
      const claimedAt = new Date(now).toISOString();
      const claim = await deps.repo.claimMessage(
        { ...key, subject: email.subject, cc: email.cc, claimedAt },
        new Date(now - LEASE_MS).toISOString(),
      );
      if (claim === 'sent') return 'already-sent';
      if (claim === 'in-flight') {
        throw new TransientError(
          { zh: '同一通知正在发送中，稍后重试', en: 'the same message is being sent by another attempt; retry later' },
          { key },
        );
      }
      let messageId: string;
      try {
        ({ messageId } = await deps.mailer.send({ ...email, to: [email.to] }));
      } catch (error) {
        await deps.repo.releaseMessage(key, claimedAt).catch(() => undefined);
        throw error;
      }
      const sentAt = new Date(deps.clock.now()).toISOString();
      for (let attempt = 1; ; attempt++) {
        try {
          await deps.repo.markMessageSent(key, messageId, sentAt);
          break;
        } catch (error) {
          // Sent is sent: after the last attempt the lease protects the key; never fail the caller now.
          if (attempt >= MARK_ATTEMPTS) break;
          await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
        }
      }
      return 'sent';
    },
  };
}

export type Notifier = ReturnType<typeof makeNotifier>;
