import * as z from 'zod/mini';
import { defineRoute } from '../_shared/api-handler';
import { slug } from '../_shared/api-schemas';
import { cycleDocumentsResponse } from '../_shared/view-schemas';

export const route = defineRoute('list-cycle-documents', { params: z.strictObject({ cycleId: slug }), response: cycleDocumentsResponse });
