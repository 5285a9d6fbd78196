/**
 * POST .../uploads (a county office on its own unit, or the city office on any: an inspection's evidence): a
 * presigned POST form for one file: a key the server chooses under the unit's own prefix, exactly the size
 * announced (1 byte to 20 MB), a type from the allow-list, valid for 15 minutes.
 */
import type { Context } from '../../core/use-cases/context';
import { createUpload } from '../../core/use-cases/uploads';
import { makeApiHandler } from '../_shared/api-handler';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { s3DocumentStore } from '../_shared/s3';
import { route } from './route';

export const makeHandler = (ctx: Context) =>
  makeApiHandler(route, async ({ params, body, actor }) => ({ status: 201, body: await createUpload(ctx, { ...params, ...body, actor: actor! }) }), { idempotency: ctx, planScope: ctx });
export const handler = makeHandler(getDeps('create-upload', { repo: dynamoRepository, documents: s3DocumentStore }));
