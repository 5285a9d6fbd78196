/** POST /cycles/{cycleId}/commendations (city office): 通报表扬 for qualified units, each emailed once, audited. */
import type { Context } from '../../core/use-cases/context';
import { commendUnits } from '../../core/use-cases/forwarding';
import { makeApiHandler } from '../_shared/api-handler';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { sesMailer } from '../_shared/ses';
import { route } from './route';

export const makeHandler = (ctx: Context) =>
  makeApiHandler(route, async ({ params, body, actor }) => {
    const r = await commendUnits(ctx, { cycleId: params.cycleId, units: body.units, text: body.text, issuedBy: actor!.id });
    return { status: r.issued ? 201 : 200, body: r };
  }, { idempotency: ctx });
export const handler = makeHandler(getDeps('issue-commendation', { repo: dynamoRepository, mailer: sesMailer }));
