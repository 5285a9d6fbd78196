import * as z from 'zod/mini';
import { defineRoute } from '../_shared/api-handler';
import { line, slug } from '../_shared/api-schemas';
import { confirmationResponse } from '../_shared/forwarding-schemas';

export const route = defineRoute('confirm-forwarding', {
  params: z.strictObject({ cycleId: slug }),
  body: z.strictObject({
    /** An optional note kept with the confirmation (the list itself is the recorded outcomes and is not edited). */
    note: z.optional(line(500)),
  }),
  /** 201 when this call confirmed the list, 200 when it was confirmed already. */
  statuses: [201, 200],
  response: confirmationResponse,
});
