import type { Context } from '../../core/use-cases/context';
import { awaitSubmission } from '../../core/use-cases/review';
import { awaitSubmissionInput } from '../../workflows/contract';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { sfnWorkflow } from '../_shared/sfn';
import { makeTaskHandler } from '../_shared/task-handler';

export const makeHandler = (ctx: Context) => makeTaskHandler(awaitSubmissionInput, (input) => awaitSubmission(ctx, input));
export const handler = makeHandler(getDeps('await-submission', { repo: dynamoRepository, workflow: sfnWorkflow }));
