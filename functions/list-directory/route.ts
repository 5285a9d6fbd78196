import * as z from 'zod/mini';
import { DIRECTORY_PAGE } from '../../core/use-cases/directory';
import { defineRoute } from '../_shared/api-handler';
import { directoryResponse } from '../_shared/directory-schemas';
import { pathInt, slug } from '../_shared/api-schemas';

export const route = defineRoute('list-directory', {
  params: z.strictObject({ cycleId: slug }),
  query: z.strictObject({
    /** The previous page's `page.next` (the last unit id it read); none for the first page. */
    cursor: z.optional(slug),
    /** Units per page, 1 to 100 (default 50). */
    limit: z.optional(pathInt(DIRECTORY_PAGE.max)),
  }),
  response: directoryResponse,
});
