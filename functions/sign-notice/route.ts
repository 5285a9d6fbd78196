import * as z from 'zod/mini';
import { defineRoute } from '../_shared/api-handler';
import { noticeSignedResponse } from '../_shared/view-schemas';
import { slug } from '../_shared/api-schemas';

/** A notice's id as GET .../messages gives it: 32 lower-case hex digits. */
const messageId = z.string().check(z.regex(/^[0-9a-f]{32}$/, { message: 'message-id' }));

export const route = defineRoute('sign-notice', {
  params: z.strictObject({ cycleId: slug, unitId: slug, messageId }),
  /** 201 when this call signed it, 200 when it was signed already. */
  statuses: [201, 200],
  response: noticeSignedResponse,
});
