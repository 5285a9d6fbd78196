import type { Context } from '../../core/use-cases/context';
import { prepareConfirmationWait } from '../../core/use-cases/forwarding';
import { prepareConfirmationWaitInput } from '../../workflows/contract';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { sesMailer } from '../_shared/ses';
import { makeTaskHandler } from '../_shared/task-handler';

export const makeHandler = (ctx: Context) => makeTaskHandler(prepareConfirmationWaitInput, (input) => prepareConfirmationWait(ctx, input));
export const handler = makeHandler(getDeps('prepare-confirmation-wait', { repo: dynamoRepository, mailer: sesMailer }));
