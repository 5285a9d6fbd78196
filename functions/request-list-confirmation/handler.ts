import type { Context } from '../../core/use-cases/context';
import { requestListConfirmation } from '../../core/use-cases/forwarding';
import { requestListConfirmationInput } from '../../workflows/contract';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { sesMailer } from '../_shared/ses';
import { makeTaskHandler } from '../_shared/task-handler';

export const makeHandler = (ctx: Context) => makeTaskHandler(requestListConfirmationInput, (input) => requestListConfirmation(ctx, input));
export const handler = makeHandler(getDeps('request-list-confirmation', { repo: dynamoRepository, mailer: sesMailer }));
