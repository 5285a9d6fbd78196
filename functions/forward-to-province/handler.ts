import type { Context } from '../../core/use-cases/context';
import { forwardToProvince } from '../../core/use-cases/cycle';
import { forwardToProvinceInput } from '../../workflows/contract';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { s3DocumentStore } from '../_shared/s3';
import { sesMailer } from '../_shared/ses';
import { makeTaskHandler } from '../_shared/task-handler';

export const makeHandler = (ctx: Context) => makeTaskHandler(forwardToProvinceInput, (input) => forwardToProvince(ctx, input));
export const handler = makeHandler(getDeps('forward-to-province', { repo: dynamoRepository, mailer: sesMailer, documents: s3DocumentStore }));
