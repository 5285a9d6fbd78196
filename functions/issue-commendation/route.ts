import * as z from 'zod/mini';
import { defineRoute } from '../_shared/api-handler';
import { slug, text } from '../_shared/api-schemas';
import { commendationResponse } from '../_shared/forwarding-schemas';

export const route = defineRoute('issue-commendation', {
  params: z.strictObject({ cycleId: slug }),
  body: z.strictObject({
    /** The qualified units commended (each must have the outcome `qualified`). */
    units: z.array(slug).check(z.minLength(1), z.maxLength(100)),
    /** The 通报表扬 in the office's words, as each unit receives it. */
    text: text(2000).check(z.minLength(1)),
  }),
  /** 201 when issued now, 200 when these units were already commended with this text (nothing is sent again). */
  statuses: [201, 200],
  response: commendationResponse,
});
