import { planSchema } from '../../core/plan/schema';
import { defineRoute } from '../_shared/api-handler';
import { cycleStartedResponse, planBody } from '../_shared/plan-view-schemas';

export const route = defineRoute('start-cycle', {
  body: planBody,
  bodyDocument: planSchema,
  /** 201 when the plan was stored by this call, 200 when this very plan was stored already (nothing starts twice). */
  statuses: [201, 200],
  response: cycleStartedResponse,
});
