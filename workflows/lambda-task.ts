/**
 * The two kinds of Task state both workflows use, so every Task gets the same timeout and retry policy.
 *
 * - `invokeTask`: a plain Lambda call with `payloadResponseOnly` (the state's result is the handler's
 *   return value, the same locally and on AWS), a 300 s task timeout (longer for a function with a longer Lambda timeout), the default Lambda service retry,
 *   a retry of a function killed by its own timeout, and a retry on `TransientError` (handlers throw it
 *   for throttling and similar). The schedules live in core/task-limits.ts: the notifier's lease on a
 *   message is derived from them, so a message whose attempt died is sent by a later retry.
 * - `callbackTask`: `.waitForTaskToken`; the handler stores the token and returns, and the state ends when
 *   someone calls SendTaskSuccess/Failure. Its timeout is read from the input (`Timeout.at`), computed
 *   by the step before from an absolute deadline, so no callback ever waits for the 1-year limit.
 */
import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { KILLED_RETRY, TASK_FUNCTION_TIMEOUT_SECONDS, TRANSIENT_RETRY, taskTimeoutSeconds } from '../core/task-limits';

export const TASK_TIMEOUT = Duration.seconds(taskTimeoutSeconds(TASK_FUNCTION_TIMEOUT_SECONDS));
export const TRANSIENT_ERROR = 'TransientError';
/** What Step Functions reports for a Lambda function killed by its timeout (newer runtimes; older ones say Lambda.Unknown). */
export const KILLED_ERRORS = ['Sandbox.Timedout', 'Lambda.Unknown'];

const retryOf = (r: { intervalSeconds: number; backoffRate: number; maxAttempts: number }) => ({
  interval: Duration.seconds(r.intervalSeconds),
  backoffRate: r.backoffRate,
  maxAttempts: r.maxAttempts,
});

export interface TaskOptions {
  /** Where the handler's result goes in the state's output; `JsonPath.DISCARD` keeps the input as is. */
  readonly resultPath: string;
}

export interface InvokeOptions extends TaskOptions {
  /**
   * The function's Lambda timeout when it is not TASK_FUNCTION_TIMEOUT_SECONDS (GenerateYearDocuments): the
   * Task's own timeout is then longer than it (core/task-limits.ts taskTimeoutSeconds), so Step Functions
   * never retries an attempt that is still running.
   */
  readonly functionTimeoutSeconds?: number;
}

export function invokeTask(
  scope: Construct,
  stateName: string,
  fn: lambda.IFunction,
  payload: Record<string, unknown>,
  { resultPath, functionTimeoutSeconds }: InvokeOptions,
): tasks.LambdaInvoke {
  const task = tasks.LambdaInvoke.jsonPath(scope, stateName, {
    lambdaFunction: fn,
    payload: sfn.TaskInput.fromObject(payload),
    payloadResponseOnly: true,
    resultPath,
    taskTimeout: sfn.Timeout.duration(functionTimeoutSeconds === undefined ? TASK_TIMEOUT : Duration.seconds(taskTimeoutSeconds(functionTimeoutSeconds))),
  });
  // After the default Lambda service retry that LambdaInvoke adds itself. A killed attempt may hold a claim
  // on a message: the retry after it finds the claim live (TransientError) until its lease runs out.
  task.addRetry({ errors: KILLED_ERRORS, ...retryOf(KILLED_RETRY) });
  task.addRetry({ errors: [TRANSIENT_ERROR], ...retryOf(TRANSIENT_RETRY) });
  return task;
}

export interface CallbackOptions extends TaskOptions {
  /** Path of the timeout in seconds in the state's input. */
  readonly timeoutSecondsPath: string;
}

export function callbackTask(
  scope: Construct,
  stateName: string,
  fn: lambda.IFunction,
  payload: Record<string, unknown>,
  { resultPath, timeoutSecondsPath }: CallbackOptions,
): tasks.LambdaInvoke {
  const task = tasks.LambdaInvoke.jsonPath(scope, stateName, {
    lambdaFunction: fn,
    integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
    payload: sfn.TaskInput.fromObject({ ...payload, taskToken: sfn.JsonPath.taskToken }),
    resultPath,
    taskTimeout: sfn.Timeout.at(timeoutSecondsPath),
  });
  // A throttled store or completion must not end the unit's cycle: retry (each attempt gets a fresh
  // token, which the handler stores in place of the last one).
  task.addRetry({ errors: [TRANSIENT_ERROR], ...retryOf(TRANSIENT_RETRY) });
  return task;
}
