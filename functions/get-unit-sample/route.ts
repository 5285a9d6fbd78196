import { defineRoute } from '../_shared/api-handler';
import { unitParams } from '../_shared/api-schemas';
import { unitSampleResponse } from '../_shared/inspection-schemas';

export const route = defineRoute('get-unit-sample', { params: unitParams, response: unitSampleResponse });
