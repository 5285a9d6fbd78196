/**
 * The middy chain for SNS-triggered functions, the sibling of ./task-handler.ts: logger context -> the SNS
 * envelope (zod) -> each record's Message as JSON, parsed with the function's schema -> the use case.
 *
 * A message that is not JSON or does not match the schema is logged as an error and skipped: it will never
 * parse, and throwing would only make Lambda retry it (and hold back the other records of the batch).
 * A failing use case rethrows, so Lambda's asynchronous retries run it again; use cases behind SNS are
 * idempotent, since SNS delivers at least once.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context as LambdaContext } from 'aws-lambda';
import * as z from 'zod/mini';
import { DomainError, InvalidTaskInputError } from '../../core/errors';
import { parseWithProblems } from '../../core/validation';
import { logger } from './task-handler';

const snsEventSchema = z.looseObject({
  Records: z.array(
    z.looseObject({
      Sns: z.looseObject({ MessageId: z.string(), TopicArn: z.optional(z.string()), Message: z.string() }),
    }),
  ),
});

export interface SnsRecordInfo {
  snsMessageId: string;
  topicArn?: string;
}

export function makeSnsHandler<S extends z.ZodMiniType, R>(schema: S, run: (message: z.output<S>, record: SnsRecordInfo) => Promise<R>) {
  return middy<unknown, R[], Error, LambdaContext>()
    .use(injectLambdaContext(logger))
    .handler(async (event) => {
      const envelope = parseWithProblems(snsEventSchema, event);
      if (!envelope.ok) {
        logger.error('not an SNS event', { problems: envelope.problems });
        throw new InvalidTaskInputError({ zh: '输入不是 SNS 事件', en: 'the input is not an SNS event' }, { problems: envelope.problems });
      }
      const results: R[] = [];
      for (const { Sns } of envelope.value.Records) {
        const info: SnsRecordInfo = { snsMessageId: Sns.MessageId, topicArn: Sns.TopicArn };
        let body: unknown;
        try {
          body = JSON.parse(Sns.Message);
        } catch {
          logger.error('SNS message is not JSON; skipped', { ...info });
          continue;
        }
        const parsed = parseWithProblems(schema, body);
        if (!parsed.ok) {
          logger.error('SNS message does not match the schema; skipped', { ...info, problems: parsed.problems });
          continue;
        }
        try {
          results.push(await run(parsed.value, info));
        } catch (error) {
          if (error instanceof DomainError) logger.warn('SNS message failed', { ...info, error: error.name, errorMessage: error.message, details: error.details });
          else logger.error('SNS message failed unexpectedly', { ...info, error: error as Error });
          throw error;
        }
      }
      return results;
    });
}
