/**
 * How a workflow task function runs and is retried, in one place, because the notifier's lease on a
 * message depends on both: the Lambda timeout (infra sets 30 s on every function; test/infra checks it)
 * and the TransientError retry of every Task state (workflows/lambda-task.ts builds it from here).
 */

/** The Lambda timeout of the task functions: no attempt outlives it (Lambda kills it). */
export const TASK_FUNCTION_TIMEOUT_SECONDS = 30;

/** The Retry on TransientError of every Task state: 6 attempts from 5 s, doubling. */
export const TRANSIENT_RETRY = { intervalSeconds: 5, backoffRate: 2, maxAttempts: 6 } as const;

/** The Retry on a function killed by its timeout (Sandbox.Timedout, Lambda.Unknown): then TransientError's retries follow. */
export const KILLED_RETRY = { intervalSeconds: 5, backoffRate: 2, maxAttempts: 2 } as const;

/** Seconds from a failed attempt to the last TransientError retry: 5 + 10 + 20 + 40 + 80 + 160 = 315. */
export function retryWindowSeconds(r: { intervalSeconds: number; backoffRate: number; maxAttempts: number } = TRANSIENT_RETRY): number {
  let total = 0;
  for (let i = 0; i < r.maxAttempts; i++) total += r.intervalSeconds * r.backoffRate ** i;
  return total;
}

/**
 * How long a claim on a message holds when its attempt may have sent it (an ambiguous SES failure, or the
 * attempt died): longer than any attempt can live (the Lambda timeout, plus 30 s for clock skew and the
 * SES call in flight), so no live attempt loses its claim; and well inside the retry window (315 s), so the
 * state's later retries (at 75, 155 and 315 s after the failure) find it expired and send.
 */
export const MESSAGE_LEASE_MS = (TASK_FUNCTION_TIMEOUT_SECONDS + 30) * 1000;
