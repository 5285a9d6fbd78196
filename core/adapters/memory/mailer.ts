import type { Mailer, OutgoingEmail } from '../../ports';

/** Keeps what was sent, in order. `failNext` makes the next sends throw (to test retries). */
export function makeMemoryMailer() {
  const sent: Array<OutgoingEmail & { messageId: string }> = [];
  const failures: Error[] = [];
  const mailer: Mailer & { sent: typeof sent; failNext(error: Error): void } = {
    sent,
    failNext(error) {
      failures.push(error);
    },
    async send(email) {
      const failure = failures.shift();
      if (failure) throw failure;
      const messageId = `mem-${sent.length + 1}`;
      sent.push({ ...email, messageId });
      return { messageId };
    },
  };
  return mailer;
}
