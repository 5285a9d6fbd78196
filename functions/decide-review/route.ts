import * as z from 'zod/mini';
import { defineRoute } from '../_shared/api-handler';
import { decisionResponse } from '../_shared/view-schemas';
import { line, localDate, pathInt, points, slug, text } from '../_shared/api-schemas';

export const route = defineRoute('decide-review', {
  params: z.strictObject({ cycleId: slug, unitId: slug, round: pathInt(5) }),
  body: z.strictObject({
    outcome: z.enum(['approved', 'returned']),
    /** Required when returned: the rectification opinion (整改意见). */
    reason: z.optional(text(2000)),
    /** The city's score per rubric item; when returned, an item below its maximum needs a reason. */
    scores: z.optional(z.array(z.strictObject({ itemId: slug, score: points, reason: z.optional(line(500)) })).check(z.maxLength(200))),
    /** When returned: the last day (Beijing, inclusive) to rectify by; absent, the plan's rule gives it. */
    rectificationLastDay: z.optional(localDate),
    /** The version the city reviewed; a different version under review is a 409. */
    version: z.optional(z.int().check(z.gte(1), z.lte(9999))),
  }),
  // 201 for the decision this call recorded, 200 for the same decision repeated.
  statuses: [201, 200],
  response: decisionResponse,
});
