import * as z from 'zod/mini';
import { defineRoute } from '../_shared/api-handler';
import { slug } from '../_shared/api-schemas';
import { forwardingResponse } from '../_shared/forwarding-schemas';

export const route = defineRoute('get-forwarding', { params: z.strictObject({ cycleId: slug }), response: forwardingResponse });
