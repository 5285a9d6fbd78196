/**
 * Uploads through the use cases, against the memory repository and the memory documents bucket: the
 * form, the check where the file landed (size, magic bytes, SHA-256), and the documents a submission names.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { crc32, deflateRawSync, deflateSync } from 'node:zlib';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeMemoryDocumentStore } from '../../core/adapters/memory/documents';
import { makeMemoryMailer } from '../../core/adapters/memory/mailer';
import { makeMemoryRepository } from '../../core/adapters/memory/repository';
import { makeMemoryWorkflow } from '../../core/adapters/memory/workflow';
import { DOCUMENT_TYPES, MAX_DOCUMENT_BYTES, UPLOAD_FORM_SECONDS, checkDocumentBytes } from '../../core/documents';
import { NotFoundError, ValidationError } from '../../core/errors';
import type { Actor } from '../../core/model';
import { makeContext, type Context } from '../../core/use-cases/context';
import { startCycle } from '../../core/use-cases/cycle';
import { UploadNotArrivedError, checkUpload, createUpload, resolveDocuments } from '../../core/use-cases/uploads';
import { tinyPdf } from '../helpers/files';

const planJson = JSON.parse(readFileSync(new URL('../../plans/nanping-2016.json', import.meta.url), 'utf8'));
const CYCLE = 'nanping-2016';
const PDF_TYPE = 'application/pdf';
const yanping: Actor = { id: 'yanping-staff', role: 'county', unitId: 'yanping' };
const jianyang: Actor = { id: 'jianyang-staff', role: 'county', unitId: 'jianyang' };

// ---- Real, tiny files -------------------------------------------------------------------------------


function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A 1x1 white PNG. */
function tinyPng(): Buffer {
  const ihdr = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.from([0, 255, 255, 255]))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** JPEG start of image, a JFIF APP0 segment, end of image. */
function tinyJpeg(): Buffer {
  return Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xff, 0xd9]);
}

/** A ZIP archive (deflated entries, central directory), as Office writes its OOXML files. */
function zip(entries: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(entries)) {
    const raw = Buffer.from(text, 'utf8');
    const data = deflateRawSync(raw);
    const fileName = Buffer.from(name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc32(raw), 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc32(raw), 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(raw.length, 24);
    central.writeUInt16LE(fileName.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, fileName, data);
    centrals.push(central, fileName);
    offset += local.length + fileName.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

function ooxml(kind: 'word' | 'xl'): Buffer {
  const [main, part] =
    kind === 'word'
      ? ['application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml', '/word/document.xml']
      : ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml', '/xl/workbook.xml'];
  return zip({
    '[Content_Types].xml': `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="${part}" ContentType="${main}"/></Types>`,
    '_rels/.rels': '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>',
    [part.slice(1)]: '<?xml version="1.0" encoding="UTF-8"?><root/>',
  });
}

/** An OLE compound file header (Word and Excel 97-2003 files start so). */
function cfb(): Buffer {
  const header = Buffer.alloc(512);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(header);
  return header;
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

// ---- Setup ------------------------------------------------------------------------------------------

function setup() {
  const clock = { t: Date.parse('2016-11-08T02:00:00Z'), now() { return this.t; } };
  const repo = makeMemoryRepository();
  const documents = makeMemoryDocumentStore();
  const ctx: Context = makeContext({ repo, mailer: makeMemoryMailer(), workflow: makeMemoryWorkflow(), documents, clock });
  return { clock, repo, documents, ctx };
}

let s: ReturnType<typeof setup>;
beforeEach(async () => {
  s = setup();
  await startCycle(s.ctx, { plan: planJson, startedBy: 'city-admin' });
});

async function formFor(fileName: string, contentType = PDF_TYPE, actor = yanping, size = 1000) {
  return createUpload(s.ctx, { cycleId: CYCLE, unitId: actor.unitId!, actor, fileName, contentType, size });
}

async function uploaded(fileName: string, bytes: Uint8Array, contentType = PDF_TYPE, actor = yanping) {
  const form = await formFor(fileName, contentType, actor, bytes.byteLength || 1);
  s.documents.putObject(form.key, bytes);
  return form;
}

const check = (uploadId: string, actor = yanping) => checkUpload(s.ctx, { cycleId: CYCLE, unitId: actor.unitId!, uploadId, actor });

async function problemsOf(promise: Promise<unknown>) {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ValidationError);
  return (err as ValidationError).problems;
}

// ---- Tests ------------------------------------------------------------------------------------------

describe('createUpload', () => {
  it('issues a form for a server-chosen incoming key under the unit, stores the upload as pending and audits it', async () => {
    // Prepare
    const fileName = '自评报告.pdf';

    // Act
    const form = await formFor(fileName, PDF_TYPE, yanping, 52_000);

    // Assess
    expect(form.key).toBe(`incoming/${CYCLE}/yanping/${form.uploadId}`);
    expect(form.uploadId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(form.key).not.toContain(fileName);
    expect(form.maxBytes).toBe(52_000);
    expect(form.formExpiresAt).toBe('2016-11-08T02:15:00.000Z');
    expect(s.documents.forms).toEqual([
      expect.objectContaining({ key: form.key, contentType: PDF_TYPE, minBytes: 52_000, maxBytes: 52_000, expiresInSeconds: UPLOAD_FORM_SECONDS }),
    ]);
    expect(UPLOAD_FORM_SECONDS).toBeLessThanOrEqual(15 * 60);
    expect(form.fields).toMatchObject({ key: form.key, 'Content-Type': PDF_TYPE });
    expect(await s.repo.getUpload(CYCLE, 'yanping', form.uploadId)).toEqual({
      cycleId: CYCLE, unitId: 'yanping', uploadId: form.uploadId, incomingKey: form.key, fileName, contentType: PDF_TYPE, announcedSize: 52_000,
      createdBy: 'yanping-staff', createdAt: '2016-11-08T02:00:00.000Z', formExpiresAt: '2016-11-08T02:15:00.000Z', status: 'pending',
    });
    expect((await s.repo.listAudit(CYCLE)).filter((a) => a.action === 'upload')).toEqual([
      {
        cycleId: CYCLE, unitId: 'yanping', at: '2016-11-08T02:00:00.000Z', actor: 'yanping-staff', role: 'county', action: 'upload',
        what: { uploadId: form.uploadId, fileName, contentType: PDF_TYPE, size: 52_000 },
      },
    ]);
  });

  it('gives every upload of the same file its own key', async () => {
    const a = await formFor('自评报告.pdf');
    const b = await formFor('自评报告.pdf');
    expect(a.key).not.toBe(b.key);
  });

  it('refuses a type outside the allow-list, a wrong extension, an empty and a too-large file, naming each field', async () => {
    // Act
    const badType = await problemsOf(formFor('setup.exe', 'application/x-msdownload'));
    const badExtension = await problemsOf(formFor('照片.png', PDF_TYPE));
    const empty = await problemsOf(formFor('自评报告.pdf', PDF_TYPE, yanping, 0));
    const tooLarge = await problemsOf(formFor('自评报告.pdf', PDF_TYPE, yanping, MAX_DOCUMENT_BYTES + 1));

    // Assess
    expect(badType).toEqual([expect.objectContaining({ path: 'contentType', rule: 'not-allowed' })]);
    expect(badType[0].message.zh).toContain('PDF、Word（DOC/DOCX）、Excel（XLS/XLSX）、JPG、PNG');
    expect(badExtension).toEqual([expect.objectContaining({ path: 'fileName', rule: 'extension-mismatch' })]);
    expect(badExtension[0].message.zh).toContain('照片.png');
    expect(empty).toEqual([expect.objectContaining({ path: 'size', rule: 'empty' })]);
    expect(tooLarge).toEqual([expect.objectContaining({ path: 'size', rule: 'too-large' })]);
    expect(tooLarge[0].message.zh).toContain('超过 20 MB 的上限');
    expect(s.documents.forms).toHaveLength(0);
  });

  it('takes exactly 20 MB, and the allow-list types with their extensions in any case', async () => {
    await expect(formFor('大文件.pdf', PDF_TYPE, yanping, MAX_DOCUMENT_BYTES)).resolves.toMatchObject({ maxBytes: MAX_DOCUMENT_BYTES });
    for (const t of DOCUMENT_TYPES) {
      await expect(formFor(`材料.${t.extensions[0].toUpperCase()}`, t.contentType)).resolves.toMatchObject({ uploadId: expect.any(String) });
    }
    expect(s.documents.forms).toHaveLength(1 + DOCUMENT_TYPES.length);
  });

  it('refuses a unit outside the plan, and a county user asking for another unit', async () => {
    await expect(createUpload(s.ctx, { cycleId: CYCLE, unitId: 'atlantis', actor: { ...yanping, unitId: 'atlantis' }, fileName: 'a.pdf', contentType: PDF_TYPE, size: 1 })).rejects.toBeInstanceOf(NotFoundError);
    await expect(createUpload(s.ctx, { cycleId: CYCLE, unitId: 'jianyang', actor: yanping, fileName: 'a.pdf', contentType: PDF_TYPE, size: 1 })).rejects.toBeInstanceOf(NotFoundError);
    expect(s.documents.forms).toHaveLength(0);
  });
});

describe('checkUpload', () => {
  it("lets an inspector check its own upload in the unit's space, naming its group in the audit, and not the unit's own uploads", async () => {
    // Nanping inspects nobody; the route's plan check (core/use-cases/inspection-access.ts) is not this use case's.
    const inspector = { id: 'group-a', role: 'inspector' as const, groupId: 'group-a' };
    const pdf = tinyPdf('evidence');
    const mine = await createUpload(s.ctx, { cycleId: CYCLE, unitId: 'yanping', actor: inspector, fileName: '检查记录.pdf', contentType: PDF_TYPE, size: pdf.length });
    s.documents.putObject(mine.key, pdf);
    const theUnits = await uploaded('自评报告.pdf', tinyPdf('report'));

    const checked = await checkUpload(s.ctx, { cycleId: CYCLE, unitId: 'yanping', uploadId: mine.uploadId, actor: inspector });
    const refused = await checkUpload(s.ctx, { cycleId: CYCLE, unitId: 'yanping', uploadId: theUnits.uploadId, actor: inspector }).catch((e) => e);

    expect(checked.status).toBe('checked');
    expect(refused).toBeInstanceOf(NotFoundError);
    expect((await s.repo.getUpload(CYCLE, 'yanping', theUnits.uploadId))!.status).toBe('pending');
    const audit = (await s.repo.listAudit(CYCLE)).filter((a) => a.actor === 'group-a');
    expect(audit.map((a) => [a.action, a.role, a.what.groupId])).toEqual([['upload', 'inspector', 'group-a'], ['check-upload', 'inspector', 'group-a']]);
  });

  it('checks a real PDF where it landed: the server copy, its size and its SHA-256, audited', async () => {
    // Prepare
    const pdf = tinyPdf('self assessment');
    const form = await uploaded('自评报告.pdf', pdf);
    s.clock.t += 60_000;

    // Act
    const checked = await check(form.uploadId);

    // Assess
    expect(checked.status).toBe('checked');
    expect(checked.checkedAt).toBe('2016-11-08T02:01:00.000Z');
    expect(checked.document).toEqual({
      uploadId: form.uploadId, key: expect.stringMatching(new RegExp(`^documents/${CYCLE}/yanping/${form.uploadId}/[0-9a-f-]{36}$`)),
      fileName: '自评报告.pdf', contentType: PDF_TYPE, size: pdf.length, sha256: sha256(pdf),
    });
    expect(s.documents.objects.get(checked.document!.key)).toEqual(new Uint8Array(pdf));
    expect(await s.repo.getUpload(CYCLE, 'yanping', form.uploadId)).toEqual(checked);
    expect((await s.repo.listAudit(CYCLE)).filter((a) => a.action === 'check-upload')).toEqual([
      expect.objectContaining({
        unitId: 'yanping', actor: 'yanping-staff', role: 'county', at: '2016-11-08T02:01:00.000Z',
        what: expect.objectContaining({ uploadId: form.uploadId, status: 'checked', sha256: sha256(pdf), size: pdf.length, detectedType: PDF_TYPE }),
      }),
    ]);
  });

  it.each([
    ['计划.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', () => ooxml('word')],
    ['名单.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', () => ooxml('xl')],
    ['旧版计划.doc', 'application/msword', cfb],
    ['旧版名单.xls', 'application/vnd.ms-excel', cfb],
    ['照片.jpg', 'image/jpeg', tinyJpeg],
    ['截图.png', 'image/png', tinyPng],
  ])('accepts %s as %s by its magic bytes', async (fileName, contentType, bytes) => {
    const form = await uploaded(fileName, bytes(), contentType);
    const checked = await check(form.uploadId);
    expect(checked).toMatchObject({ status: 'checked', document: { contentType, sha256: sha256(bytes()) } });
  });

  it('rejects a PNG declared as a PDF, records why, and the rejection names the file and what it is', async () => {
    // Prepare
    const form = await uploaded('自评报告.pdf', tinyPng());

    // Act
    const rejected = await check(form.uploadId);

    // Assess
    expect(rejected.status).toBe('rejected');
    expect(rejected.document).toBeUndefined();
    expect(rejected.rejection).toEqual({
      path: '',
      rule: 'type-mismatch',
      message: { zh: '文件“自评报告.pdf”的内容不是 PDF（检测为 PNG 图片）', en: 'the file "自评报告.pdf" is not a PDF file (its content is a PNG image)' },
    });
    expect(await s.repo.getUpload(CYCLE, 'yanping', form.uploadId)).toEqual(rejected);
    expect((await s.repo.listAudit(CYCLE)).filter((a) => a.action === 'check-upload').map((a) => a.what)).toEqual([
      expect.objectContaining({ status: 'rejected', rule: 'type-mismatch' }),
    ]);
  });

  it('rejects bytes it cannot recognise, an empty file, and a DOCX declared as XLSX', async () => {
    const text = await check((await uploaded('自评报告.pdf', Buffer.from('这不是 PDF，只是文字。'))).uploadId);
    const empty = await check((await uploaded('自评报告.pdf', new Uint8Array(0))).uploadId);
    const swapped = await check((await uploaded('名单.xlsx', ooxml('word'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')).uploadId);
    expect(text.rejection).toMatchObject({ rule: 'type-mismatch', message: { zh: '文件“自评报告.pdf”的内容不是 PDF（无法识别其格式）' } });
    expect(empty.rejection).toMatchObject({ rule: 'empty', message: { zh: '文件“自评报告.pdf”是空文件（0 字节）' } });
    expect(swapped.rejection).toMatchObject({ rule: 'type-mismatch', message: { zh: '文件“名单.xlsx”的内容不是 Excel 表格（XLSX）（检测为 Word 文档（DOCX））' } });
  });

  it('rejects a file larger than 20 MB that got past the form (the emulator does not enforce the policy)', async () => {
    // Prepare: the form was asked for a small file; the bytes that landed are larger than the limit.
    const form = await formFor('自评报告.pdf', PDF_TYPE, yanping, 1000);
    s.documents.putObject(form.key, Buffer.concat([tinyPdf(), Buffer.alloc(MAX_DOCUMENT_BYTES)]));
    // Act
    const rejected = await check(form.uploadId);
    // Assess: read no further than the 1,000 bytes announced.
    expect(rejected).toMatchObject({ status: 'rejected', rejection: { rule: 'size-mismatch' } });
    expect(rejected.rejection!.message.zh).toContain('申请上传时声明为 1000 字节，实际更大');
  });

  it('rejects a file larger than 20 MB on an upload stored before sizes were announced', async () => {
    const form = await formFor('自评报告.pdf', PDF_TYPE, yanping, 1000);
    const { announcedSize: _, ...legacy } = (await s.repo.getUpload(CYCLE, 'yanping', form.uploadId))!;
    const old = { ...legacy, uploadId: '0b0e5a3c-2f1d-4c6b-9a8e-7d6c5b4a3f2e', incomingKey: `${form.key}-old` };
    await s.repo.putUpload(old);
    s.documents.putObject(old.incomingKey, Buffer.concat([tinyPdf(), Buffer.alloc(MAX_DOCUMENT_BYTES)]));
    const rejected = await check(old.uploadId);
    expect(rejected).toMatchObject({ status: 'rejected', rejection: { rule: 'too-large' } });
    expect(rejected.rejection!.message.zh).toContain('超过 20 MB 的上限');
  });

  it('says the file has not arrived when nothing is at the key, records nothing, and checks it once it arrives', async () => {
    // Prepare
    const form = await formFor('自评报告.pdf', PDF_TYPE, yanping, tinyPdf().length);

    // Act
    const early = check(form.uploadId);

    // Assess
    await expect(early).rejects.toBeInstanceOf(UploadNotArrivedError);
    await expect(early).rejects.toMatchObject({ status: 409, text: { zh: '文件“自评报告.pdf”尚未上传完成，请上传后再核验' }, details: { expired: false } });
    expect((await s.repo.getUpload(CYCLE, 'yanping', form.uploadId))!.status).toBe('pending');
    s.documents.putObject(form.key, tinyPdf());
    expect((await check(form.uploadId)).status).toBe('checked');
  });

  it('says so when the form expired with nothing posted', async () => {
    const form = await formFor('自评报告.pdf');
    s.clock.t += (UPLOAD_FORM_SECONDS + 1) * 1000;
    await expect(check(form.uploadId)).rejects.toMatchObject({ name: 'UploadNotArrivedError', details: { expired: true } });
  });

  it("never shows another unit's upload: not through its own unit path, not through the other unit's", async () => {
    // Prepare
    const theirs = await uploaded('建阳自评.pdf', tinyPdf(), PDF_TYPE, jianyang);

    // Act
    const viaOwnUnit = check(theirs.uploadId, yanping);
    const viaTheirUnit = checkUpload(s.ctx, { cycleId: CYCLE, unitId: 'jianyang', uploadId: theirs.uploadId, actor: yanping });

    // Assess
    await expect(viaOwnUnit).rejects.toBeInstanceOf(NotFoundError);
    await expect(viaTheirUnit).rejects.toBeInstanceOf(NotFoundError);
    expect((await s.repo.getUpload(CYCLE, 'jianyang', theirs.uploadId))!.status).toBe('pending');
  });

  it('answers a repeated check with the stored result, copying and auditing nothing more', async () => {
    // Prepare
    const form = await uploaded('自评报告.pdf', tinyPdf());
    const first = await check(form.uploadId);
    const objects = s.documents.objects.size;
    s.clock.t += 3_600_000;

    // Act
    const again = await check(form.uploadId);

    // Assess
    expect(again).toEqual(first);
    expect(s.documents.objects.size).toBe(objects);
    expect((await s.repo.listAudit(CYCLE)).filter((a) => a.action === 'check-upload')).toHaveLength(1);
  });

  it('keeps what it checked when the browser posts other bytes to the incoming key afterwards', async () => {
    // Prepare
    const original = tinyPdf('original');
    const form = await uploaded('自评报告.pdf', original);
    const first = await check(form.uploadId);

    // Act
    s.documents.putObject(form.key, tinyPdf('swapped after the check'));
    const again = await check(form.uploadId);

    // Assess
    expect(again.document).toEqual(first.document);
    expect(again.document!.sha256).toBe(sha256(original));
    expect(s.documents.objects.get(first.document!.key)).toEqual(new Uint8Array(original));
  });

  it('lets the first of two concurrent checks win; both answer with the winner', async () => {
    const form = await uploaded('自评报告.pdf', tinyPdf());
    const [a, b] = await Promise.all([check(form.uploadId), check(form.uploadId)]);
    expect(a).toEqual(b);
    expect(a.document!.key).toBe((await s.repo.getUpload(CYCLE, 'yanping', form.uploadId))!.document!.key);
    expect((await s.repo.listAudit(CYCLE)).filter((x) => x.action === 'check-upload')).toHaveLength(1);
  });
});

// Issue 8, finding 13: the announced size is pinned in the form and compared where the file landed.
describe('the announced size', () => {
  it('is the only size the form accepts, and is kept with the upload', async () => {
    const form = await formFor('自评报告.pdf', PDF_TYPE, yanping, 52_000);
    expect(s.documents.forms).toEqual([expect.objectContaining({ key: form.key, minBytes: 52_000, maxBytes: 52_000 })]);
    expect(form).toMatchObject({ size: 52_000, maxBytes: 52_000 });
    expect(await s.repo.getUpload(CYCLE, 'yanping', form.uploadId)).toMatchObject({ announcedSize: 52_000 });
  });

  it.each([
    ['one byte short of', (n: number) => n + 1, (n: number) => `实际为 ${n} 字节`],
    ['one byte over', (n: number) => n - 1, () => '实际更大'],
    ['far over', () => 10, () => '实际更大'],
  ])('rejects a file %s the announced size where it landed, naming the sizes', async (_, announce, actual) => {
    // Prepare: a real PDF, announced with another size (the emulator does not enforce the policy).
    const bytes = tinyPdf();
    const form = await formFor('自评报告.pdf', PDF_TYPE, yanping, announce(bytes.length));
    s.documents.putObject(form.key, bytes);
    // Act
    const rejected = await check(form.uploadId);
    // Assess
    expect(rejected).toMatchObject({ status: 'rejected', rejection: { rule: 'size-mismatch' } });
    expect(rejected.rejection!.message.zh).toContain(`申请上传时声明为 ${announce(bytes.length)} 字节，${actual(bytes.length)}`);
    expect(rejected.rejection!.message.en).toContain(`announced as ${announce(bytes.length)} bytes`);
    expect(rejected.document).toBeUndefined();
  });

  it('accepts the file of exactly the announced size', async () => {
    const bytes = tinyPdf();
    const form = await uploaded('自评报告.pdf', bytes);
    expect(await check(form.uploadId)).toMatchObject({ status: 'checked', document: { size: bytes.length } });
  });
});

describe('checkDocumentBytes', () => {
  it('refuses a declared type outside the allow-list', async () => {
    const result = await checkDocumentBytes({ fileName: 'a.gif', contentType: 'image/gif' }, tinyPng());
    expect(result).toMatchObject({ ok: false, problem: { rule: 'not-allowed' } });
  });

  it('accepts an upper-case declared type and reports what it detected', async () => {
    const result = await checkDocumentBytes({ fileName: 'a.png', contentType: 'IMAGE/PNG' }, tinyPng());
    expect(result).toEqual({ ok: true, sha256: sha256(tinyPng()), size: tinyPng().length, detectedType: 'image/png' });
  });
});

describe('resolveDocuments', () => {
  it('turns checked uploads of the unit into their documents, in order', async () => {
    // Prepare
    const a = await uploaded('自评报告.pdf', tinyPdf('a'));
    const b = await uploaded('照片.png', tinyPng(), 'image/png');
    const checkedA = await check(a.uploadId);
    const checkedB = await check(b.uploadId);

    // Act
    const documents = await resolveDocuments(s.ctx, { cycleId: CYCLE, unitId: 'yanping', uploadIds: [b.uploadId, a.uploadId] });

    // Assess
    expect(documents).toEqual([checkedB.document, checkedA.document]);
  });

  it('names each bad entry: unknown (or another unit\'s), not checked, rejected, listed twice', async () => {
    // Prepare
    const good = await uploaded('自评报告.pdf', tinyPdf());
    await check(good.uploadId);
    const pending = await uploaded('名单.pdf', tinyPdf());
    const rejected = await uploaded('照片.pdf', tinyPng());
    await check(rejected.uploadId);
    const theirs = await uploaded('建阳.pdf', tinyPdf(), PDF_TYPE, jianyang);
    await check(theirs.uploadId, jianyang);

    // Act
    const problems = await problemsOf(
      resolveDocuments(s.ctx, {
        cycleId: CYCLE, unitId: 'yanping',
        uploadIds: [good.uploadId, 'no-such-upload', pending.uploadId, rejected.uploadId, good.uploadId, theirs.uploadId],
      }),
    );

    // Assess
    expect(problems.map((p) => [p.path, p.rule])).toEqual([
      ['documents[1]', 'unknown-upload'],
      ['documents[2]', 'not-checked'],
      ['documents[3]', 'rejected'],
      ['documents[4]', 'duplicate'],
      ['documents[5]', 'unknown-upload'],
    ]);
    expect(problems[2].message.zh).toBe('documents[3]: 文件“照片.pdf”未通过核验：文件“照片.pdf”的内容不是 PDF（检测为 PNG 图片）');
    expect(problems[3].message.en).toBe(`documents[4]: upload ${good.uploadId} is already listed at documents[0]`);
  });

  it('names another field when asked (evidence of a self-assessment item)', async () => {
    const problems = await problemsOf(resolveDocuments(s.ctx, { cycleId: CYCLE, unitId: 'yanping', uploadIds: ['x'], field: 'scores[0].evidence' }));
    expect(problems[0].path).toBe('scores[0].evidence[0]');
  });

  it('resolves an empty list to no documents', async () => {
    expect(await resolveDocuments(s.ctx, { cycleId: CYCLE, unitId: 'yanping', uploadIds: [] })).toEqual([]);
  });
});
