/**
 * The S3 documents store against a mocked S3Client. The S3 emulator enforces no POST policy, so the
 * policy document itself is asserted here: the proof that a form writes one key, one type, 1 byte..20 MB,
 * for at most 15 minutes.
 */
import 'aws-sdk-client-mock-vitest/extend';
import { createHmac } from 'node:crypto';
import { Readable } from 'node:stream';
import { CopyObjectCommand, GetObjectCommand, NoSuchBucket, NoSuchKey, S3Client, S3ServiceException, type GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { asciiFileName, contentDisposition, copySource, makeS3DocumentStore, rfc5987 } from '../../core/adapters/s3/documents';
import { DOWNLOAD_LINK_SECONDS, MAX_DOCUMENT_BYTES, UPLOAD_FORM_SECONDS } from '../../core/documents';
import { TransientError } from '../../core/errors';

const s3 = mockClient(S3Client);
const SECRET = 'test-secret';
const client = new S3Client({ region: 'cn-north-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: SECRET } });
const BUCKET = 'documents-bucket';
const store = makeS3DocumentStore({ client, bucket: BUCKET });
const KEY = 'incoming/nanping-2016/yanping/6f1c1f5e-8c1a-4d2e-9a57-0b9c3c7d2f10';
const PDF = 'application/pdf';

/** A GetObject body: a Node stream, as the SDK gives one. */
const body = (...chunks: Buffer[]) => Readable.from(chunks) as unknown as GetObjectCommandOutput['Body'];

function s3Error(name: string, httpStatusCode: number) {
  return new S3ServiceException({ name, $fault: httpStatusCode >= 500 ? 'server' : 'client', message: name, $metadata: { httpStatusCode } });
}

beforeEach(() => {
  s3.reset();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createUploadForm', () => {
  it('signs a POST policy for exactly this key and type, 1 byte..20 MB, expiring in 15 minutes', async () => {
    // Prepare
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2016-11-08T02:00:00.000Z'));

    // Act
    const form = await store.createUploadForm({ key: KEY, contentType: PDF, maxBytes: MAX_DOCUMENT_BYTES, expiresInSeconds: UPLOAD_FORM_SECONDS });

    // Assess
    expect(form.url).toBe(`https://${BUCKET}.s3.cn-north-1.amazonaws.com.cn/`);
    expect(form.fields).toMatchObject({
      key: KEY,
      'Content-Type': PDF,
      bucket: BUCKET,
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': 'AKIDTEST/20161108/cn-north-1/s3/aws4_request',
      'X-Amz-Date': '20161108T020000Z',
    });
    const policy = JSON.parse(Buffer.from(form.fields.Policy, 'base64').toString('utf8')) as { expiration: string; conditions: unknown[] };
    expect(policy.expiration).toBe('2016-11-08T02:15:00Z');
    expect(Date.parse(policy.expiration) - Date.parse('2016-11-08T02:00:00Z')).toBeLessThanOrEqual(15 * 60 * 1000);
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        { key: KEY },
        { bucket: BUCKET },
        ['content-length-range', 1, 20 * 1024 * 1024],
        ['eq', '$Content-Type', PDF],
        { 'Content-Type': PDF },
      ]),
    );
    // An exact key: no starts-with condition on the key (or on anything else).
    expect(policy.conditions.filter((c) => Array.isArray(c) && c[0] === 'starts-with')).toEqual([]);
    expect(policy.conditions.filter((c) => !Array.isArray(c) && typeof c === 'object' && c !== null && 'key' in c)).toEqual([{ key: KEY }]);
    // The signature is over this very policy (SigV4 signing key of the client's secret).
    const hmac = (k: string | Buffer, data: string) => createHmac('sha256', k).update(data).digest();
    const signingKey = hmac(hmac(hmac(hmac(`AWS4${SECRET}`, '20161108'), 'cn-north-1'), 's3'), 'aws4_request');
    expect(form.fields['X-Amz-Signature']).toBe(createHmac('sha256', signingKey).update(form.fields.Policy).digest('hex'));
    // No SSE-KMS fields: the bucket is S3-managed encrypted.
    expect(Object.keys(form.fields).filter((k) => /server-side-encryption/i.test(k))).toEqual([]);
  });

  it('passes the temporary credentials session token along (Lambda roles sign with one)', async () => {
    // Prepare
    const withToken = new S3Client({ region: 'cn-north-1', credentials: { accessKeyId: 'ASIA', secretAccessKey: SECRET, sessionToken: 'token-1' } });

    // Act
    const form = await makeS3DocumentStore({ client: withToken, bucket: BUCKET }).createUploadForm({ key: KEY, contentType: PDF, maxBytes: 10, expiresInSeconds: 60 });

    // Assess
    expect(form.fields['X-Amz-Security-Token']).toBe('token-1');
    const policy = JSON.parse(Buffer.from(form.fields.Policy, 'base64').toString('utf8')) as { conditions: unknown[] };
    expect(policy.conditions).toContainEqual({ 'X-Amz-Security-Token': 'token-1' });
    expect(policy.conditions).toContainEqual(['content-length-range', 1, 10]);
  });
});

// Issue 8, finding 13: the form is for the file announced, not for any file up to 20 MB.
describe('createUploadForm pinned to the announced size', () => {
  it('puts the announced size at both ends of content-length-range', async () => {
    const form = await store.createUploadForm({ key: KEY, contentType: PDF, minBytes: 52_000, maxBytes: 52_000, expiresInSeconds: UPLOAD_FORM_SECONDS });
    const policy = JSON.parse(Buffer.from(form.fields.Policy, 'base64').toString('utf8')) as { conditions: unknown[] };
    expect(policy.conditions.filter((c) => Array.isArray(c) && c[0] === 'content-length-range')).toEqual([['content-length-range', 52_000, 52_000]]);
  });
});

describe('copy', () => {
  it('copies server-side with a URL-encoded CopySource and the metadata of the source', async () => {
    // Prepare
    s3.on(CopyObjectCommand).resolves({});

    // Act
    const copied = await store.copy(KEY, 'documents/nanping-2016/yanping/u1/a1');

    // Assess
    expect(copied).toBe(true);
    expect(s3).toHaveReceivedCommandExactlyOnceWith(CopyObjectCommand, {
      Bucket: BUCKET,
      Key: 'documents/nanping-2016/yanping/u1/a1',
      CopySource: `${BUCKET}/${KEY}`,
      MetadataDirective: 'COPY',
    });
  });

  it('encodes each key segment of CopySource', () => {
    expect(copySource('b', 'incoming/a b/自评#1+2.pdf')).toBe('b/incoming/a%20b/%E8%87%AA%E8%AF%84%231%2B2.pdf');
  });

  it('answers false when the source does not exist', async () => {
    s3.on(CopyObjectCommand).rejects(new NoSuchKey({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } }));
    await expect(store.copy(KEY, 'documents/x')).resolves.toBe(false);
  });

  it('does not take a missing bucket for a missing file', async () => {
    s3.on(CopyObjectCommand).rejects(new NoSuchBucket({ message: 'The specified bucket does not exist', $metadata: { httpStatusCode: 404 } }));
    await expect(store.copy(KEY, 'documents/x')).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });

  it.each([
    ['SlowDown', 503],
    ['InternalError', 500],
    ['ServiceUnavailable', 503],
    ['RequestTimeout', 400],
  ])('maps %s (%i) to TransientError', async (name, status) => {
    s3.on(CopyObjectCommand).rejects(s3Error(name, status));
    await expect(store.copy(KEY, 'documents/x')).rejects.toBeInstanceOf(TransientError);
  });

  it('rethrows other errors as they are (AccessDenied is a wiring bug, not a passing fault)', async () => {
    s3.on(CopyObjectCommand).rejects(s3Error('AccessDenied', 403));
    const copying = store.copy(KEY, 'documents/x');
    await expect(copying).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(copying).rejects.not.toBeInstanceOf(TransientError);
  });
});

describe('read', () => {
  it('reads the whole object into bytes', async () => {
    // Prepare
    s3.on(GetObjectCommand, { Bucket: BUCKET, Key: 'documents/a' }).resolves({ ContentLength: 8, Body: body(Buffer.from('%PDF'), Buffer.from('-1.4')) });

    // Act
    const bytes = await store.read('documents/a', 100);

    // Assess
    expect(Buffer.from(bytes as Uint8Array).toString()).toBe('%PDF-1.4');
  });

  it('refuses by ContentLength before reading, and destroys the body', async () => {
    // Prepare
    const stream = body(Buffer.alloc(10)) as unknown as Readable;
    s3.on(GetObjectCommand).resolves({ ContentLength: MAX_DOCUMENT_BYTES + 1, Body: stream as never });

    // Act
    const result = await store.read('documents/a', MAX_DOCUMENT_BYTES);

    // Assess
    expect(result).toBe('too-large');
    expect(stream.destroyed).toBe(true);
  });

  it('refuses while reading when the body runs past maxBytes whatever ContentLength said', async () => {
    // Prepare
    let pulled = 0;
    const endless = Readable.from(
      (function* () {
        for (;;) {
          pulled++;
          yield Buffer.alloc(4);
        }
      })(),
    );
    s3.on(GetObjectCommand).resolves({ Body: endless as never });

    // Act
    const result = await store.read('documents/a', 10);

    // Assess
    expect(result).toBe('too-large');
    expect(pulled).toBeLessThan(20);
  });

  it('takes exactly maxBytes', async () => {
    s3.on(GetObjectCommand).resolves({ ContentLength: 10, Body: body(Buffer.alloc(10, 1)) });
    const bytes = await store.read('documents/a', 10);
    expect(Buffer.from(bytes as Uint8Array).equals(Buffer.alloc(10, 1))).toBe(true);
  });

  it('answers null when the object does not exist', async () => {
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } }));
    await expect(store.read('documents/a', 10)).resolves.toBeNull();
  });

  it('maps throttling to TransientError', async () => {
    s3.on(GetObjectCommand).rejects(s3Error('SlowDown', 503));
    await expect(store.read('documents/a', 10)).rejects.toBeInstanceOf(TransientError);
  });
});

describe('downloadUrl', () => {
  it('signs a short-lived GET that names the file for download in ASCII and in UTF-8 (RFC 5987)', async () => {
    // Act
    const url = new URL(
      await store.downloadUrl({ key: 'documents/nanping-2016/yanping/u1/a1', fileName: '自评报告.pdf', contentType: PDF, expiresInSeconds: DOWNLOAD_LINK_SECONDS }),
    );

    // Assess
    expect(url.origin).toBe(`https://${BUCKET}.s3.cn-north-1.amazonaws.com.cn`);
    expect(url.pathname).toBe('/documents/nanping-2016/yanping/u1/a1');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(DOWNLOAD_LINK_SECONDS).toBeLessThanOrEqual(15 * 60);
    expect(url.searchParams.get('response-content-type')).toBe(PDF);
    const disposition = url.searchParams.get('response-content-disposition')!;
    expect(disposition).toBe(`attachment; filename="document.pdf"; filename*=UTF-8''%E8%87%AA%E8%AF%84%E6%8A%A5%E5%91%8A.pdf`);
    expect(decodeURIComponent(disposition.split("UTF-8''")[1])).toBe('自评报告.pdf');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('signs a link that shows the file in the browser when asked for inline', async () => {
    // Act
    const url = new URL(
      await store.downloadUrl({ key: 'documents/nanping-2016/yanping/u1/a1', fileName: '自评报告.pdf', contentType: PDF, expiresInSeconds: DOWNLOAD_LINK_SECONDS, inline: true }),
    );

    // Assess
    expect(url.searchParams.get('response-content-disposition')).toBe(`inline; filename="document.pdf"; filename*=UTF-8''%E8%87%AA%E8%AF%84%E6%8A%A5%E5%91%8A.pdf`);
    expect(url.searchParams.get('response-content-type')).toBe(PDF);
  });

  it.each([
    ['自评报告.pdf', 'document.pdf'],
    ['2016年自评报告v2.pdf', '2016_v2.pdf'],
    ['Résumé "final".docx', 'Resume _final.docx'],
    ['报告', 'document'],
    ['a\r\nb.png', 'a_b.png'],
  ])('ASCII fallback of %j is %j', (name, ascii) => {
    expect(asciiFileName(name)).toBe(ascii);
  });

  it("percent-encodes what RFC 5987 does not allow, including ' ( ) *", () => {
    expect(rfc5987("报告 (终稿)'s*.pdf")).toBe("%E6%8A%A5%E5%91%8A%20%28%E7%BB%88%E7%A8%BF%29%27s%2A.pdf");
    expect(contentDisposition('a.pdf')).toBe(`attachment; filename="a.pdf"; filename*=UTF-8''a.pdf`);
    expect(() => rfc5987('bad\uD800.pdf')).not.toThrow();
  });
});
