import * as z from 'zod/mini';
import { defineRoute } from '../_shared/api-handler';
import { line, points, slug } from '../_shared/api-schemas';
import { inspectionWindowParams } from '../_shared/inspection-params';
import { inspectionScoreRecordedResponse } from '../_shared/inspection-schemas';

export const route = defineRoute('put-inspection-score', {
  params: inspectionWindowParams,
  body: z.strictObject({
    /** The version of the sheet edited (GET …/score gives it; 0: none recorded yet). */
    version: z.int().check(z.gte(0), z.lte(9999)),
    /** Every item of the plan's rubric once. The score is computed by the server. */
    items: z.array(z.strictObject({
      itemId: slug,
      /** standard: points off its maximum; deduction: points off the total. */
      deduction: z.optional(points),
      /** bonus: points added. */
      bonus: z.optional(points),
      /** veto (一票否决): passed or failed. */
      veto: z.optional(z.enum(['passed', 'failed'])),
      /** Required with a deduction, a bonus or a failed veto. */
      reason: z.optional(line(500)),
    })).check(z.maxLength(200)),
  }),
  statuses: [201, 200],
  response: inspectionScoreRecordedResponse,
});
