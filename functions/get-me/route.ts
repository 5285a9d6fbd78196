import * as z from 'zod/mini';
import { defineRoute } from '../_shared/api-handler';

export const route = defineRoute('get-me', {
  response: z.object({ id: z.string(), role: z.enum(['county', 'city', 'inspector']), unitId: z.nullable(z.string()), groupId: z.nullable(z.string()) }),
});
