/**
 * The directory (通讯录): the plan's contacts with the city office's corrections laid over them.
 *
 * The stored plan never changes (it is hashed and a cycle runs exactly that one). A correction is a new
 * version of one unit's contacts, kept beside the plan; every loadPlan lays each unit's current version over
 * the stored units (`withDirectory`), so whatever reads an address or a name from the loaded plan (every
 * template, every recipient of every email kind) reads the corrected one, with no case per kind of email.
 *
 * The message ledger keeps naming a contact by the plan's address (`plannedAddress`): the key of a message
 * is what it is about and whom it is for, not where it went, so a step that runs again after a correction
 * (a retry, an extension replaying the unit's year) finds it sent and does not mail the new address a copy
 * of everything. Where it went is kept on the entry (LedgerEntry.to).
 */
import * as z from 'zod/mini';
import type { ContactStatus, DirectoryContact, UnitContactRole, UnitContactsVersion } from './model';
import { email, line, type Plan, type Unit } from './plan/schema';

export const UNIT_CONTACT_ROLES = ['office', 'leader'] as const satisfies readonly UnitContactRole[];

/** Digits, spaces and + - ( ): office and mobile numbers as people write them (0599-8888888, +86 138 0000 0000). */
export const PHONE = /^[0-9+()\- ]+$/;

/** One contact as the city office enters it. */
export const contactEditSchema = z.strictObject({
  name: z.optional(line(60)),
  email,
  phone: z.optional(z.string().check(z.minLength(1), z.maxLength(30), z.regex(PHONE, { message: 'phone' }))),
});
export type ContactEdit = z.output<typeof contactEditSchema>;

/** An edit of one unit's contacts: the version it was made from (0: the plan's), and the roles it changes. */
export const unitContactsEditSchema = z.strictObject({
  version: z.int().check(z.gte(0), z.lte(9999)),
  office: z.optional(contactEditSchema),
  leader: z.optional(contactEditSchema),
  reason: z.optional(line(200)),
});

const same = (a: string | undefined, b: string | undefined) => (a ?? '').toLowerCase() === (b ?? '').toLowerCase();

/** A unit's contacts as the plan has them: version 0 of the directory. */
export const plannedContacts = (unit: Unit): Record<UnitContactRole, DirectoryContact> => ({
  office: { ...unit.office },
  leader: { ...unit.leader },
});

/** The plan's own fields of a directory contact (what templates and recipients read). */
const asPlanContact = (c: DirectoryContact) => ({ ...(c.name ? { name: c.name } : {}), email: c.email });

/** The unit with its current contacts. */
export const withContacts = (unit: Unit, contacts: Record<UnitContactRole, DirectoryContact>): Unit => ({
  ...unit,
  office: asPlanContact(contacts.office),
  leader: asPlanContact(contacts.leader),
});

/** The plan with each edited unit's current version over its stored contacts; the same plan when none was edited. */
export function withDirectory(plan: Plan, current: ReadonlyMap<string, UnitContactsVersion>): Plan {
  if (current.size === 0) return plan;
  return { ...plan, units: plan.units.map((u) => (current.has(u.id) ? withContacts(u, current.get(u.id)!.contacts) : u)) };
}

/**
 * The address the ledger names a message's recipient by: the plan's address of the unit's contact whose
 * current address it is (the office first, should both share one), or the address itself (the city office,
 * the province, or a unit never edited).
 */
export function plannedAddress(current: Unit, planned: Unit, address: string): string {
  for (const role of UNIT_CONTACT_ROLES) if (same(current[role].email, address)) return planned[role].email;
  return address;
}

/** Two versions of a contact say the same (addresses compare in any case). */
export const sameContact = (a: DirectoryContact, b: DirectoryContact) =>
  same(a.email, b.email) && (a.name ?? '') === (b.name ?? '') && (a.phone ?? '') === (b.phone ?? '');

/** Every address the plan's directory uses now, lower case (a replaced address still in use elsewhere is not fixed). */
export function addressesInUse(plan: Plan): Set<string> {
  const all = [plan.city.email, plan.city.leaderEmail, plan.province.email, ...plan.units.flatMap((u) => [u.office.email, u.leader.email])];
  return new Set(all.filter((a): a is string => a !== undefined).map((a) => a.toLowerCase()));
}

export type DeliveryState = 'ok' | 'bounced' | 'complained' | 'refused' | 'fixed';

export interface Delivery {
  state: DeliveryState;
  /** When it happened: the bounce or complaint, the refusal, the fix (UTC instant); null when all is well. */
  at: string | null;
  /** What the receiving side said (a bounce's SMTP answer). */
  detail: string | null;
  /** Who fixed it. */
  by: string | null;
  /** The undeliverable address this one replaced (its change counts as the fix). */
  replaced: string | null;
  /** The address is held back by the notifier until someone marks it fixed (POST /contacts/fix). */
  canMarkFixed: boolean;
}

/**
 * A contact's delivery state from what was recorded: a standing bounce or complaint first (the notifier sends
 * nothing there); otherwise the latest of the fix, the change that replaced a bounced address, and a refusal by
 * the mail service of a message to it since its address was set.
 */
export function deliveryOf(
  contact: DirectoryContact,
  status: ContactStatus | null,
  refusedAt: string | null,
): Delivery {
  const none = { detail: null, by: null, replaced: null, canMarkFixed: false };
  if (status?.status === 'undeliverable') {
    return { ...none, state: status.reason === 'bounce' ? 'bounced' : 'complained', at: status.since, detail: status.detail || null, canMarkFixed: true };
  }
  const seen: Delivery[] = [];
  if (status?.status === 'fixed') seen.push({ ...none, state: 'fixed', at: status.fixedAt ?? null, by: status.fixedBy ?? null });
  if (contact.replaced && contact.setAt) seen.push({ ...none, state: 'fixed', at: contact.setAt, by: contact.setBy ?? null, replaced: contact.replaced.email });
  if (refusedAt && refusedAt >= (contact.setAt ?? '')) seen.push({ ...none, state: 'refused', at: refusedAt });
  seen.sort((a, b) => (b.at ?? '').localeCompare(a.at ?? ''));
  return seen[0] ?? { ...none, state: 'ok', at: null };
}
