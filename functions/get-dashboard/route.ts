import * as z from 'zod/mini';
import { DASHBOARD_FILTERS, DASHBOARD_PAGE } from '../../core/use-cases/views';
import { defineRoute } from '../_shared/api-handler';
import { dashboardResponse } from '../_shared/view-schemas';
import { pathInt, slug } from '../_shared/api-schemas';

export const route = defineRoute('get-dashboard', {
  params: z.strictObject({ cycleId: slug }),
  query: z.strictObject({
    /** The previous page's `page.next` (the last unit id it read); none for the first page. */
    cursor: z.optional(slug),
    /** Units per page, 1 to 100 (default 50). */
    limit: z.optional(pathInt(DASHBOARD_PAGE.max)),
    /** Only the units of the page with a deliverable missing or late, a returned round, or that outcome. */
    filter: z.optional(z.enum(DASHBOARD_FILTERS)),
  }),
  response: dashboardResponse,
});
