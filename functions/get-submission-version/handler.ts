/** GET .../versions/{version}: one version in full, with short-lived download links for its documents. */
import type { Context } from '../../core/use-cases/context';
import { getVersion } from '../../core/use-cases/views';
import { makeApiHandler } from '../_shared/api-handler';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { s3DocumentStore } from '../_shared/s3';
import { route } from './route';

export const makeHandler = (ctx: Context) => makeApiHandler(route, async ({ params }) => ({ body: await getVersion(ctx, params) }));
export const handler = makeHandler(getDeps('get-submission-version', { repo: dynamoRepository, documents: s3DocumentStore }));
