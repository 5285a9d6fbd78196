import type { Context } from '../../core/use-cases/context';
import { closeCycle } from '../../core/use-cases/cycle';
import { closeCycleInput } from '../../workflows/contract';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { makeTaskHandler } from '../_shared/task-handler';

export const makeHandler = (ctx: Context) => makeTaskHandler(closeCycleInput, (input) => closeCycle(ctx, input));
export const handler = makeHandler(getDeps('close-cycle', { repo: dynamoRepository }));
