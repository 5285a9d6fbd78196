/** GET /me: who the token says the caller is: the user, the role and (for a county user) the unit, (for an inspector) the inspection group, as the server assigned them. */
import { makeApiHandler } from '../_shared/api-handler';
import { route } from './route';

export const makeHandler = () =>
  makeApiHandler(route, async ({ actor }) => ({ body: { id: actor!.id, role: actor!.role, unitId: actor!.unitId ?? null, groupId: actor!.groupId ?? null } }));
export const handler = makeHandler();
