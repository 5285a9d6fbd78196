import type { Context } from '../../core/use-cases/context';
import { awaitListConfirmation } from '../../core/use-cases/forwarding';
import { awaitListConfirmationInput } from '../../workflows/contract';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { sfnWorkflow } from '../_shared/sfn';
import { makeTaskHandler } from '../_shared/task-handler';

export const makeHandler = (ctx: Context) => makeTaskHandler(awaitListConfirmationInput, (input) => awaitListConfirmation(ctx, input));
export const handler = makeHandler(getDeps('await-list-confirmation', { repo: dynamoRepository, workflow: sfnWorkflow }));
