import type { Context } from '../../core/use-cases/context';
import { sendUnitNotice } from '../../core/use-cases/notices';
import { sendUnitNoticeInput } from '../../workflows/contract';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { sesMailer } from '../_shared/ses';
import { makeTaskHandler } from '../_shared/task-handler';

export const makeHandler = (ctx: Context) => makeTaskHandler(sendUnitNoticeInput, (input) => sendUnitNotice(ctx, input));
export const handler = makeHandler(getDeps('send-unit-notice', { repo: dynamoRepository, mailer: sesMailer }));
