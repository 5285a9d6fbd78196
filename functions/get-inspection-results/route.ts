import { defineRoute } from '../_shared/api-handler';
import { inspectionWindowParams } from '../_shared/inspection-params';
import { inspectionResultsResponse } from '../_shared/inspection-schemas';

export const route = defineRoute('get-inspection-results', { params: inspectionWindowParams, response: inspectionResultsResponse });
