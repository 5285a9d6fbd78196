/**
 * A county office uploads a document (报送材料的附件) for a submission; an inspection group (or the city office)
 * uploads the inspection's evidence the same way, under the inspected unit. Nothing submitted is ever lost and
 * every version is immutable: each upload gets a new object key the server chooses, and a document counts
 * only after the server has checked it where it landed.
 *
 * Primary course:
 * - createUpload: check the unit, the type and the size; issue a presigned POST form fixed to the key
 *   `incoming/<cycle>/<unit>/<uploadId>`, the declared type and exactly the announced size (1 byte..20 MB),
 *   for 15 minutes; store the upload as pending, with that size; audit.
 * - checkUpload: copy the upload to a key only the server writes (`documents/<cycle>/<unit>/<uploadId>/<attempt>`),
 *   read that copy back (at most the announced size), check its size against the announced one, its magic
 *   bytes and SHA-256, and record the result
 *   once (the first check wins); audit. What was checked is what is kept, even if the browser posts to
 *   the incoming key again.
 * - resolveDocuments: turn the upload ids a submission names into the checked documents.
 */
import { randomUUID } from 'node:crypto';
import {
  MAX_DOCUMENT_BYTES,
  UPLOAD_FORM_SECONDS,
  checkDocumentBytes,
  documentType,
  emptyFileProblem,
  extensionOf,
  sizeMismatchProblem,
  tooLargeProblem,
  typeNotAllowedProblem,
} from '../documents';
import { DomainError, NotFoundError, TransientError, ValidationError } from '../errors';
import type { Actor, DocumentRef, Upload } from '../model';
import { makeProblem, type Problem } from '../validation';
import type { Context } from './context';

/** The upload form was issued but no file is at its key yet (not posted, still posting, or the form expired). */
export class UploadNotArrivedError extends DomainError {
  readonly name = 'UploadNotArrivedError';
  readonly status = 409;
}

export interface UploadForm {
  uploadId: string;
  /** Where the browser posts the form (multipart/form-data: every field, then the file last). */
  url: string;
  fields: Record<string, string>;
  key: string;
  formExpiresAt: string;
  /** The announced size: the only size the form accepts. */
  size: number;
  /** The same (kept for clients that read the form's upper bound). */
  maxBytes: number;
}

export const incomingKey = (cycleId: string, unitId: string, uploadId: string) => `incoming/${cycleId}/${unitId}/${uploadId}`;
export const documentKey = (cycleId: string, unitId: string, uploadId: string, attemptId: string) =>
  `documents/${cycleId}/${unitId}/${uploadId}/${attemptId}`;

/** A county user acts on its own unit only; to anyone else another unit's uploads do not exist. */
function assertOwnUnit(actor: Actor, unitId: string, uploadId?: string) {
  if (actor.role === 'county' && actor.unitId !== unitId) throw uploadNotFound(unitId, uploadId);
}

/** An inspector uploads evidence for its group: the audit names the group beside the user. */
const inspectorGroup = (actor: Actor) => (actor.role === 'inspector' ? { groupId: actor.groupId } : {});

function uploadNotFound(unitId: string, uploadId?: string) {
  return uploadId === undefined
    ? new NotFoundError({ zh: `单位 ${unitId} 不在本周期的计划中`, en: `unit ${unitId} is not in this cycle's plan` }, { unitId })
    : new NotFoundError({ zh: `本单位没有编号为 ${uploadId} 的上传`, en: `this unit has no upload ${uploadId}` }, { unitId, uploadId });
}

export async function createUpload(
  ctx: Context,
  input: { cycleId: string; unitId: string; actor: Actor; fileName: string; contentType: string; size: number },
): Promise<UploadForm> {
  assertOwnUnit(input.actor, input.unitId);
  const loaded = await ctx.loadPlan(input.cycleId);
  const unit = ctx.unitOf(loaded, input.unitId);

  const problems: Problem[] = [];
  const type = documentType(input.contentType);
  if (!type) problems.push(typeNotAllowedProblem('contentType', input.contentType));
  else if (!type.extensions.includes(extensionOf(input.fileName))) {
    const wanted = type.extensions.map((e) => `.${e}`).join('、');
    problems.push(
      makeProblem('fileName', 'extension-mismatch', {
        zh: `文件名“${input.fileName}”的扩展名与所选类型 ${type.label.zh} 不符，应为 ${wanted}`,
        en: `the name "${input.fileName}" does not end in ${type.extensions.map((e) => `.${e}`).join(' or ')}, as ${type.label.en} should`,
      }),
    );
  }
  // The form's policy refuses these sizes too; saying so now spares the county a useless upload.
  if (!Number.isSafeInteger(input.size) || input.size < 1) problems.push(emptyFileProblem(input.fileName, 'size'));
  else if (input.size > MAX_DOCUMENT_BYTES) problems.push(tooLargeProblem(input.fileName, input.size, 'size'));
  if (problems.length > 0 || !type) throw new ValidationError(problems, { zh: '不能为该文件生成上传表单', en: 'cannot issue an upload form for this file' });

  const uploadId = randomUUID();
  const key = incomingKey(input.cycleId, unit.id, uploadId);
  const now = ctx.clock.now();
  const createdAt = new Date(now).toISOString();
  const formExpiresAt = new Date(now + UPLOAD_FORM_SECONDS * 1000).toISOString();
  // The form first: if it cannot be made, nothing is stored.
  // Exactly the announced size: a form for "anything up to 20 MB" would let another file through.
  const form = await ctx.documents.createUploadForm({ key, contentType: type.contentType, minBytes: input.size, maxBytes: input.size, expiresInSeconds: UPLOAD_FORM_SECONDS });
  await ctx.repo.putUpload({
    cycleId: input.cycleId, unitId: unit.id, uploadId, incomingKey: key, fileName: input.fileName, contentType: type.contentType, announcedSize: input.size,
    createdBy: input.actor.id, createdAt, formExpiresAt, status: 'pending',
  });
  await ctx.repo.appendAudit({
    cycleId: input.cycleId, unitId: unit.id, at: createdAt, actor: input.actor.id, role: input.actor.role, action: 'upload',
    what: { uploadId, fileName: input.fileName, contentType: type.contentType, size: input.size, ...inspectorGroup(input.actor) },
  });
  return { uploadId, url: form.url, fields: form.fields, key, formExpiresAt, size: input.size, maxBytes: input.size };
}

export async function checkUpload(ctx: Context, input: { cycleId: string; unitId: string; uploadId: string; actor: Actor }): Promise<Upload> {
  assertOwnUnit(input.actor, input.unitId, input.uploadId);
  const loaded = await ctx.loadPlan(input.cycleId);
  const unit = ctx.unitOf(loaded, input.unitId);
  const upload = await ctx.repo.getUpload(input.cycleId, unit.id, input.uploadId);
  // An inspector works in the unit's space for its evidence only: the unit's own uploads are not its to see.
  if (!upload || (input.actor.role === 'inspector' && upload.createdBy !== input.actor.id)) throw uploadNotFound(unit.id, input.uploadId);
  if (upload.status !== 'pending') return upload;

  // A fresh key per attempt, written only here: the browser may post to the incoming key again until the
  // form expires, but what is read below is this copy, and it is the copy that is kept.
  const key = documentKey(upload.cycleId, upload.unitId, upload.uploadId, randomUUID());
  if (!(await ctx.documents.copy(upload.incomingKey, key))) {
    const expired = ctx.clock.now() > Date.parse(upload.formExpiresAt);
    throw new UploadNotArrivedError(
      expired
        ? { zh: `文件“${upload.fileName}”尚未上传，且上传表单已于 ${upload.formExpiresAt} 失效，请重新申请上传`, en: `the file "${upload.fileName}" never arrived and its upload form expired at ${upload.formExpiresAt}; ask for a new form` }
        : { zh: `文件“${upload.fileName}”尚未上传完成，请上传后再核验`, en: `the file "${upload.fileName}" has not arrived yet; upload it, then check again` },
      { uploadId: upload.uploadId, formExpiresAt: upload.formExpiresAt, expired },
    );
  }
  // Uploads stored before sizes were announced are read up to the limit.
  const announced = upload.announcedSize;
  const bytes = await ctx.documents.read(key, announced ?? MAX_DOCUMENT_BYTES);
  // S3 reads its own writes: a copy that just succeeded and cannot be read is a passing fault.
  if (bytes === null) throw new TransientError({ zh: '刚复制的文件暂时无法读取，请稍后重试', en: `the copy ${key} cannot be read yet` }, { key });
  const tooLarge = () => (announced === undefined ? tooLargeProblem(upload.fileName) : sizeMismatchProblem(upload.fileName, announced));
  const read = bytes === 'too-large' ? { ok: false as const, problem: tooLarge() } : await checkDocumentBytes(upload, bytes);
  const check = read.ok && announced !== undefined && read.size !== announced ? { ok: false as const, problem: sizeMismatchProblem(upload.fileName, announced, read.size) } : read;

  const checkedAt = ctx.nowIso();
  const { updated, upload: stored } = await ctx.repo.completeUploadCheck(
    upload.cycleId,
    upload.unitId,
    upload.uploadId,
    check.ok
      ? {
          status: 'checked', checkedAt,
          document: { uploadId: upload.uploadId, key, fileName: upload.fileName, contentType: upload.contentType, size: check.size, sha256: check.sha256 },
        }
      : { status: 'rejected', checkedAt, rejection: check.problem },
  );
  if (updated) {
    await ctx.repo.appendAudit({
      cycleId: upload.cycleId, unitId: upload.unitId, at: checkedAt, actor: input.actor.id, role: input.actor.role, action: 'check-upload',
      what: check.ok
        ? { uploadId: upload.uploadId, status: 'checked', key, size: check.size, sha256: check.sha256, detectedType: check.detectedType, ...inspectorGroup(input.actor) }
        : { uploadId: upload.uploadId, status: 'rejected', key, rule: check.problem.rule, ...inspectorGroup(input.actor) },
    });
  }
  return stored;
}

/** Why the upload named at `path` cannot be submitted; null when it can. */
function unusableUpload(path: string, id: string, upload: Upload | null): Problem | null {
  if (!upload) return makeProblem(path, 'unknown-upload', { zh: `本单位没有编号为 ${id} 的上传`, en: `this unit has no upload ${id}` });
  if (upload.status === 'pending') {
    return makeProblem(path, 'not-checked', { zh: `文件“${upload.fileName}”尚未核验，请先核验`, en: `the file "${upload.fileName}" has not been checked yet; check it first` });
  }
  if (upload.status === 'rejected' || !upload.document) {
    const why = upload.rejection?.message;
    return makeProblem(path, 'rejected', {
      zh: `文件“${upload.fileName}”未通过核验${why ? `：${why.zh}` : ''}`,
      en: `the file "${upload.fileName}" did not pass its check${why ? `: ${why.en}` : ''}`,
    });
  }
  return null;
}

/**
 * The documents a submission names, by upload id: each must be a checked upload of this unit, named once.
 * `field` names the request field in the problems (`documents[2]`).
 */
export async function resolveDocuments(
  ctx: Context,
  input: { cycleId: string; unitId: string; uploadIds: readonly string[]; field?: string; onlyBy?: string },
): Promise<DocumentRef[]> {
  const field = input.field ?? 'documents';
  const uploads = await Promise.all(
    input.uploadIds.map((id, i) => (input.uploadIds.indexOf(id) === i ? ctx.repo.getUpload(input.cycleId, input.unitId, id) : null)),
  );
  const problems: Problem[] = [];
  const documents: DocumentRef[] = [];
  input.uploadIds.forEach((id, i) => {
    const path = `${field}[${i}]`;
    const first = input.uploadIds.indexOf(id);
    const upload = uploads[i];
    if (first !== i) {
      problems.push(makeProblem(path, 'duplicate', { zh: `上传 ${id} 已在第 ${first + 1} 项列出`, en: `upload ${id} is already listed at ${field}[${first}]` }));
      return;
    }
    // `onlyBy` (an inspector's evidence): only its own uploads; the unit's are not its to see, so not found either.
    const problem = unusableUpload(path, id, input.onlyBy !== undefined && upload?.createdBy !== input.onlyBy ? null : upload);
    if (problem) problems.push(problem);
    else documents.push(upload!.document!);
  });
  if (problems.length > 0) throw new ValidationError(problems, DOCUMENTS_REFUSED);
  return documents;
}

const DOCUMENTS_REFUSED = { zh: '报送的附件有误', en: 'some documents cannot be submitted' };

/** Where a submission names uploads: its documents, and each self-assessment item's evidence. */
export interface NamedUploads {
  documents?: readonly string[];
  selfAssessment?: { scores: ReadonlyArray<{ evidence: readonly string[] }> };
}

/**
 * Names each bad upload where the request named it. submitDeliverable resolves the documents and the
 * evidence as one list, so its problems say `documents[k]` of that list: an evidence id of another unit
 * would read as `documents[0]`. Given what submitDeliverable threw, this checks every named upload again
 * at its own path (`documents[1]`, `selfAssessment.scores[2].evidence[0]`) and throws that instead; any
 * other error, or one it cannot name better, is thrown as it was. Costs reads only on the refusal path.
 */
export async function nameUploadProblems(ctx: Context, error: unknown, input: { cycleId: string; unitId: string } & NamedUploads): Promise<never> {
  const aboutDocuments = error instanceof ValidationError && error.problems.length > 0 && error.problems.every((p) => p.path.startsWith('documents['));
  if (!aboutDocuments) throw error;
  const named = [
    ...(input.documents ?? []).map((uploadId, i) => ({ path: `documents[${i}]`, uploadId })),
    ...(input.selfAssessment?.scores ?? []).flatMap((s, i) => s.evidence.map((uploadId, j) => ({ path: `selfAssessment.scores[${i}].evidence[${j}]`, uploadId }))),
  ];
  const ids = [...new Set(named.map((n) => n.uploadId))];
  const uploads = new Map(await Promise.all(ids.map(async (id) => [id, await ctx.repo.getUpload(input.cycleId, input.unitId, id)] as const)));
  // A repeated id is not a problem here: submitDeliverable keeps one of each, so each occurrence is judged alike.
  const problems = named.flatMap(({ path, uploadId }) => unusableUpload(path, uploadId, uploads.get(uploadId) ?? null) ?? []);
  throw problems.length > 0 ? new ValidationError(problems, DOCUMENTS_REFUSED) : error;
}
