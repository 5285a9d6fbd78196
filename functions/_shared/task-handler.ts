/**
 * The middy chain every workflow task function uses: logger context -> input parsing (zod, strict) ->
 * the use case -> error mapping. Task functions rethrow domain errors with their stable `name`, so the
 * state machine's Retry/Catch can match on it; an unexpected input is an InvalidTaskInputError, never a
 * silent success.
 */
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context as LambdaContext } from 'aws-lambda';
import * as z from 'zod/mini';
import { DomainError, InvalidTaskInputError } from '../../core/errors';
import { parseWithProblems } from '../../core/validation';

export const logger = new Logger();

export function makeTaskHandler<S extends z.ZodMiniType, R>(schema: S, run: (input: z.output<S>) => Promise<R>) {
  return middy<unknown, R, Error, LambdaContext>()
    .use(injectLambdaContext(logger))
    .handler(async (event) => {
      const parsed = parseWithProblems(schema, event);
      if (!parsed.ok) {
        const { problems } = parsed;
        logger.error('invalid task input', { problems });
        throw new InvalidTaskInputError(
          { zh: `任务输入有误：${problems.map((p) => p.message.zh).join('；')}`, en: `invalid task input: ${problems.map((p) => p.message.en).join('; ')}` },
          { problems },
        );
      }
      try {
        return await run(parsed.value);
      } catch (error) {
        if (error instanceof DomainError) logger.warn('task failed', { error: error.name, errorMessage: error.message, details: error.details });
        else logger.error('task failed unexpectedly', { error: error as Error });
        throw error;
      }
    });
}
