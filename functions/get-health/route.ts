import * as z from 'zod/mini';
import { defineRoute } from '../_shared/api-handler';

export const route = defineRoute('get-health', {
  response: z.object({ status: z.literal('ok') }),
});
