import * as z from 'zod/mini';
import { registeredCommunitySchema, MAX_COMMUNITIES } from '../../core/inspection/roster';
import { defineRoute } from '../_shared/api-handler';
import { line, unitParams } from '../_shared/api-schemas';
import { rosterRegisteredResponse } from '../_shared/inspection-schemas';

export const route = defineRoute('put-unit-roster', {
  params: unitParams,
  body: z.strictObject({
    /** The version the roster was edited from (GET …/roster gives it; 0: none registered yet). */
    version: z.int().check(z.gte(0), z.lte(9999)),
    /** Every community and village of the unit (社区/村), names unique; the whole list each time. */
    communities: z.array(registeredCommunitySchema).check(z.maxLength(MAX_COMMUNITIES)),
    /** Why it changed, for the audit log. */
    reason: z.optional(line(200)),
  }),
  /** 201 when a new version was stored, 200 for the same roster again or a retry of a stored registration. */
  statuses: [201, 200],
  response: rosterRegisteredResponse,
});
