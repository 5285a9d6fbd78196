/**
 * Who can sign in to the twin: the plan's city office and one user per unit, with the groups the API's
 * handlers read roles from (`city-office`, `unit-<unitId>`). On AWS the same users are created in the
 * Cognito user pool by the city office; locally they all share one documented password.
 */
import type { Plan } from '../../core/plan/schema';

/** The one password of every seeded user in the twin (never a password anywhere else). */
export const LOCAL_PASSWORD = 'Twin-Local-2026!';

export const CITY_USERNAME = 'city';
export const CITY_GROUP = 'city-office';
export const unitGroup = (unitId: string) => `unit-${unitId}`;

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

export function usersFromPlan(plan: Pick<Plan, 'city' | 'units'>): UserSeed[] {
  return [
    { username: CITY_USERNAME, groups: [CITY_GROUP], email: plan.city.email, label: plan.city.name },
    ...plan.units.map((u) => ({ username: u.id, groups: [unitGroup(u.id)], email: u.office.email, label: u.name })),
  ];
}
