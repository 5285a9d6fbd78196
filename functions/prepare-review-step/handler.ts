import type { Context } from '../../core/use-cases/context';
import { prepareReviewStep } from '../../core/use-cases/review';
import { prepareReviewStepInput } from '../../workflows/contract';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { makeTaskHandler } from '../_shared/task-handler';

export const makeHandler = (ctx: Context) => makeTaskHandler(prepareReviewStepInput, (input) => prepareReviewStep(ctx, input));
export const handler = makeHandler(getDeps('prepare-review-step', { repo: dynamoRepository }));
