/**
 * PUT /cycles/{cycleId}/units/{unitId}/roster (the unit's own office): register its communities and villages
 * (社区/村名单). Every version is kept and audited; a registration from a stale version is a 409.
 */
import type { Context } from '../../core/use-cases/context';
import { registerRoster } from '../../core/use-cases/rosters';
import { makeApiHandler } from '../_shared/api-handler';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { route } from './route';

export const makeHandler = (ctx: Context) =>
  makeApiHandler(route, async ({ params, body, actor, requestKey }) => {
    const registered = await registerRoster(ctx, { ...params, ...body, registeredBy: actor!.id, requestKey });
    return { status: registered.recorded ? 201 : 200, body: registered };
  }, { idempotency: ctx });
export const handler = makeHandler(getDeps('put-unit-roster', { repo: dynamoRepository }));
