import type { Context } from '../../core/use-cases/context';
import { requestReview } from '../../core/use-cases/review';
import { requestReviewInput } from '../../workflows/contract';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { sfnWorkflow } from '../_shared/sfn';
import { makeTaskHandler } from '../_shared/task-handler';

export const makeHandler = (ctx: Context) => makeTaskHandler(requestReviewInput, (input) => requestReview(ctx, input));
export const handler = makeHandler(getDeps('request-review', { repo: dynamoRepository, workflow: sfnWorkflow }));
