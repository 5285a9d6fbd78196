import { defineRoute } from '../_shared/api-handler';
import { receiptResponse } from '../_shared/view-schemas';
import { versionParams } from '../_shared/api-schemas';

export const route = defineRoute('get-receipt', { params: versionParams, response: receiptResponse });
