import { defineRoute } from '../_shared/api-handler';
import { submissionsResponse } from '../_shared/view-schemas';
import { unitParams } from '../_shared/api-schemas';

export const route = defineRoute('list-submissions', { params: unitParams, response: submissionsResponse });
