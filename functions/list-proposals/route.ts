import * as z from 'zod/mini';
import { defineRoute } from '../_shared/api-handler';
import { proposalsResponse } from '../_shared/view-schemas';
import { slug } from '../_shared/api-schemas';

export const route = defineRoute('list-proposals', { params: z.strictObject({ cycleId: slug }), response: proposalsResponse });
