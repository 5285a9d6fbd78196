import type { Context } from '../../core/use-cases/context';
import { issueRectification } from '../../core/use-cases/review';
import { issueRectificationInput } from '../../workflows/contract';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { sesMailer } from '../_shared/ses';
import { makeTaskHandler } from '../_shared/task-handler';

export const makeHandler = (ctx: Context) => makeTaskHandler(issueRectificationInput, (input) => issueRectification(ctx, input));
export const handler = makeHandler(getDeps('issue-rectification', { repo: dynamoRepository, mailer: sesMailer }));
