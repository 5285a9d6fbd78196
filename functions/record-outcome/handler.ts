import type { Context } from '../../core/use-cases/context';
import { recordOutcome } from '../../core/use-cases/review';
import { recordOutcomeInput } from '../../workflows/contract';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { makeTaskHandler } from '../_shared/task-handler';

export const makeHandler = (ctx: Context) => makeTaskHandler(recordOutcomeInput, (input) => recordOutcome(ctx, input));
export const handler = makeHandler(getDeps('record-outcome', { repo: dynamoRepository }));
