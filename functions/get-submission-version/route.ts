import { defineRoute } from '../_shared/api-handler';
import { versionResponse } from '../_shared/view-schemas';
import { versionParams } from '../_shared/api-schemas';

export const route = defineRoute('get-submission-version', { params: versionParams, response: versionResponse });
