/**
 * Who can sign in to the twin: the plan's city office, one user per unit and one per inspection group (检查组,
 * issue 10), with the groups the API's handlers read roles from (`city-office`, `unit-<unitId>`,
 * `inspector-<groupId>`). On AWS the same users are created in the Cognito user pool by the city office
 * (README: "Users and groups"); locally they all share one documented password.
 */
import type { Plan } from '../../core/plan/schema';

/** The one password of every seeded user in the twin (never a password anywhere else). */
export const LOCAL_PASSWORD = 'Twin-Local-2026!';

export const CITY_USERNAME = 'city';
export const CITY_GROUP = 'city-office';
export const unitGroup = (unitId: string) => `unit-${unitId}`;
export const inspectorGroup = (groupId: string) => `inspector-${groupId}`;

export interface UserSeed {
  username: string;
  groups: string[];
  email?: string;
  /** What the user is, for people reading the list (`npm start`). */
  label?: string;
  /**
   * An admin-created user's temporary password: the first sign-in must set a new one (Cognito's
   * NEW_PASSWORD_REQUIRED challenge). Absent: the user signs in with LOCAL_PASSWORD.
   */
  temporaryPassword?: string;
}

export function usersFromPlan(plan: Pick<Plan, 'city' | 'units' | 'inspection'>): UserSeed[] {
  return [
    { username: CITY_USERNAME, groups: [CITY_GROUP], email: plan.city.email, label: plan.city.name },
    ...plan.units.map((u) => ({ username: u.id, groups: [unitGroup(u.id)], email: u.office.email, label: u.name })),
    ...inspectorsFromPlan(plan, new Set([CITY_USERNAME, ...plan.units.map((u) => u.id)])),
  ];
}

/**
 * One account per inspection group, named by the group's id (or by its Cognito group, should the id be a
 * unit's too), with its leader's (组长) address: the group shares it, as a county's office shares its unit's.
 */
export function inspectorsFromPlan(plan: Pick<Plan, 'inspection'>, taken: ReadonlySet<string> = new Set()): UserSeed[] {
  return (plan.inspection?.groups ?? []).map((g) => {
    const leader = g.members.find((m) => m.role === '组长') ?? g.members[0];
    const username = taken.has(g.id) ? inspectorGroup(g.id) : g.id;
    return { username, groups: [inspectorGroup(g.id)], ...(leader ? { email: leader.email } : {}), label: g.name };
  });
}
