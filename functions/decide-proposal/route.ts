import * as z from 'zod/mini';
import { defineRoute } from '../_shared/api-handler';
import { proposalDecidedResponse } from '../_shared/view-schemas';
import { line, slug } from '../_shared/api-schemas';

/** A proposal's id as GET .../proposals gives it: 32 lower-case hex digits. */
const proposalId = z.string().check(z.regex(/^[0-9a-f]{32}$/, { message: 'proposal-id' }));

export const route = defineRoute('decide-proposal', {
  params: z.strictObject({ cycleId: slug, unitId: slug, proposalId }),
  body: z.strictObject({
    /** confirm: the unit receives the 通报批评 (a notice to sign for); withdraw: nothing is issued. */
    action: z.enum(['confirm', 'withdraw']),
    /** Required to withdraw (why); when confirming, a note the unit reads in the notice. */
    reason: z.optional(line(500)),
  }),
  /** 201 when this call decided it, 200 for the same decision repeated. */
  statuses: [201, 200],
  response: proposalDecidedResponse,
});
