/**
 * Mailer on the SES v1 API (SendEmail). Subject and bodies go out as UTF-8; a non-ASCII display name in the
 * sender is MIME-encoded (RFC 2047), which SES requires for the Source address.
 */
import { SendEmailCommand, type SESClient, type SendEmailCommandInput } from '@aws-sdk/client-ses';
import { DomainError, TransientError } from '../../errors';
import type { Mailer, OutgoingEmail } from '../../ports';

/** SES refused the message for good (rejected content, unverified sender, unknown configuration set...). */
export class EmailRejectedError extends DomainError {
  readonly name = 'EmailRejectedError';
  readonly status = 502;
}

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

const THROTTLING = new Set(['Throttling', 'ThrottlingException', 'TooManyRequestsException', 'ServiceUnavailable', 'InternalFailure']);
/** Network failures before any answer: the SDK gives up after its own retries; may pass. */
const NETWORK = new Set(['TimeoutError', 'RequestTimeout', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);

interface AwsError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

export function translateSesError(err: unknown): unknown {
  if (err instanceof DomainError) return err;
  const e: AwsError = typeof err === 'object' && err !== null ? (err as AwsError) : {};
  const status = e.$metadata?.httpStatusCode ?? 0;
  const name = e.name ?? '';
  if (THROTTLING.has(name) || /maximum sending rate exceeded/i.test(e.message ?? '') || status >= 500 || NETWORK.has(name) || NETWORK.has(e.code ?? '')) {
    return new TransientError(
      { zh: '邮件服务暂时不可用，稍后重试', en: `SES is temporarily unavailable (${name || status})` },
      { cause: name, status },
    );
  }
  if (status >= 400 && status < 500) {
    return new EmailRejectedError(
      { zh: '邮件服务拒绝了这封邮件', en: `SES rejected the email: ${name}: ${e.message ?? ''}` },
      { cause: name, status },
    );
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
