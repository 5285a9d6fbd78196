/** GET /cycles/{cycleId}/documents (city office): the year's documents stored on forwarding, each with a short-lived download link. */
import type { Context } from '../../core/use-cases/context';
import { listYearDocuments } from '../../core/use-cases/year-documents';
import { makeApiHandler } from '../_shared/api-handler';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { s3DocumentStore } from '../_shared/s3';
import { route } from './route';

export const makeHandler = (ctx: Context) => makeApiHandler(route, async ({ params }) => ({ body: await listYearDocuments(ctx, params) }));
export const handler = makeHandler(getDeps('list-cycle-documents', { repo: dynamoRepository, documents: s3DocumentStore }));
