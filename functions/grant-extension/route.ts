import * as z from 'zod/mini';
import { defineRoute } from '../_shared/api-handler';
import { deliverableParams, line, localDate } from '../_shared/api-schemas';
import { extensionGrantedResponse } from '../_shared/view-schemas';

export const route = defineRoute('grant-extension', {
  params: deliverableParams,
  body: z.strictObject({
    /** The new last day (Beijing, inclusive). */
    lastDay: localDate,
    reason: line(500),
  }),
  response: extensionGrantedResponse,
});
