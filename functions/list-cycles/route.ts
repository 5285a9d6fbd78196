import { defineRoute } from '../_shared/api-handler';
import { cyclesResponse } from '../_shared/view-schemas';

export const route = defineRoute('list-cycles', { response: cyclesResponse });
