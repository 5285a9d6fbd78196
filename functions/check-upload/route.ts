import * as z from 'zod/mini';
import { defineRoute } from '../_shared/api-handler';
import { uploadCheckResponse } from '../_shared/view-schemas';
import { slug, uuid } from '../_shared/api-schemas';

export const route = defineRoute('check-upload', {
  params: z.strictObject({ cycleId: slug, unitId: slug, uploadId: uuid }),
  // The check's record, new or as it was checked before.
  statuses: [200],
  response: uploadCheckResponse,
});
