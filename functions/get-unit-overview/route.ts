import { defineRoute } from '../_shared/api-handler';
import { unitOverviewResponse } from '../_shared/view-schemas';
import { unitParams } from '../_shared/api-schemas';

export const route = defineRoute('get-unit-overview', { params: unitParams, response: unitOverviewResponse });
