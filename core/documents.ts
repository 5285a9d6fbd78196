/**
 * Documents (报送材料的附件): which files the product accepts, and the check of a file's bytes where it
 * landed. A file counts only after this check: its size, its type by its magic bytes (not by its name or
 * the type the browser declared), and its SHA-256. Pure: no AWS, no storage.
 */
import { createHash } from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type/core';
import { makeProblem, type Message, type Problem } from './validation';

/** The largest file a unit may upload: 20 MB. The upload form's policy enforces it too. */
export const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;
/** How long an upload form works. */
export const UPLOAD_FORM_SECONDS = 15 * 60;
/** How long a download link works. */
export const DOWNLOAD_LINK_SECONDS = 5 * 60;

/** OLE compound files (Word and Excel 97-2003 among them): file-type cannot tell DOC from XLS. */
const CFB = 'application/x-cfb';

export interface DocumentType {
  /** The declared content type, as the upload form fixes it. */
  contentType: string;
  /** File name extensions, lower case, without the dot. */
  extensions: readonly string[];
  /** What file-type may report for the bytes of such a file. */
  detectedAs: readonly string[];
  /** What it is, e.g. zh "PDF", en "a PDF file". */
  label: Message;
}

/** The allow-list: PDF, Word (DOC/DOCX), Excel (XLS/XLSX), JPG, PNG. */
export const DOCUMENT_TYPES: readonly DocumentType[] = [
  { contentType: 'application/pdf', extensions: ['pdf'], detectedAs: ['application/pdf'], label: { zh: 'PDF', en: 'a PDF file' } },
  {
    contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    extensions: ['docx'],
    detectedAs: ['application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    label: { zh: 'Word 文档（DOCX）', en: 'a Word document (DOCX)' },
  },
  { contentType: 'application/msword', extensions: ['doc'], detectedAs: [CFB], label: { zh: 'Word 97-2003 文档（DOC）', en: 'a Word 97-2003 document (DOC)' } },
  {
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    extensions: ['xlsx'],
    detectedAs: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    label: { zh: 'Excel 表格（XLSX）', en: 'an Excel workbook (XLSX)' },
  },
  { contentType: 'application/vnd.ms-excel', extensions: ['xls'], detectedAs: [CFB], label: { zh: 'Excel 97-2003 表格（XLS）', en: 'an Excel 97-2003 workbook (XLS)' } },
  { contentType: 'image/jpeg', extensions: ['jpg', 'jpeg'], detectedAs: ['image/jpeg'], label: { zh: 'JPG 图片', en: 'a JPG image' } },
  { contentType: 'image/png', extensions: ['png'], detectedAs: ['image/png'], label: { zh: 'PNG 图片', en: 'a PNG image' } },
];

/** The allow-list in words, for messages. */
export const ALLOWED_TYPES_TEXT: Message = {
  zh: 'PDF、Word（DOC/DOCX）、Excel（XLS/XLSX）、JPG、PNG',
  en: 'PDF, Word (DOC/DOCX), Excel (XLS/XLSX), JPG, PNG',
};

/** The allowed type for a declared content type (case and surrounding blanks ignored), or undefined. */
export function documentType(contentType: string): DocumentType | undefined {
  const wanted = contentType.trim().toLowerCase();
  return DOCUMENT_TYPES.find((t) => t.contentType === wanted);
}

/** `自评报告.PDF` -> `pdf`; '' when the name has no extension. */
export function extensionOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 && dot < fileName.length - 1 ? fileName.slice(dot + 1).toLowerCase() : '';
}

/** `25.3 MB`, for messages. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

const LIMIT_TEXT = formatSize(MAX_DOCUMENT_BYTES).replace('.0 ', ' ');

const DETECTED_LABELS: Record<string, Message> = {
  ...Object.fromEntries(DOCUMENT_TYPES.filter((t) => !t.detectedAs.includes(CFB)).map((t) => [t.detectedAs[0], t.label])),
  [CFB]: { zh: 'Office 97-2003 复合文档（DOC、XLS 等）', en: 'an Office 97-2003 compound file (DOC, XLS or similar)' },
  'application/zip': { zh: 'ZIP 压缩包', en: 'a ZIP archive' },
  'image/gif': { zh: 'GIF 图片', en: 'a GIF image' },
  'image/webp': { zh: 'WebP 图片', en: 'a WebP image' },
  'image/heic': { zh: 'HEIC 图片', en: 'a HEIC image' },
};

function detectedLabel(detected: { ext: string; mime: string } | undefined): Message {
  if (!detected) return { zh: '无法识别其格式', en: 'in a format that is not recognised' };
  const known = DETECTED_LABELS[detected.mime];
  if (known) return known;
  const ext = detected.ext.toUpperCase();
  return { zh: `${ext} 文件`, en: `a ${ext} file` };
}

/** Path '' (the default): the file as a whole. */
export function emptyFileProblem(fileName: string, path = ''): Problem {
  return makeProblem(path, 'empty', { zh: `文件“${fileName}”是空文件（0 字节）`, en: `the file "${fileName}" is empty (0 bytes)` });
}

/** The file that landed is not the size announced when the form was asked for; `actual` when it was read whole. */
export function sizeMismatchProblem(fileName: string, announced: number, actual?: number, path = ''): Problem {
  const zhActual = actual === undefined ? '实际更大' : `实际为 ${actual} 字节`;
  const enActual = actual === undefined ? 'it is larger' : `it is ${actual} bytes`;
  return makeProblem(path, 'size-mismatch', {
    zh: `文件“${fileName}”申请上传时声明为 ${announced} 字节，${zhActual}，请重新申请上传`,
    en: `the file "${fileName}" was announced as ${announced} bytes but ${enActual}; ask for a new form`,
  });
}

/** `size` when known (a stored object refused before it was read may not say). */
export function tooLargeProblem(fileName: string, size?: number, path = ''): Problem {
  const zhSize = size === undefined ? '' : `大小为 ${formatSize(size)}，`;
  const enSize = size === undefined ? '' : ` (${formatSize(size)})`;
  return makeProblem(path, 'too-large', {
    zh: `文件“${fileName}”${zhSize}超过 ${LIMIT_TEXT} 的上限`,
    en: `the file "${fileName}"${enSize} is larger than the ${LIMIT_TEXT} limit`,
  });
}

export function typeNotAllowedProblem(path: string, contentType: string): Problem {
  return makeProblem(path, 'not-allowed', {
    zh: `不接受“${contentType}”类型的文件，只接受 ${ALLOWED_TYPES_TEXT.zh}`,
    en: `files of type "${contentType}" are not accepted; accepted: ${ALLOWED_TYPES_TEXT.en}`,
  });
}

export type DocumentCheck =
  | { ok: true; sha256: string; size: number; detectedType: string }
  | { ok: false; problem: Problem };

/**
 * Checks the bytes of a file against the type it was declared as: not empty, at most MAX_DOCUMENT_BYTES,
 * and the magic bytes show that type. On success, the SHA-256 (hex) and what the bytes were detected as.
 */
export async function checkDocumentBytes(declared: { fileName: string; contentType: string }, bytes: Uint8Array): Promise<DocumentCheck> {
  const { fileName } = declared;
  const type = documentType(declared.contentType);
  if (!type) return { ok: false, problem: typeNotAllowedProblem('', declared.contentType) };
  if (bytes.byteLength === 0) return { ok: false, problem: emptyFileProblem(fileName) };
  if (bytes.byteLength > MAX_DOCUMENT_BYTES) return { ok: false, problem: tooLargeProblem(fileName, bytes.byteLength) };
  const detected = await fileTypeFromBuffer(bytes);
  if (!detected || !type.detectedAs.includes(detected.mime)) {
    const found = detectedLabel(detected);
    return {
      ok: false,
      problem: makeProblem('', 'type-mismatch', {
        zh: `文件“${fileName}”的内容不是 ${type.label.zh}（${detected ? `检测为 ${found.zh}` : found.zh}）`,
        en: `the file "${fileName}" is not ${type.label.en} (its content is ${found.en})`,
      }),
    };
  }
  return { ok: true, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.byteLength, detectedType: detected.mime };
}
