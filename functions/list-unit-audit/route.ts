import { defineRoute } from '../_shared/api-handler';
import { unitAuditResponse } from '../_shared/view-schemas';
import { unitParams } from '../_shared/api-schemas';

export const route = defineRoute('list-unit-audit', { params: unitParams, response: unitAuditResponse });
