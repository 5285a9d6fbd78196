/**
 * The two kinds of Task state both workflows use, so every Task gets the same timeout and retry policy.
 *
 * - `invokeTask`: a plain Lambda call with `payloadResponseOnly` (the state's result is the handler's
 *   return value, the same locally and on AWS), a 300 s task timeout, the default Lambda service retry
 *   and then a retry on `TransientError` (handlers throw it for throttling and similar).
 * - `callbackTask`: `.waitForTaskToken`; the handler stores the token and returns, and the state ends when
 *   someone calls SendTaskSuccess/Failure. Its timeout is read from the input (`Timeout.at`), computed
 *   by the step before from an absolute deadline, so no callback ever waits for the 1-year limit.
 */
import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';

export const TASK_TIMEOUT = Duration.seconds(300);
export const TRANSIENT_ERROR = 'TransientError';

export interface TaskOptions {
  /** Where the handler's result goes in the state's output; `JsonPath.DISCARD` keeps the input as is. */
  readonly resultPath: string;
}

export function invokeTask(
  scope: Construct,
  stateName: string,
  fn: lambda.IFunction,
  payload: Record<string, unknown>,
  { resultPath }: TaskOptions,
): tasks.LambdaInvoke {
  const task = tasks.LambdaInvoke.jsonPath(scope, stateName, {
    lambdaFunction: fn,
    payload: sfn.TaskInput.fromObject(payload),
    payloadResponseOnly: true,
    resultPath,
    taskTimeout: sfn.Timeout.duration(TASK_TIMEOUT),
  });
  // After the default Lambda service retry that LambdaInvoke adds itself.
  task.addRetry({ errors: [TRANSIENT_ERROR], interval: Duration.seconds(5), backoffRate: 2, maxAttempts: 6 });
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
  task.addRetry({ errors: [TRANSIENT_ERROR], interval: Duration.seconds(5), backoffRate: 2, maxAttempts: 6 });
  return task;
}
