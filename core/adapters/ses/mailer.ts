/**
 * Mailer on the SES v1 API (SendEmail). Subject and bodies go out as UTF-8; a non-ASCII display name in the
 * sender is MIME-encoded (RFC 2047), which SES requires for the Source address.
 */
import { SendEmailCommand, type SESClient, type SendEmailCommandInput } from '@aws-sdk/client-ses';
import { DomainError, EmailOutcomeUnknownError, EmailRejectedError, TransientError } from '../../errors';
import type { Mailer, OutgoingEmail } from '../../ports';

export { EmailRejectedError };

export interface SesMailerOptions {
  client: SESClient;
  configurationSet?: string;
}

const ASCII_PRINTABLE = /^[\x20-\x7e]*$/;
/** RFC 5322 atext plus space: a display name made of these needs no quoting. */
const PLAIN_PHRASE = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]*$/;

/** `名称 <addr>` -> `=?UTF-8?B?5ZCN56ew?= <addr>`; a bare address is returned as it is. */
export function formatSource(from: string): string {
  const match = /^\s*(.*?)\s*<([^<>\s]+)>\s*$/.exec(from);
  if (!match) return from.trim();
  const [, rawName, address] = match;
  const name = rawName.replace(/^"(.*)"$/, '$1').replace(/\\(.)/g, '$1');
  if (!name) return address;
  if (!ASCII_PRINTABLE.test(name)) return `=?UTF-8?B?${Buffer.from(name, 'utf8').toString('base64')}?= <${address}>`;
  if (PLAIN_PHRASE.test(name)) return `${name} <${address}>`;
  return `"${name.replace(/(["\\])/g, '\\$1')}" <${address}>`;
}

/** SES answered "not now" before taking the message: nothing went out, a retry may pass. */
const THROTTLING = new Set(['Throttling', 'ThrottlingException', 'TooManyRequestsException']);
/** No connection was ever made: nothing went out. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/** The request may have reached SES and been accepted: a timeout or a connection lost mid-way. */
const MID_WAY = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED']);
/** A quota that does not come back within a task's retries: a refusal for today, reported like one. */
const DAILY_QUOTA = /daily message quota exceeded/i;

interface AwsError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

/**
 * Sorts an SES failure by what it says about the message:
 * - refused for good before acceptance (4xx: MessageRejected for an unverified sender or a sandboxed
 *   recipient, MailFromDomainNotVerified, a missing configuration set, sending paused, the daily quota):
 *   EmailRejectedError;
 * - not taken, may pass (throttling, no connection): TransientError;
 * - may have been accepted (a timeout, a reset, a 5xx after the request went out): EmailOutcomeUnknownError,
 *   a TransientError the notifier does not give its claim back for.
 */
export function translateSesError(err: unknown): unknown {
  if (err instanceof DomainError) return err;
  const e: AwsError = typeof err === 'object' && err !== null ? (err as AwsError) : {};
  const status = e.$metadata?.httpStatusCode ?? 0;
  const name = e.name ?? '';
  const code = e.code ?? '';
  const details = { cause: name || code, status };
  if (DAILY_QUOTA.test(e.message ?? '')) {
    return new EmailRejectedError({ zh: '已达到邮件服务当日发送上限', en: `SES refused the email: the daily sending quota is used up (${name})` }, details);
  }
  if (THROTTLING.has(name) || /maximum sending rate exceeded/i.test(e.message ?? '') || NOT_CONNECTED.has(code) || NOT_CONNECTED.has(name)) {
    return new TransientError({ zh: '邮件服务暂时不可用，稍后重试', en: `SES is temporarily unavailable (${name || code || status})` }, details);
  }
  if (status >= 500 || MID_WAY.has(name) || MID_WAY.has(code)) {
    return new EmailOutcomeUnknownError(
      { zh: '邮件服务未答复，邮件可能已发出，稍后重试', en: `SES did not answer; the email may have gone out (${name || code || status})` },
      details,
    );
  }
  if (status >= 400 && status < 500) {
    return new EmailRejectedError({ zh: '邮件服务拒绝了这封邮件', en: `SES rejected the email: ${name}: ${e.message ?? ''}` }, details);
  }
  return err;
}

/**
 * SES tag names and values allow only [A-Za-z0-9_-] (at most 256 characters). Every other character, and
 * `_` itself, becomes `_` + the two hex digits of each of its UTF-8 bytes, so slugs (cycle and unit ids)
 * pass unchanged and decodeTagValue gives the original back.
 */
export function encodeTagValue(value: string): string {
  let out = '';
  for (const ch of value) {
    if (/^[A-Za-z0-9-]$/.test(ch)) out += ch;
    else for (const byte of Buffer.from(ch, 'utf8')) out += `_${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export function decodeTagValue(encoded: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < encoded.length; i++) {
    const hex = encoded[i] === '_' ? encoded.slice(i + 1, i + 3) : '';
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(encoded[i], 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

export function toSendEmailInput(email: OutgoingEmail, configurationSet?: string): SendEmailCommandInput {
  const tags = Object.entries(email.tags ?? {})
    .filter(([, value]) => value !== '')
    .map(([Name, Value]) => ({ Name: encodeTagValue(Name), Value: encodeTagValue(Value) }));
  return {
    Source: formatSource(email.from),
    Destination: {
      ToAddresses: [...email.to],
      ...(email.cc.length > 0 ? { CcAddresses: [...email.cc] } : {}),
    },
    Message: {
      Subject: { Data: email.subject, Charset: 'UTF-8' },
      Body: {
        Text: { Data: email.text, Charset: 'UTF-8' },
        Html: { Data: email.html, Charset: 'UTF-8' },
      },
    },
    ...(configurationSet ? { ConfigurationSetName: configurationSet } : {}),
    ...(tags.length > 0 ? { Tags: tags } : {}),
  };
}

export function makeSesMailer({ client, configurationSet }: SesMailerOptions): Mailer {
  return {
    async send(email) {
      try {
        const res = await client.send(new SendEmailCommand(toSendEmailInput(email, configurationSet)));
        return { messageId: res.MessageId ?? '' };
      } catch (err) {
        throw translateSesError(err);
      }
    },
  };
}
