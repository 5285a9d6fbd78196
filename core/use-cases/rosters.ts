/**
 * Registered rosters (社区/村名单, issue 10): each unit registers its communities and villages; every change
 * is a new version with its audit entry; inspection samples are drawn from the current version, and later
 * self-assessments are measured against it.
 *
 * Primary course of a registration (registerRoster):
 *   1. the rows are checked (each problem names the row, the field and the rule); nothing is read before;
 *   2. the request that stored the current version, sent again (its Idempotency-Key): that version, once;
 *   3. the same roster again changes nothing (200, no version);
 *   4. a registration from another version than the current one is refused (409, who registered and when);
 *   5. the next version is stored with its audit entry in one transaction (all versions kept); when the plan asks
 *      for the roster, the roster deliverable's status goes with it (on time or late against the unit's deadline),
 *      so its reminders and escalation ladder stop, and the overview and dashboard show it registered.
 */
import { createHash } from 'node:crypto';
import { NotFoundError, RosterConflictError, ValidationError } from '../errors';
import { COMMUNITY_KIND_ZH, type RegisteredCommunity, type RosterVersion } from '../inspection/model';
import { checkRoster } from '../inspection/roster';
import { rosterSha256 } from '../inspection/sample';
import { ROSTER_DELIVERABLE_ID } from '../plan/roster-deliverable';
import { formatBeijing, isOnTime } from '../time';
import { makeProblem } from '../validation';
import type { Context } from './context';
import { beijing, unitInfo } from './view-parts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A version as the API shows it. */
export const rosterView = (v: RosterVersion) => ({
  version: v.version,
  sha256: v.sha256,
  registeredBy: v.registeredBy,
  registeredAt: beijing(v.registeredAt),
  reason: v.reason ?? null,
  communities: v.communities.map((c) => ({ ...c, kindZh: COMMUNITY_KIND_ZH[c.kind] })),
  counts: { communities: v.communities.length, takingPart: v.communities.filter((c) => c.takingPart).length },
});

/** The unit's roster: the current version, every version before it (newest first, without rows), and the plan's requirement. */
export async function unitRoster(ctx: Context, input: { cycleId: string; unitId: string }) {
  const loaded = await ctx.loadPlan(input.cycleId);
  const unit = ctx.unitOf(loaded, input.unitId);
  const versions = await ctx.repo.listRosterVersions(input.cycleId, unit.id);
  const current = versions.at(-1) ?? null;
  const reg = loaded.plan.rosterRegistration;
  // The unit's own last day: the plan's after its non-working-day policy, or its extension's (延期), as its reminders count.
  const due = reg ? await ctx.deadlineFor(loaded, unit.id, ROSTER_DELIVERABLE_ID) : null;
  return {
    cycleId: input.cycleId,
    unit: unitInfo(unit),
    /** When the plan asks units to register (null: it does not; a unit may register anyway). */
    requirement: reg ? { phase: reg.phase, lastDay: due!.lastDay } : null,
    /** 0 while nothing is registered; a registration names the version it was made from. */
    version: current?.version ?? 0,
    current: current ? rosterView(current) : null,
    history: versions
      .slice(0, -1)
      .reverse()
      .map((v) => { const { communities: _rows, ...rest } = rosterView(v); return rest; }),
  };
}

export interface RegisterRosterInput {
  cycleId: string;
  unitId: string;
  /** The version the caller registered from (0: none registered yet). */
  version: number;
  communities: unknown;
  reason?: string;
  registeredBy: string;
  /** The request's Idempotency-Key (`caller#key`), when it carried one. */
  requestKey?: string;
}

const conflict = (current: RosterVersion | null, expected: number) =>
  current === null
    ? new RosterConflictError(
      {
        zh: `该单位尚未登记社区/村名单（当前为第 0 版），不能在第 ${expected} 版上修改，请刷新后重新登记`,
        en: `this unit has no registered roster yet (version 0), not version ${expected}; reload and register again`,
      },
      { version: 0 },
    )
    : new RosterConflictError(
      {
        zh: `该单位的社区/村名单已由 ${current.registeredBy} 于 ${formatBeijing(current.registeredAt, 'datetime', 'zh')} 登记为第 ${current.version} 版，请刷新后在新版本上修改`,
        en: `this unit's roster was registered by ${current.registeredBy} on ${formatBeijing(current.registeredAt, 'datetime', 'en')} (version ${current.version}); reload and edit that version`,
      },
      { version: current.version, registeredBy: current.registeredBy, registeredAt: beijing(current.registeredAt) },
    );

const names = (cs: readonly RegisteredCommunity[]) => new Set(cs.map((c) => c.name));

export async function registerRoster(ctx: Context, input: RegisterRosterInput) {
  const problems = [];
  if (!Number.isInteger(input.version) || input.version < 0)
    problems.push(makeProblem('version', 'type', { zh: 'version 应为不小于 0 的整数（当前版本号）', en: 'version must be a whole number, 0 or more (the current version)' }));
  const checked = checkRoster(input.communities);
  if (!checked.ok) problems.push(...checked.problems);
  if (problems.length || !checked.ok) throw new ValidationError(problems, { zh: '社区/村名单未保存：输入有误', en: 'The roster was not saved: invalid input' });

  const loaded = await ctx.loadPlan(input.cycleId);
  const unit = ctx.unitOf(loaded, input.unitId);
  const head = await ctx.repo.getRoster(input.cycleId, unit.id);
  const requestHash = input.requestKey ? sha256(input.requestKey) : undefined;
  if (requestHash && head?.requestHash === requestHash) return { recorded: false, changed: true, roster: rosterView(head) };

  const communities = checked.communities;
  const hash = rosterSha256(communities);
  if (head && head.sha256 === hash) return { recorded: false, changed: false, roster: rosterView(head) };
  if (input.version !== (head?.version ?? 0)) throw conflict(head, input.version);

  const now = ctx.nowIso();
  const version: RosterVersion = {
    cycleId: input.cycleId, unitId: unit.id, version: (head?.version ?? 0) + 1, communities, sha256: hash,
    registeredBy: input.registeredBy, registeredAt: now, ...(input.reason ? { reason: input.reason } : {}), ...(requestHash ? { requestHash } : {}),
  };
  const before = names(head?.communities ?? []);
  const after = names(communities);
  // When the plan asks for the roster, a registration is the roster deliverable's submission: on time against the
  // unit's own deadline (the plan's, or its extension's), its status written with the version (core/plan/roster-deliverable.ts).
  const due = loaded.plan.rosterRegistration
    ? { deliverableId: ROSTER_DELIVERABLE_ID, onTime: isOnTime(Date.parse(now), (await ctx.deadlineFor(loaded, unit.id, ROSTER_DELIVERABLE_ID)).dueAt) }
    : undefined;
  const stored = await ctx.repo.putRoster(version, {
    cycleId: input.cycleId, unitId: unit.id, at: now, actor: input.registeredBy, role: 'county', action: 'register-roster',
    what: {
      version: version.version, sha256: hash, communities: communities.length, takingPart: communities.filter((c) => c.takingPart).length,
      added: [...after].filter((n) => !before.has(n)), removed: [...before].filter((n) => !after.has(n)),
    },
    ...(input.reason ? { why: input.reason } : {}),
  }, due);
  if (!stored.recorded) {
    if (stored.current && requestHash && stored.current.requestHash === requestHash) return { recorded: false, changed: true, roster: rosterView(stored.current) };
    throw conflict(stored.current, input.version);
  }
  return { recorded: true, changed: true, roster: rosterView(version) };
}

/** One version of the unit's roster, with its rows. */
export async function rosterVersion(ctx: Context, input: { cycleId: string; unitId: string; version: number }) {
  const loaded = await ctx.loadPlan(input.cycleId);
  const unit = ctx.unitOf(loaded, input.unitId);
  const found = (await ctx.repo.listRosterVersions(input.cycleId, unit.id)).find((v) => v.version === input.version);
  if (!found)
    throw new NotFoundError({ zh: `${unit.name}的社区/村名单没有第 ${input.version} 版`, en: `${unit.nameEn ?? unit.id} has no roster version ${input.version}` });
  return { cycleId: input.cycleId, unit: unitInfo(unit), roster: rosterView(found) };
}
