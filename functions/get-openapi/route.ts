import { defineRoute } from '../_shared/api-handler';

export const route = defineRoute('get-openapi', {});
