import * as z from 'zod/mini';
import { defineRoute } from '../_shared/api-handler';
import { deliverableParams } from '../_shared/api-schemas';
import { selfAssessmentSchema } from '../_shared/self-assessment-schema';
import { previewResponse } from '../_shared/view-schemas';

export const route = defineRoute('preview-self-assessment', {
  params: deliverableParams,
  body: z.strictObject({ selfAssessment: selfAssessmentSchema }),
  statuses: [200],
  response: previewResponse,
});
