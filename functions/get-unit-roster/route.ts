import { defineRoute } from '../_shared/api-handler';
import { unitParams } from '../_shared/api-schemas';
import { unitRosterResponse } from '../_shared/inspection-schemas';

export const route = defineRoute('get-unit-roster', { params: unitParams, response: unitRosterResponse });
