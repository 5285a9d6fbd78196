/**
 * One file, as the API takes it: ask for a presigned POST form (the server refuses a type or size it does not
 * take, in words, before a byte is sent), post the file to the bucket with progress, then have the server
 * check it where it landed (size, type by its magic bytes, SHA-256).
 */
import { api, ok, newIntentKey } from '../api/client';
import { currentLang } from '../i18n';
import type { paths } from '../api/schema';

type UnitPath = { cycleId: string; unitId: string };
export type UploadCheck = paths['/cycles/{cycleId}/units/{unitId}/uploads/{uploadId}/check']['post']['responses'][200]['content']['application/json'];

/** Posts the form as S3 wants it: every field in order, the file last. Resolves when the bucket answers 2xx. */
function postForm(url: string, fields: Record<string, string>, file: File, onProgress: (percent: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const body = new FormData();
    for (const [name, value] of Object.entries(fields)) body.append(name, value);
    body.append('file', file);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(Math.round((e.loaded / e.total) * 100));
    const en = currentLang() === 'en';
    const refused = (status: number) => (en ? `The file store refused the file (${status})` : `文件存储拒收（${status}）`);
    xhr.onload = () => (xhr.status >= 200 && xhr.status < 300 ? resolve() : reject(new Error(refused(xhr.status))));
    const interrupted = en ? 'The upload was interrupted: check the network and try again' : '上传中断，请检查网络后重试';
    xhr.onerror = () => reject(new Error(interrupted));
    xhr.send(body);
  });
}

export async function uploadFile(where: UnitPath, file: File, onProgress: (percent: number) => void): Promise<UploadCheck> {
  const form = await ok(
    api().POST('/cycles/{cycleId}/units/{unitId}/uploads', {
      params: { path: where, header: { 'Idempotency-Key': newIntentKey() } },
      // The browser's type for the file; the server decides whether it takes it and says why not.
      body: { fileName: file.name, contentType: file.type || 'application/octet-stream', size: file.size },
    }),
  );
  await postForm(form.url, form.fields, file, onProgress);
  return ok(
    api().POST('/cycles/{cycleId}/units/{unitId}/uploads/{uploadId}/check', {
      params: { path: { ...where, uploadId: form.uploadId }, header: { 'Idempotency-Key': newIntentKey() } },
    }),
  );
}
