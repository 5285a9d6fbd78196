import * as z from 'zod/mini';
import { defineRoute } from '../_shared/api-handler';
import { submittedResponse } from '../_shared/view-schemas';
import { deliverableParams, text, uuid } from '../_shared/api-schemas';
import { selfAssessmentSchema } from '../_shared/self-assessment-schema';

export const route = defineRoute('submit-deliverable', {
  params: deliverableParams,
  body: z.strictObject({
    narrative: z.optional(text(10000)),
    /** Upload ids of checked documents (POST .../uploads, then .../uploads/{uploadId}/check). */
    documents: z._default(z.array(uuid).check(z.maxLength(30)), []),
    /** Required for the reviewed deliverable (the self-assessment report), refused for the others. */
    selfAssessment: z.optional(selfAssessmentSchema),
  }),
  response: submittedResponse,
});
