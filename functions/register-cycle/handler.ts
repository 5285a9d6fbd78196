import type { Context } from '../../core/use-cases/context';
import { registerCycle } from '../../core/use-cases/cycle';
import { registerCycleInput } from '../../workflows/contract';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { sesMailer } from '../_shared/ses';
import { makeTaskHandler } from '../_shared/task-handler';

export const makeHandler = (ctx: Context) => makeTaskHandler(registerCycleInput, (input) => registerCycle(ctx, input));
export const handler = makeHandler(getDeps('register-cycle', { repo: dynamoRepository, mailer: sesMailer }));
