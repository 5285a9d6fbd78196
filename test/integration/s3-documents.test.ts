/**
 * The S3 documents store against the S3 emulator (s3rver) over the wire: a browser-style multipart POST
 * to the presigned form, the server-side copy, the capped read, and the download link. The emulator does
 * not enforce POST policies (test/unit/adapter-s3.test.ts checks the policy document instead).
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeS3DocumentStore } from '../../core/adapters/s3/documents';
import { MAX_DOCUMENT_BYTES, UPLOAD_FORM_SECONDS, checkDocumentBytes } from '../../core/documents';
import type { DocumentStore } from '../../core/ports';
import { readEnv } from '../../functions/_shared/env';
import { s3DocumentStore } from '../../functions/_shared/s3';
import { startS3Emulator, type Service } from '../../local/services';

const BUCKET = 'documents';
const PDF = 'application/pdf';
const REGION = 'cn-north-1';
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const PDF_BYTES = Buffer.from(
  '%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n' +
    'trailer\n<< /Root 1 0 R >>\n%%EOF\n',
  'latin1',
);
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let dataDir: string;
let s3rver: Service;
let client: S3Client;
let store: DocumentStore;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 's3-documents-'));
  s3rver = await startS3Emulator({ dataDir, buckets: [BUCKET] });
  // No forcePathStyle: an endpoint on an IP address gets path-style URLs from the SDK by itself.
  client = new S3Client({ endpoint: s3rver.endpoint, region: REGION, credentials: CREDENTIALS });
  store = makeS3DocumentStore({ client, bucket: BUCKET });
});

afterAll(async () => {
  client?.destroy();
  await s3rver?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** What a browser sends for an HTML form: every field in order, the file last. */
async function postForm(form: { url: string; fields: Record<string, string> }, bytes: Uint8Array, fileName: string, type: string) {
  const body = new FormData();
  for (const [name, value] of Object.entries(form.fields)) body.append(name, value);
  body.append('file', new Blob([bytes], { type }), fileName);
  return fetch(form.url, { method: 'POST', body });
}

describe('S3 documents store on the emulator', () => {
  it('takes a browser upload through the form, copies it, reads it back and hashes it the same', async () => {
    // Prepare
    const incoming = 'incoming/nanping-2016/yanping/upload-1';
    const kept = 'documents/nanping-2016/yanping/upload-1/attempt-1';
    const form = await store.createUploadForm({ key: incoming, contentType: PDF, maxBytes: MAX_DOCUMENT_BYTES, expiresInSeconds: UPLOAD_FORM_SECONDS });

    // Act
    const posted = await postForm(form, PDF_BYTES, '自评报告.pdf', PDF);
    const copied = await store.copy(incoming, kept);
    const bytes = await store.read(kept, MAX_DOCUMENT_BYTES);

    // Assess
    expect(form.url).toBe(`${s3rver.endpoint}/${BUCKET}`);
    expect(posted.status).toBeGreaterThanOrEqual(200);
    expect(posted.status).toBeLessThan(300);
    expect(copied).toBe(true);
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(sha256(bytes as Uint8Array)).toBe(sha256(PDF_BYTES));
    expect(await checkDocumentBytes({ fileName: '自评报告.pdf', contentType: PDF }, bytes as Uint8Array)).toMatchObject({ ok: true, sha256: sha256(PDF_BYTES) });
  });

  it('keeps the copy when the browser posts again to the incoming key', async () => {
    // Prepare
    const incoming = 'incoming/nanping-2016/yanping/upload-2';
    const kept = 'documents/nanping-2016/yanping/upload-2/attempt-1';
    const form = await store.createUploadForm({ key: incoming, contentType: PDF, maxBytes: MAX_DOCUMENT_BYTES, expiresInSeconds: UPLOAD_FORM_SECONDS });
    await postForm(form, PDF_BYTES, 'a.pdf', PDF);
    await store.copy(incoming, kept);

    // Act
    const second = Buffer.concat([PDF_BYTES, Buffer.from('% appended\n')]);
    await postForm(form, second, 'a.pdf', PDF);

    // Assess
    expect(sha256((await store.read(incoming, MAX_DOCUMENT_BYTES)) as Uint8Array)).toBe(sha256(second));
    expect(sha256((await store.read(kept, MAX_DOCUMENT_BYTES)) as Uint8Array)).toBe(sha256(PDF_BYTES));
  });

  it('answers false to copying, and null to reading, an object that is not there', async () => {
    expect(await store.copy('incoming/nanping-2016/yanping/never-posted', 'documents/x/y')).toBe(false);
    expect(await store.read('documents/nanping-2016/yanping/nothing', MAX_DOCUMENT_BYTES)).toBeNull();
  });

  it('refuses to read more than maxBytes', async () => {
    // Prepare
    const key = 'incoming/nanping-2016/yanping/upload-3';
    const form = await store.createUploadForm({ key, contentType: PDF, maxBytes: MAX_DOCUMENT_BYTES, expiresInSeconds: UPLOAD_FORM_SECONDS });
    await postForm(form, Buffer.alloc(64 * 1024, 0x25), 'big.pdf', PDF);

    // Act
    const result = await store.read(key, 1024);

    // Assess
    expect(result).toBe('too-large');
    expect((await store.read(key, 64 * 1024)) as Uint8Array).toHaveLength(64 * 1024);
  });

  it('gives a download link that returns the bytes with an attachment name in UTF-8', async () => {
    // Prepare
    const incoming = 'incoming/nanping-2016/yanping/upload-4';
    const kept = 'documents/nanping-2016/yanping/upload-4/attempt-1';
    const form = await store.createUploadForm({ key: incoming, contentType: PDF, maxBytes: MAX_DOCUMENT_BYTES, expiresInSeconds: UPLOAD_FORM_SECONDS });
    await postForm(form, PDF_BYTES, '自评报告.pdf', PDF);
    await store.copy(incoming, kept);

    // Act
    const url = await store.downloadUrl({ key: kept, fileName: '2016年自评报告.pdf', contentType: PDF, expiresInSeconds: 300 });
    const res = await fetch(url);

    // Assess
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(PDF_BYTES)).toBe(true);
    expect(res.headers.get('content-type')).toBe(PDF);
    const disposition = res.headers.get('content-disposition')!;
    expect(disposition).toBe(`attachment; filename="2016.pdf"; filename*=UTF-8''2016%E5%B9%B4%E8%87%AA%E8%AF%84%E6%8A%A5%E5%91%8A.pdf`);
    expect(decodeURIComponent(disposition.split("UTF-8''")[1])).toBe('2016年自评报告.pdf');
    // The link to read it in the page: the same bytes, shown inline.
    const shown = await fetch(await store.downloadUrl({ key: kept, fileName: '2016年自评报告.pdf', contentType: PDF, expiresInSeconds: 300, inline: true }));
    expect(shown.status).toBe(200);
    expect(shown.headers.get('content-disposition')).toMatch(/^inline; filename="2016.pdf"/);
    expect(Buffer.from(await shown.arrayBuffer()).equals(PDF_BYTES)).toBe(true);
  });

  it('works through the functions builder, configured by AWS_ENDPOINT_URL_S3 alone', async () => {
    // Prepare
    vi.stubEnv('AWS_ENDPOINT_URL_S3', s3rver.endpoint);
    vi.stubEnv('AWS_REGION', REGION);
    vi.stubEnv('AWS_ACCESS_KEY_ID', CREDENTIALS.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', CREDENTIALS.secretAccessKey);
    try {
      const built = s3DocumentStore(readEnv({ TABLE_NAME: 'cycle', DOCUMENTS_BUCKET: BUCKET }));
      const key = 'incoming/nanping-2016/yanping/upload-5';

      // Act
      const form = await built.createUploadForm({ key, contentType: PDF, maxBytes: MAX_DOCUMENT_BYTES, expiresInSeconds: 60 });
      await postForm(form, PDF_BYTES, 'a.pdf', PDF);
      const copied = await built.copy(key, 'documents/nanping-2016/yanping/upload-5/attempt-1');

      // Assess
      expect(form.url).toBe(`${s3rver.endpoint}/${BUCKET}`);
      expect(copied).toBe(true);
      expect(sha256((await built.read('documents/nanping-2016/yanping/upload-5/attempt-1', 1024)) as Uint8Array)).toBe(sha256(PDF_BYTES));
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('the builder refuses to start without DOCUMENTS_BUCKET', () => {
    expect(() => s3DocumentStore(readEnv({ TABLE_NAME: 'cycle' }))).toThrow(/DOCUMENTS_BUCKET/);
  });
});
