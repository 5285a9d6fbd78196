import { defineRoute } from '../_shared/api-handler';
import { unitMessagesResponse } from '../_shared/view-schemas';
import { unitParams } from '../_shared/api-schemas';

export const route = defineRoute('list-unit-messages', { params: unitParams, response: unitMessagesResponse });
