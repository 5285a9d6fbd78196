/**
 * What the directory's routes answer (通讯录), for the OpenAPI document and the portal's generated client only
 * (see ./view-schemas.ts): each contact with its delivery state, each unit's row with its version.
 */
import * as z from 'zod/mini';
import { instantView, unitInfoView } from './view-schemas';

const contactView = z.object({
  role: z.enum(['office', 'leader', 'city-office', 'city-leader', 'province']),
  name: z.nullable(z.string()),
  email: z.string(),
  phone: z.nullable(z.string()),
  /** When the city office set this address; null while it is the plan's own. */
  setAt: z.nullable(instantView),
  delivery: z.object({
    /** bounced / complained: SES reported it, and the notifier holds its mail until it is marked fixed. */
    state: z.enum(['ok', 'bounced', 'complained', 'refused', 'fixed']),
    at: z.nullable(instantView),
    detail: z.nullable(z.string()),
    by: z.nullable(z.string()),
    /** The undeliverable address this one replaced (the change counted as its fix). */
    replaced: z.nullable(z.string()),
    /** POST /contacts/fix applies: the address is held back until someone says it works again. */
    canMarkFixed: z.boolean(),
  }),
});

export const directoryUnitView = z.extend(unitInfoView, {
  /** The version of the unit's contacts (0: the plan's); an edit names the version it was made from. */
  version: z.number(),
  editedBy: z.nullable(z.string()),
  editedAt: z.nullable(instantView),
  contacts: z.array(contactView),
});

export const directoryResponse = z.object({
  cycleId: z.string(),
  title: z.string(),
  now: instantView,
  /** The city office (and its leadership, when the plan names an address for it) and the province. */
  city: z.array(contactView),
  units: z.array(directoryUnitView),
  page: z.object({ cursor: z.nullable(z.string()), limit: z.number(), next: z.nullable(z.string()) }),
});

export const contactsEditedResponse = z.object({
  /** true when this call stored a new version; false for the same contacts again or a retry of a stored edit. */
  recorded: z.boolean(),
  /** false when the contacts sent were the ones already there: nothing was stored. */
  changed: z.boolean(),
  unit: directoryUnitView,
  /** Replaced addresses SES had marked undeliverable, marked fixed by this edit. */
  fixed: z.array(z.string()),
});
