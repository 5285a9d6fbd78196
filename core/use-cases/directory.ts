/**
 * The city office's directory (通讯录): every contact of the cycle with its delivery state, and the edit of one
 * unit's contacts. Where an edit lives and how every email follows it: core/directory.ts.
 *
 * Primary course of an edit (editUnitContacts):
 *   1. the input is checked (each problem names the field and the rule); nothing is read before;
 *   2. the unit's current contacts (its newest version, or the plan's as version 0) take the roles given;
 *      the same contacts again change nothing (200, no version);
 *   3. an edit from an older version than the current one is refused (409, who edited and when), unless it
 *      is the request that stored the current one (its Idempotency-Key): then that version is the answer;
 *   4. a changed address that SES had marked undeliverable is noted on the new contact (`replaced`);
 *   5. the next version is stored with its audit entry (before and after) in one transaction, all versions
 *      kept; the cycle's directory revision moves, so every loadPlan from now on lays it over the plan;
 *   6. each replaced undeliverable address that no contact of the cycle uses any more is marked fixed, with
 *      its own audit entry, once: also on a retry, so a crash between 5 and 6 loses nothing.
 */
import { createHash } from 'node:crypto';
import {
  UNIT_CONTACT_ROLES,
  addressesInUse,
  deliveryOf,
  plannedContacts,
  sameContact,
  unitContactsEditSchema,
  type ContactEdit,
} from '../directory';
import { DirectoryConflictError, ValidationError } from '../errors';
import type { ContactStatus, DirectoryContact, UnitContactRole, UnitContactsVersion } from '../model';
import { formatBeijing } from '../time';
import { canonicalJson } from './cycle';
import { makeProblem, parseWithProblems } from '../validation';
import type { Context, LoadedPlan } from './context';
import { beijing, unitInfo } from './view-parts';

/** Units per page of the directory, as the dashboard pages them. */
export const DIRECTORY_PAGE = { default: 50, max: 100 } as const;

export type CityContactRole = 'city-office' | 'city-leader' | 'province';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A contact with its delivery state, as the portal shows it. */
function contactView(role: UnitContactRole | CityContactRole, c: DirectoryContact, status: ContactStatus | null, refusedAt: string | null) {
  const d = deliveryOf(c, status, refusedAt);
  return {
    role,
    name: c.name ?? null,
    email: c.email,
    phone: c.phone ?? null,
    /** When the city office set the address (null: the plan's own). */
    setAt: c.setAt ? beijing(c.setAt) : null,
    delivery: { ...d, at: d.at ? beijing(d.at) : null },
  };
}

/** The delivery records of these addresses, by lower-case address (one consistent read each). */
async function statusesOf(ctx: Context, addresses: readonly string[]): Promise<Map<string, ContactStatus | null>> {
  const distinct = [...new Set(addresses.map((a) => a.toLowerCase()))];
  const found = await Promise.all(distinct.map((a) => ctx.repo.getContactStatus(a)));
  return new Map(distinct.map((a, i) => [a, found[i]]));
}

/**
 * When the mail service last refused a message to each of the unit's contacts, by the plan's address: the
 * notifier's reports to the city office (`delivery-failure`, milestone `refused#<kind>#<milestone>#<recipient>`).
 */
async function refusalsOf(ctx: Context, cycleId: string, unitId: string): Promise<Map<string, string>> {
  const latest = new Map<string, string>();
  for (const e of await ctx.repo.listUnitMessages(cycleId, unitId)) {
    if (e.kind !== 'delivery-failure' || !e.milestone.startsWith('refused#')) continue;
    const recipient = e.milestone.slice(e.milestone.lastIndexOf('#') + 1).toLowerCase();
    const at = e.sentAt ?? e.claimedAt;
    if ((latest.get(recipient) ?? '') < at) latest.set(recipient, at);
  }
  return latest;
}

/** The directory rows of these units: each contact, its delivery state, and the unit's version. */
async function unitRows(ctx: Context, loaded: LoadedPlan, unitIds: readonly string[]) {
  const units = unitIds.map((id) => ctx.unitOf(loaded, id));
  const contacts = units.map((u) => loaded.directory.units.get(u.id)?.contacts ?? plannedContacts(u));
  const [statuses, refusals] = await Promise.all([
    statusesOf(ctx, contacts.flatMap((c) => UNIT_CONTACT_ROLES.map((r) => c[r].email))),
    Promise.all(units.map((u) => refusalsOf(ctx, loaded.plan.cycleId, u.id))),
  ]);
  return units.map((unit, i) => {
    const head = loaded.directory.units.get(unit.id);
    const planned = loaded.planned.get(unit.id)!;
    return {
      ...unitInfo(unit),
      /** The version of its contacts (0: the plan's); an edit names it, so two editors cannot overwrite each other. */
      version: head?.version ?? 0,
      editedBy: head?.editedBy ?? null,
      editedAt: head ? beijing(head.editedAt) : null,
      contacts: UNIT_CONTACT_ROLES.map((role) => {
        const c = contacts[i][role];
        return contactView(role, c, statuses.get(c.email.toLowerCase()) ?? null, refusals[i].get(planned[role].email.toLowerCase()) ?? null);
      }),
    };
  });
}

/**
 * The directory, a page of units at a time (plan order, `cursor` = the previous page's `page.next`), with the
 * city office's and the province's addresses on every page.
 */
export async function directory(ctx: Context, input: { cycleId: string; cursor?: string | null; limit?: number }) {
  const loaded = await ctx.loadPlan(input.cycleId);
  const { plan } = loaded;
  const limit = Math.min(Math.max(1, input.limit ?? DIRECTORY_PAGE.default), DIRECTORY_PAGE.max);
  const cursor = input.cursor ?? null;
  if (cursor !== null && !loaded.units.has(cursor)) {
    throw new ValidationError([
      makeProblem('cursor', 'unknown-cursor', { zh: `分页游标“${cursor}”不是本周期的单位，请从第一页重新读取`, en: `the cursor "${cursor}" is not a unit of this cycle; start again from the first page` }),
    ]);
  }
  const page = await ctx.repo.listUnits(input.cycleId, cursor, limit);
  const city: Array<[CityContactRole, DirectoryContact]> = [
    ['city-office', { name: plan.city.office, email: plan.city.email }],
    ...(plan.city.leaderEmail ? [['city-leader', { email: plan.city.leaderEmail }] as [CityContactRole, DirectoryContact]] : []),
    ['province', { name: plan.province.name, email: plan.province.email }],
  ];
  const [statuses, units] = await Promise.all([statusesOf(ctx, city.map(([, c]) => c.email)), unitRows(ctx, loaded, page.items.map((u) => u.id))]);
  return {
    cycleId: input.cycleId,
    title: plan.title,
    now: beijing(ctx.nowIso()),
    city: city.map(([role, c]) => contactView(role, c, statuses.get(c.email.toLowerCase()) ?? null, null)),
    units,
    page: { cursor, limit, next: page.cursor },
  };
}

export interface EditUnitContactsInput {
  cycleId: string;
  unitId: string;
  /** The version the editor saw (0: the plan's contacts). */
  version: number;
  office?: ContactEdit;
  leader?: ContactEdit;
  reason?: string;
  editedBy: string;
  /** The request's Idempotency-Key (`caller#key`), when it carried one. */
  requestKey?: string;
}

const conflict = (current: UnitContactsVersion | null) =>
  current === null
    ? new DirectoryConflictError(
      { zh: '该单位的通讯录尚未修改过，当前为计划中的联系人（第 0 版），请刷新后再修改', en: "this unit's contacts were never changed: they are the plan's (version 0); reload and edit that" },
      { version: 0 },
    )
    : new DirectoryConflictError(
    {
      zh: `该单位的通讯录已由 ${current.editedBy} 于 ${formatBeijing(current.editedAt, 'datetime', 'zh')} 修改为第 ${current.version} 版，请刷新后在新版本上修改`,
      en: `this unit's contacts were changed by ${current.editedBy} on ${formatBeijing(current.editedAt, 'datetime', 'en')} (version ${current.version}); reload and edit that version`,
    },
    { version: current.version, editedBy: current.editedBy, editedAt: beijing(current.editedAt) },
  );

/** The contacts as the audit log shows them, before and after. */
const shown = (contacts: Record<UnitContactRole, DirectoryContact>) =>
  Object.fromEntries(UNIT_CONTACT_ROLES.map((r) => [r, { name: contacts[r].name ?? null, email: contacts[r].email, phone: contacts[r].phone ?? null }]));

export async function editUnitContacts(ctx: Context, input: EditUnitContactsInput) {
  const { office, leader, reason } = input;
  const parsed = parseWithProblems(unitContactsEditSchema, {
    version: input.version,
    ...(office ? { office } : {}),
    ...(leader ? { leader } : {}),
    ...(reason !== undefined ? { reason } : {}),
  });
  const problems = parsed.ok ? [] : parsed.problems;
  if (!office && !leader) problems.push(makeProblem('office', 'required', { zh: '应至少修改办公室或分管领导之一', en: 'give the office, the leader, or both' }));
  if (problems.length) throw new ValidationError(problems, { zh: '通讯录未修改：输入有误', en: 'The contacts were not changed: invalid input' });

  const loaded = await ctx.loadPlan(input.cycleId);
  const unit = ctx.unitOf(loaded, input.unitId);
  const head = loaded.directory.units.get(unit.id) ?? null;
  // The key with what it asked: the same key sent again with another body (after a 5xx freed the key) is
  // another request, not the one that stored the current version.
  const requestHash = input.requestKey ? sha256(`${input.requestKey}\n${canonicalJson({ version: input.version, office, leader, reason })}`) : undefined;
  // The request that stored the current version, sent again after its answer was lost: that version, once.
  if (requestHash && head?.requestHash === requestHash) return finish(ctx, head, false);

  const current = head?.contacts ?? plannedContacts(loaded.planned.get(unit.id)!);
  const now = ctx.nowIso();
  const next = { ...current };
  const given: Partial<Record<UnitContactRole, ContactEdit>> = { office, leader };
  for (const role of UNIT_CONTACT_ROLES) {
    const edit = given[role];
    if (!edit) continue;
    const before = current[role];
    const moved = before.email.toLowerCase() !== edit.email.toLowerCase();
    next[role] = {
      ...(edit.name ? { name: edit.name } : {}),
      email: edit.email,
      ...(edit.phone ? { phone: edit.phone } : {}),
      ...(moved ? { setAt: now, setBy: input.editedBy } : pick(before)),
    };
  }
  const unchanged = UNIT_CONTACT_ROLES.every((r) => sameContact(current[r], next[r]));
  if (unchanged) return { recorded: false, changed: false, unit: (await unitRows(ctx, loaded, [unit.id]))[0], fixed: [] as string[] };
  if (input.version !== (head?.version ?? 0)) throw conflict(head);

  for (const role of UNIT_CONTACT_ROLES) {
    if (next[role].setAt !== now) continue;
    const was = await ctx.repo.getContactStatus(current[role].email);
    if (was?.status === 'undeliverable') next[role] = { ...next[role], replaced: { email: was.email, reason: was.reason, since: was.since } };
  }
  const version: UnitContactsVersion = {
    cycleId: input.cycleId, unitId: unit.id, version: (head?.version ?? 0) + 1, contacts: next, previous: current,
    editedBy: input.editedBy, editedAt: now, ...(reason ? { reason } : {}), ...(requestHash ? { requestHash } : {}),
  };
  const stored = await ctx.repo.putUnitContacts(version, {
    cycleId: input.cycleId, unitId: unit.id, at: now, actor: input.editedBy, role: 'city', action: 'edit-contacts',
    what: { version: version.version, before: shown(current), after: shown(next) }, ...(reason ? { why: reason } : {}),
  });
  if (!stored.recorded) {
    // Another edit came first; or this very request did, at the same moment (a retry racing the first).
    if (stored.current && requestHash && stored.current.requestHash === requestHash) return finish(ctx, stored.current, false);
    throw conflict(stored.current);
  }
  return finish(ctx, version, true);
}

/** Where and by whom the contact's address was set, kept across an edit of its name or phone. */
const pick = (c: DirectoryContact) => ({
  ...(c.setAt ? { setAt: c.setAt } : {}),
  ...(c.setBy ? { setBy: c.setBy } : {}),
  ...(c.replaced ? { replaced: c.replaced } : {}),
});

/** Step 6, then the unit's row as the directory shows it now. */
async function finish(ctx: Context, version: UnitContactsVersion, recorded: boolean) {
  const loaded = await ctx.loadPlan(version.cycleId);
  const inUse = addressesInUse(loaded.plan);
  const fixed: string[] = [];
  for (const role of UNIT_CONTACT_ROLES) {
    const replaced = version.contacts[role].replaced;
    if (!replaced || version.contacts[role].setAt !== version.editedAt || inUse.has(replaced.email.toLowerCase())) continue;
    await ctx.repo.clearContactStatus(replaced.email, version.editedBy, version.editedAt);
    // Ours, whether this call or an earlier try of the same edit cleared it: audited once.
    const now = await ctx.repo.getContactStatus(replaced.email);
    if (now?.status !== 'fixed' || now.fixedAt !== version.editedAt || now.fixedBy !== version.editedBy) continue;
    fixed.push(now.email);
    await ctx.repo.appendAudit({
      cycleId: version.cycleId, unitId: version.unitId, at: version.editedAt, actor: version.editedBy, role: 'city', action: 'fix-contact',
      what: { email: now.email, reason: now.reason, since: now.since, replacedBy: version.contacts[role].email, version: version.version },
      key: `fix-contact#${version.unitId}#v${version.version}#${now.email}`,
    });
  }
  return { recorded, changed: true, unit: (await unitRows(ctx, loaded, [version.unitId]))[0], fixed };
}
