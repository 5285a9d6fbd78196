import type { Context } from '../../core/use-cases/context';
import { generateYearDocuments } from '../../core/use-cases/cycle';
import { generateYearDocumentsInput } from '../../workflows/contract';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { s3DocumentStore } from '../_shared/s3';
import { makeTaskHandler } from '../_shared/task-handler';

export const makeHandler = (ctx: Context) => makeTaskHandler(generateYearDocumentsInput, (input) => generateYearDocuments(ctx, input));
// No mailer: this function sends nothing (its timeout is longer than the notifier's lease assumes).
export const handler = makeHandler(getDeps('generate-year-documents', { repo: dynamoRepository, documents: s3DocumentStore }));
