import { EmailRejectedError } from '../../errors';
import type { Mailer, OutgoingEmail } from '../../ports';

/** Which messages the memory mailer refuses for good, as SES does an unverified sender or a sandboxed recipient. */
export interface RefusalRule {
  from?: string;
  to?: string;
}

/**
 * Keeps what was sent, in order. `failNext` makes the next sends throw (to test retries); `refuse` refuses
 * every later message from that sender or to that recipient with EmailRejectedError, as SES does.
 */
export function makeMemoryMailer() {
  const sent: Array<OutgoingEmail & { messageId: string }> = [];
  const failures: Error[] = [];
  const refusals: RefusalRule[] = [];
  const matches = (email: OutgoingEmail, rule: RefusalRule) =>
    (rule.from === undefined || email.from.includes(rule.from)) && (rule.to === undefined || [...email.to, ...email.cc].includes(rule.to));
  const mailer: Mailer & { sent: typeof sent; failNext(error: Error): void; refuse(rule: RefusalRule): void } = {
    sent,
    failNext(error) {
      failures.push(error);
    },
    refuse(rule) {
      refusals.push(rule);
    },
    async send(email) {
      const failure = failures.shift();
      if (failure) throw failure;
      const rule = refusals.find((r) => matches(email, r));
      if (rule) {
        throw new EmailRejectedError(
          { zh: '邮件服务拒绝了这封邮件', en: `the mailer refused the email (${rule.from ? `sender ${rule.from}` : `recipient ${rule.to}`})` },
          { cause: 'MessageRejected', status: 400 },
        );
      }
      const messageId = `mem-${sent.length + 1}`;
      sent.push({ ...email, messageId });
      return { messageId };
    },
  };
  return mailer;
}
