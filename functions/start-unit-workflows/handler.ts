import type { Context } from '../../core/use-cases/context';
import { startUnitWorkflows } from '../../core/use-cases/cycle';
import { startUnitWorkflowsInput } from '../../workflows/contract';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { sfnWorkflow } from '../_shared/sfn';
import { makeTaskHandler } from '../_shared/task-handler';

export const makeHandler = (ctx: Context) => makeTaskHandler(startUnitWorkflowsInput, (input) => startUnitWorkflows(ctx, input));
export const handler = makeHandler(getDeps('start-unit-workflows', { repo: dynamoRepository, workflow: sfnWorkflow }));
