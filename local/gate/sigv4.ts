/**
 * Signature Version 4, checked the way AWS checks it: the Authorization header or a presigned query string,
 * the request time within 15 minutes of the service's clock (or, presigned, not past X-Amz-Expires), and
 * the signature recomputed with the secret of the access key it names. A presigned POST form (S3) is
 * checked by its policy's signature and expiration.
 *
 * "The service's clock" on the twin is either clock: the simulated one (handlers sign with it) or the
 * wall clock (the AWS CLI and browsers sign with it). A request is on time if it is on time for either.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface SignedRequest {
  method: string;
  /** Path and query as sent, still encoded. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface VerifiedSignature {
  accessKeyId: string;
  region: string;
  service: string;
  /** When the request (or the presigned URL) was signed. */
  signedAt: number;
  presigned: boolean;
}

/** Why a request is refused before any permission is looked at; `code` names AWS's error for it. */
export class SignatureError extends Error {
  constructor(
    readonly code: 'MissingAuthenticationToken' | 'UnrecognizedClient' | 'SignatureDoesNotMatch' | 'RequestTimeTooSkewed' | 'RequestExpired' | 'IncompleteSignature',
    message: string,
  ) {
    super(message);
    this.name = 'SignatureError';
  }
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const MAX_SKEW_MS = 15 * 60_000;
/** S3 refuses presigned URLs valid for more than 7 days. */
const MAX_EXPIRES_S = 7 * 24 * 3600;

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/** RFC 3986 encoding, as SigV4 wants it. */
export const uriEncode = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const decode = (s: string) => {
  try {
    return decodeURIComponent(s.replace(/\+/g, '%20'));
  } catch {
    return s;
  }
};

export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
}

/** `20161107T010000Z` -> epoch ms. */
export function parseAmzDate(text: string | undefined): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text ?? '');
  if (!m) return Number.NaN;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
}

const header = (headers: SignedRequest['headers'], name: string): string | undefined => {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
};

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * @param secretOf the secret access key of an access key id, undefined for a key the twin does not know
 * @param clocks the instants "now" may be (the simulated clock and the wall clock)
 */
export function verifySigV4(req: SignedRequest, secretOf: (accessKeyId: string) => string | undefined, clocks: number[]): VerifiedSignature {
  const qIndex = req.url.indexOf('?');
  const rawPath = qIndex < 0 ? req.url : req.url.slice(0, qIndex);
  const query = qIndex < 0 ? [] : req.url.slice(qIndex + 1).split('&').filter(Boolean).map((p) => {
    const eq = p.indexOf('=');
    return eq < 0 ? [decode(p), ''] : [decode(p.slice(0, eq)), decode(p.slice(eq + 1))];
  });
  const q = new Map(query.map(([k, v]) => [k, v]));
  const auth = header(req.headers, 'authorization');
  const presigned = q.has('X-Amz-Signature') || q.has('X-Amz-Credential');

  let credential: string;
  let signedHeaders: string[];
  let signature: string;
  let amzDate: string | undefined;
  if (auth) {
    if (!auth.startsWith(`${ALGORITHM} `)) throw new SignatureError('IncompleteSignature', `Unsupported authorization type, expected ${ALGORITHM}`);
    const parts = Object.fromEntries(
      auth.slice(ALGORITHM.length + 1).split(',').map((p) => {
        const [k, ...v] = p.trim().split('=');
        return [k, v.join('=')];
      }),
    );
    if (!parts.Credential || !parts.SignedHeaders || !parts.Signature) throw new SignatureError('IncompleteSignature', 'Authorization header requires Credential, SignedHeaders and Signature');
    credential = parts.Credential;
    signedHeaders = parts.SignedHeaders.split(';');
    signature = parts.Signature;
    amzDate = header(req.headers, 'x-amz-date');
  } else if (presigned) {
    if (q.get('X-Amz-Algorithm') !== ALGORITHM) throw new SignatureError('IncompleteSignature', `X-Amz-Algorithm must be ${ALGORITHM}`);
    credential = q.get('X-Amz-Credential') ?? '';
    signedHeaders = (q.get('X-Amz-SignedHeaders') ?? '').split(';');
    signature = q.get('X-Amz-Signature') ?? '';
    amzDate = q.get('X-Amz-Date');
  } else {
    throw new SignatureError('MissingAuthenticationToken', 'Request is missing Authentication Token');
  }

  const [accessKeyId, date, region, service, terminator] = credential.split('/');
  if (!accessKeyId || !date || !region || !service || terminator !== 'aws4_request') throw new SignatureError('IncompleteSignature', `Credential should be scoped correctly: ${credential}`);
  const secret = secretOf(accessKeyId);
  if (secret === undefined) throw new SignatureError('UnrecognizedClient', `The AWS Access Key Id ${accessKeyId} does not exist in our records.`);
  const signedAt = parseAmzDate(amzDate);
  if (Number.isNaN(signedAt)) throw new SignatureError('IncompleteSignature', 'X-Amz-Date is missing or malformed');
  if (presigned) {
    const expires = Number(q.get('X-Amz-Expires'));
    if (!Number.isInteger(expires) || expires < 1 || expires > MAX_EXPIRES_S) throw new SignatureError('IncompleteSignature', 'X-Amz-Expires must be between 1 and 604800 seconds');
    if (!clocks.some((now) => now >= signedAt - MAX_SKEW_MS && now <= signedAt + expires * 1000)) throw new SignatureError('RequestExpired', 'Request has expired');
  } else if (!clocks.some((now) => Math.abs(now - signedAt) <= MAX_SKEW_MS)) {
    throw new SignatureError('RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.');
  }

  // Canonical request. S3 does not normalise or double-encode the path; every other service does.
  const segments = rawPath.split('/').map(decode);
  const canonicalPath = service === 's3' ? segments.map(uriEncode).join('/') : segments.map((s) => uriEncode(uriEncode(s))).join('/');
  const canonicalQuery = query
    .filter(([k]) => !(presigned && k === 'X-Amz-Signature'))
    .map(([k, v]) => [uriEncode(k), uriEncode(v)])
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalHeaders = signedHeaders.map((h) => `${h}:${(header(req.headers, h) ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const declared = header(req.headers, 'x-amz-content-sha256');
  const payloadHash = presigned && service === 's3' ? 'UNSIGNED-PAYLOAD' : (declared ?? sha256(req.body));
  if (declared && /^[0-9a-f]{64}$/.test(declared) && declared !== sha256(req.body)) {
    throw new SignatureError('SignatureDoesNotMatch', 'The provided x-amz-content-sha256 header does not match what was computed.');
  }
  const canonical = [req.method, canonicalPath || '/', canonicalQuery, canonicalHeaders, signedHeaders.join(';'), payloadHash].join('\n');
  const toSign = [ALGORITHM, amzDate, `${date}/${region}/${service}/aws4_request`, sha256(canonical)].join('\n');
  const expected = createHmac('sha256', signingKey(secret, date, region, service)).update(toSign).digest('hex');
  if (!safeEqual(expected, signature)) {
    throw new SignatureError('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
  }
  return { accessKeyId, region, service, signedAt, presigned };
}

/** An S3 POST form's fields (the file excluded): the policy's signature and expiration, as S3 checks them. */
export function verifyPostPolicy(
  fields: Record<string, string>,
  secretOf: (accessKeyId: string) => string | undefined,
  clocks: number[],
): VerifiedSignature & { policy: { expiration: string; conditions: unknown[] } } {
  const get = (name: string) => Object.entries(fields).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
  const policyText = get('policy');
  const credential = get('x-amz-credential');
  const signature = get('x-amz-signature');
  if (!policyText || !credential || !signature) throw new SignatureError('MissingAuthenticationToken', 'POST requires a policy, x-amz-credential and x-amz-signature');
  const [accessKeyId, date, region, service] = credential.split('/');
  const secret = secretOf(accessKeyId);
  if (secret === undefined) throw new SignatureError('UnrecognizedClient', `The AWS Access Key Id ${accessKeyId} does not exist in our records.`);
  const expected = createHmac('sha256', signingKey(secret, date, region, service)).update(policyText).digest('hex');
  if (!safeEqual(expected, signature)) throw new SignatureError('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
  const policy = JSON.parse(Buffer.from(policyText, 'base64').toString('utf8')) as { expiration: string; conditions: unknown[] };
  const expiration = Date.parse(policy.expiration);
  const signedAt = parseAmzDate(get('x-amz-date'));
  if (!clocks.some((now) => now >= signedAt - MAX_SKEW_MS && now < expiration)) throw new SignatureError('RequestExpired', 'Invalid according to Policy: Policy expired.');
  return { accessKeyId, region, service, signedAt, presigned: true, policy };
}
