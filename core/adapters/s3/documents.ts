/**
 * The documents bucket on S3. Browsers upload through presigned POST forms fixed to one key, one content
 * type and a size range; the server copies an upload under `documents/` before it checks it, reads it back
 * with a size cap, and hands out short-lived download links that name the file (Chinese names included).
 *
 * The bucket uses S3-managed encryption (infra/stacks/stateful-stack.ts), which needs no field in the
 * POST form and no header on copy or read; SSE-KMS would need `x-amz-server-side-encryption` fields.
 */
import { CopyObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { DomainError, TransientError } from '../../errors';
import type { DocumentStore } from '../../ports';

export interface S3DocumentStoreOptions {
  client: S3Client;
  bucket: string;
}

const TRANSIENT = new Set([
  'SlowDown',
  'ServiceUnavailable',
  'InternalError',
  'RequestTimeout',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
]);
/** Network failures before any answer: the SDK gives up after its own retries; may pass. */
const NETWORK = new Set(['TimeoutError', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);

interface AwsError {
  name?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

function awsError(err: unknown): AwsError {
  return typeof err === 'object' && err !== null ? (err as AwsError) : {};
}

/** Throttling, 5xx and network failures become TransientError; everything else is returned unchanged. */
export function translateS3Error(err: unknown): unknown {
  if (err instanceof DomainError) return err;
  const e = awsError(err);
  const status = e.$metadata?.httpStatusCode ?? 0;
  const name = e.name ?? '';
  if (TRANSIENT.has(name) || status >= 500 || NETWORK.has(name) || NETWORK.has(e.code ?? '')) {
    return new TransientError({ zh: '文件存储服务暂时不可用，请稍后重试', en: `S3 is temporarily unavailable (${name || status})` }, { cause: name, status });
  }
  return err;
}

/** The object (not the bucket) does not exist. A missing bucket is a wiring bug and must not read as "no file". */
function isMissingObject(err: unknown): boolean {
  const e = awsError(err);
  if (e.name === 'NoSuchBucket') return false;
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
}

/** CopySource is `bucket/key`, URL-encoded; `/` between key segments may stay. */
export function copySource(bucket: string, key: string): string {
  return `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
}

/** Lone UTF-16 surrogates would make encodeURIComponent throw. */
function wellFormed(s: string): string {
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/** An ASCII stand-in for clients that ignore `filename*`: `2016年自评报告v2.pdf` -> `2016_v2.pdf`, `自评报告.pdf` -> `document.pdf`. */
export function asciiFileName(fileName: string): string {
  const ascii = wellFormed(fileName)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]+|["\\%;]/g, '_')
    .replace(/_+/g, '_');
  const dot = ascii.lastIndexOf('.');
  const stem = (dot > 0 ? ascii.slice(0, dot) : ascii).replace(/^[_ .]+|[_ .]+$/g, '');
  const ext = dot > 0 ? ascii.slice(dot) : '';
  return `${/[A-Za-z0-9]/.test(stem) ? stem : 'document'}${/^\.[A-Za-z0-9]{1,10}$/.test(ext) ? ext : ''}`;
}

/** RFC 5987 ext-value characters: percent-encode everything but attr-char (encodeURIComponent leaves `'()*` as they are). */
export function rfc5987(value: string): string {
  return encodeURIComponent(wellFormed(value)).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `attachment; filename="document.pdf"; filename*=UTF-8''%E8%87%AA...` (RFC 6266), or `inline; …`. */
export function contentDisposition(fileName: string, inline = false): string {
  return `${inline ? 'inline' : 'attachment'}; filename="${asciiFileName(fileName)}"; filename*=UTF-8''${rfc5987(fileName)}`;
}

/** Reads a body, giving up as soon as it passes maxBytes. */
async function readCapped(body: unknown, maxBytes: number): Promise<Uint8Array | 'too-large'> {
  if (body === undefined || body === null) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  // Leaving the loop early ends the iterator, which destroys the stream and frees its socket.
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    total += bytes.byteLength;
    if (total > maxBytes) return 'too-large';
    chunks.push(bytes);
  }
  return Buffer.concat(chunks, total);
}

export function makeS3DocumentStore({ client, bucket }: S3DocumentStoreOptions): DocumentStore {
  return {
    async createUploadForm({ key, contentType, minBytes = 1, maxBytes, expiresInSeconds }) {
      try {
        return await createPresignedPost(client, {
          Bucket: bucket,
          // An exact key (not a starts-with): the form can write this one object and nothing else.
          Key: key,
          Conditions: [
            ['content-length-range', minBytes, maxBytes],
            ['eq', '$Content-Type', contentType],
          ],
          Fields: { 'Content-Type': contentType },
          Expires: expiresInSeconds,
        });
      } catch (err) {
        throw translateS3Error(err);
      }
    },

    async copy(fromKey, toKey) {
      try {
        await client.send(
          new CopyObjectCommand({ Bucket: bucket, Key: toKey, CopySource: copySource(bucket, fromKey), MetadataDirective: 'COPY' }),
        );
        return true;
      } catch (err) {
        if (isMissingObject(err)) return false;
        throw translateS3Error(err);
      }
    },

    async put({ key, bytes, contentType }) {
      try {
        // The same key always gets the same bytes (core/exports is deterministic): a retry overwrites in place.
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentType: contentType, ContentLength: bytes.byteLength }));
      } catch (err) {
        throw translateS3Error(err);
      }
    },

    async read(key, maxBytes) {
      let res;
      try {
        res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      } catch (err) {
        if (isMissingObject(err)) return null;
        throw translateS3Error(err);
      }
      if ((res.ContentLength ?? 0) > maxBytes) {
        (res.Body as { destroy?: () => void } | undefined)?.destroy?.();
        return 'too-large';
      }
      try {
        return await readCapped(res.Body, maxBytes);
      } catch (err) {
        throw translateS3Error(err);
      }
    },

    async downloadUrl({ key, fileName, contentType, expiresInSeconds, inline }) {
      try {
        return await getSignedUrl(
          client,
          new GetObjectCommand({ Bucket: bucket, Key: key, ResponseContentDisposition: contentDisposition(fileName, inline), ResponseContentType: contentType }),
          { expiresIn: expiresInSeconds },
        );
      } catch (err) {
        throw translateS3Error(err);
      }
    },
  };
}
