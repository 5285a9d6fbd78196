import * as z from 'zod/mini';
import { defineRoute } from '../_shared/api-handler';
import { pathInt, slug } from '../_shared/api-schemas';
import { rosterVersionResponse } from '../_shared/inspection-schemas';

export const route = defineRoute('get-roster-version', {
  params: z.strictObject({ cycleId: slug, unitId: slug, version: pathInt(9999) }),
  response: rosterVersionResponse,
});
