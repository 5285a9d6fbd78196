import { defineRoute } from '../_shared/api-handler';
import { inspectionWindowParams } from '../_shared/inspection-params';
import { inspectionScoreResponse } from '../_shared/inspection-schemas';

export const route = defineRoute('get-inspection-score', { params: inspectionWindowParams, response: inspectionScoreResponse });
