import * as z from 'zod/mini';
import { email } from '../../core/plan/schema';
import { defineRoute } from '../_shared/api-handler';

export const route = defineRoute('fix-contact', { body: z.strictObject({ email }), statuses: [200] });
