import * as z from 'zod/mini';
import { PHONE } from '../../core/directory';
import { email } from '../../core/plan/schema';
import { defineRoute } from '../_shared/api-handler';
import { contactsEditedResponse } from '../_shared/directory-schemas';
import { line, unitParams } from '../_shared/api-schemas';

/** One contact as it is to be: its name, its address, a phone if known (a role left out keeps its contact). */
const contact = z.strictObject({
  name: z.optional(line(60)),
  email,
  phone: z.optional(line(30).check(z.regex(PHONE, { message: 'phone' }))),
});

export const route = defineRoute('edit-unit-contacts', {
  params: unitParams,
  body: z.strictObject({
    /** The version the edit was made from (GET .../directory gives it; 0: the plan's contacts). */
    version: z.int().check(z.gte(0), z.lte(9999)),
    /** 县打传办 (the unit's office). */
    office: z.optional(contact),
    /** 分管领导 (the leader in charge). */
    leader: z.optional(contact),
    /** Why, for the audit log. */
    reason: z.optional(line(200)),
  }),
  /** 201 when a new version was stored, 200 for the same contacts again or a retry of a stored edit. */
  statuses: [201, 200],
  response: contactsEditedResponse,
});
