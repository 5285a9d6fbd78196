/**
 * The plan's part of an inspector's access (检查组成员; the `inspection` and `unit-inspection` access kinds of
 * functions/routes.ts). The token says which group the user is in (`inspector-<groupId>`); only the cycle's
 * plan says what that group inspects, and plans differ from year to year. So the route's rule lets an
 * inspector through to this one check, which the API's chain runs before it parses the input or looks at an
 * Idempotency-Key (functions/_shared/api-handler.ts), for every route of those kinds.
 *
 * An inspector may act on a cycle whose plan has its group, on a unit its group inspects, in that group's
 * window. Anything else, a cycle or a unit that does not exist included, is the same 403 as every refusal:
 * it says nothing about what exists.
 */
import { NotFoundError, accessRefused } from '../errors';
import type { Actor } from '../model';
import type { Context } from './context';

export interface InspectionScope {
  cycleId?: string;
  /** Absent: the cycle as a whole (its list of inspections). */
  unitId?: string;
  /** Absent: the unit's inspection, whichever window it is in (its sample, its uploads). */
  windowId?: string;
}

/** Ids as the API's schemas accept them; anything else cannot be in a plan (and is not looked up). */
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** Whether the group inspects that scope in the cycle's plan. */
export async function groupInspects(ctx: Pick<Context, 'loadPlan'>, groupId: string | undefined, where: InspectionScope): Promise<boolean> {
  if (!groupId || !where.cycleId || !ID.test(where.cycleId)) return false;
  let loaded;
  try {
    loaded = await ctx.loadPlan(where.cycleId);
  } catch (error) {
    if (error instanceof NotFoundError) return false;
    throw error;
  }
  const group = loaded.plan.inspection?.groups.find((g) => g.id === groupId);
  if (!group) return false;
  if (where.unitId === undefined) return true;
  if (!group.units.includes(where.unitId)) return false;
  return where.windowId === undefined || group.window === where.windowId;
}

/** Refuses (403) an inspector outside its group's inspections; the city office and a county pass (their rule is the route's). */
export async function assertInspectorScope(ctx: Pick<Context, 'loadPlan'>, actor: Actor, where: InspectionScope): Promise<void> {
  if (actor.role !== 'inspector') return;
  if (!(await groupInspects(ctx, actor.groupId, where))) throw accessRefused();
}
