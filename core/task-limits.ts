/**
 * How a workflow task function runs and is retried, in one place, because the notifier's lease on a
 * message depends on both: the Lambda timeout (infra sets 30 s on every function that may send mail, which
 * is all but generate-year-documents, below; test/infra checks it) and the TransientError retry of every
 * Task state (workflows/lambda-task.ts builds it from here).
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

/**
 * The one task function with a longer timeout: GenerateYearDocuments (functions/generate-year-documents), which
 * makes the year's documents before ForwardToProvince mails them. It sends no mail, so MESSAGE_LEASE_MS does not
 * depend on it; ForwardToProvince, which does send, keeps TASK_FUNCTION_TIMEOUT_SECONDS.
 *
 * Sized from `npm run bench -- year-documents` (bench/RESULTS.md, 1 December 2026) at 2,800 units, the
 * largest plan (a province over all its counties): on the bench machine, shared with other
 * work (load average 12 on 2 cores), every document took 28 s of CPU and 61 s of wall time (the workbook 12 s
 * of CPU, 27 s wall: the one part an attempt cannot leave half done; the 562 通报批评 drafts 15 s, 31 s), and
 * the process peaked at 809 MB RSS (data, report and workbook together).
 * - Memory 1,769 MB: the size at which Lambda gives a function one whole vCPU (below it, CPU is shared in
 *   proportion: at the default 256 MB the same work would take about seven times as long); the generation
 *   is single-threaded, so more buys nothing. About twice the measured peak.
 * - Timeout 600 s: about 10× the wall time measured, 20× the CPU time, for a slower core (Graviton), a cold
 *   start and the table's reads (the bench reads an in-memory repository); Lambda's own limit is 900 s. A
 *   killed attempt is retried twice (KILLED_RETRY), each resuming where the one before stopped.
 * The work is idempotent by key and record (core/use-cases/year-documents.ts): a document recorded is
 * never made again, one put but not recorded is put again with the same bytes (same inputs, same SHA-256),
 * so an attempt killed at its timeout leaves its retry less to do, never a second version.
 */
export const DOCUMENTS_FUNCTION_TIMEOUT_SECONDS = 600;
export const DOCUMENTS_FUNCTION_MEMORY_MB = 1769;

/**
 * A Task state's own timeout (TimeoutSeconds) for a function of `functionTimeoutSeconds`: 300 s (every task),
 * or the function's timeout plus 60 s if that is longer. Step Functions must never give up on an attempt
 * the function is still running: a retry of it would then overlap the attempt it retries. Lambda ends the
 * attempt at its own timeout (Sandbox.Timedout), so the Task's outlives it, and KILLED_RETRY starts the
 * next attempt only after it has been killed.
 */
export const taskTimeoutSeconds = (functionTimeoutSeconds: number = TASK_FUNCTION_TIMEOUT_SECONDS) => Math.max(300, functionTimeoutSeconds + 60);
