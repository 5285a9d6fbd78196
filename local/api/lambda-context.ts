/** The Lambda context object the twin hands to a handler, as the Lambda runtime would. */
import { randomUUID } from 'node:crypto';

export interface LambdaContextOptions {
  region: string;
  accountId: string;
  /** The function's timeout: getRemainingTimeInMillis counts down from it (on the real clock). */
  timeoutMs?: number;
  memoryLimitInMB?: number;
}

export function lambdaContext(functionName: string, opts: LambdaContextOptions) {
  const deadline = performance.now() + (opts.timeoutMs ?? 30_000);
  return {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${opts.region}:${opts.accountId}:function:${functionName}`,
    memoryLimitInMB: String(opts.memoryLimitInMB ?? 256),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local-twin',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => Math.max(0, Math.round(deadline - performance.now())),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}
