import * as z from 'zod/mini';
import { defineRoute } from '../_shared/api-handler';
import { uploadFormResponse } from '../_shared/view-schemas';
import { line, unitParams } from '../_shared/api-schemas';

export const route = defineRoute('create-upload', {
  params: unitParams,
  body: z.strictObject({
    /** The file's own name, shown back in receipts and downloads (the object key is the server's). */
    fileName: line(120),
    /** From the allow-list: PDF, DOC/DOCX, XLS/XLSX, JPG, PNG. */
    contentType: line(100),
    /** Bytes, 1 to 20 MB: the form accepts a file of exactly this size, and the check compares it. */
    size: z.int().check(z.gte(1), z.lte(100 * 1024 * 1024)),
  }),
  response: uploadFormResponse,
});
