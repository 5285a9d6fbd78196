import { planSchema } from '../../core/plan/schema';
import { defineRoute } from '../_shared/api-handler';
import { planBody, planCheckResponse } from '../_shared/plan-view-schemas';

export const route = defineRoute('validate-plan', {
  body: planBody,
  bodyDocument: planSchema,
  /** A check, not a write: 200 whether the plan is valid or not. */
  statuses: [200],
  response: planCheckResponse,
});
