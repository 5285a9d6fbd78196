/**
 * PUT /cycles/{cycleId}/units/{unitId}/contacts (city office): correct a unit's contacts in the directory
 * (通讯录). Every version is kept and audited; every email from then on goes to the new address.
 */
import type { Context } from '../../core/use-cases/context';
import { editUnitContacts } from '../../core/use-cases/directory';
import { makeApiHandler } from '../_shared/api-handler';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { route } from './route';

export const makeHandler = (ctx: Context) =>
  makeApiHandler(route, async ({ params, body, actor, requestKey }) => {
    const edited = await editUnitContacts(ctx, { ...params, ...body, editedBy: actor!.id, requestKey });
    return { status: edited.recorded ? 201 : 200, body: edited };
  }, { idempotency: ctx });
export const handler = makeHandler(getDeps('edit-unit-contacts', { repo: dynamoRepository }));
