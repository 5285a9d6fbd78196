import * as z from 'zod/mini';
import { defineRoute } from '../_shared/api-handler';
import { slug } from '../_shared/api-schemas';

export const route = defineRoute('get-dashboard', { params: z.strictObject({ cycleId: slug }) });
