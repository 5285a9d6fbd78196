/**
 * Idempotency keys (the API's `Idempotency-Key` header): the same key with the same request gives the same
 * answer, so a browser's retry never makes a second version, a second upload form or a second extension;
 * the same key with another request is refused (422). A key is the caller's own, per route, for 24 hours.
 *
 * Primary course:
 * - begin: claim the key with the request's fingerprint (a conditional write: of two identical requests
 *   at once, one runs and the other is told it is in progress); a key that stands is answered from its
 *   record: the kept response, or "in progress", or "another request", or "done, answer too large to keep".
 * - finish: a 2xx answer is kept with the key (or, past MAX_KEPT_RESPONSE_BYTES, only that it was done and
 *   where); any other answer gives the key back, as a refusal changed nothing and a retry should be judged
 *   afresh. A 5xx gives it back too: whether the work after a failure completes exactly once is the use
 *   case's business (its own conditional writes), not this record's.
 */
import { createHash, randomUUID } from 'node:crypto';
import { IdempotencyInProgressError, IdempotencyKeyReusedError, IdempotentResponseNotKeptError } from '../errors';
import type { Clock, CycleRepository, IdempotencyScope, KeptResponse } from '../ports';
import { makeProblem, type Problem } from '../validation';
import { canonicalJson } from './cycle';

/** 1 to 128 visible ASCII characters (a UUID, a ULID, or anything a client makes of them). */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;
/** How long a key is remembered. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;
/** How long a running request holds its key: past the API's 30 s timeout, so a dead run frees it. */
export const IDEMPOTENCY_LEASE_MS = 60_000;
/** DynamoDB items stop at 400 KB; a kept response stays well inside with the item's other attributes. */
export const MAX_KEPT_RESPONSE_BYTES = 300 * 1024;
/** The response header that marks an answer sent again from the record. */
export const REPLAYED_HEADER = 'idempotent-replayed';

export type IdempotencyPorts = { repo: Pick<CycleRepository, 'claimIdempotencyKey' | 'completeIdempotencyKey' | 'releaseIdempotencyKey'>; clock: Clock };

/** The problem for a malformed key, or null. `header` names it as the request did. */
export function idempotencyKeyProblem(value: string, header = 'Idempotency-Key'): Problem | null {
  if (IDEMPOTENCY_KEY.test(value)) return null;
  return makeProblem(`headers.${header}`, 'format.idempotency-key', {
    zh: '应为 1 至 128 个可见 ASCII 字符（不含空格），建议使用 UUID',
    en: 'must be 1 to 128 visible ASCII characters (no spaces), such as a UUID',
  });
}

/** SHA-256 of the request's canonical JSON: key order and whitespace do not make another request. */
export function requestFingerprint(request: unknown): string {
  return createHash('sha256').update(canonicalJson(request)).digest('hex');
}

export type Begun = { kind: 'run'; claimId: string } | { kind: 'replay'; response: KeptResponse };

export async function beginIdempotent(ports: IdempotencyPorts, scope: IdempotencyScope, fingerprint: string): Promise<Begun> {
  const now = ports.clock.now();
  const claimId = randomUUID();
  const claimed = await ports.repo.claimIdempotencyKey(scope, {
    fingerprint, claimId, now, leaseUntil: now + IDEMPOTENCY_LEASE_MS, expiresAt: now + IDEMPOTENCY_TTL_MS,
  });
  if (claimed.claimed) return { kind: 'run', claimId };
  const { record } = claimed;
  if (record.fingerprint !== fingerprint) {
    throw new IdempotencyKeyReusedError(
      {
        zh: `幂等键“${scope.key}”已用于另一个请求；同一键只能对应同一请求，请为新请求使用新的键`,
        en: `the Idempotency-Key "${scope.key}" was used for another request; use a new key for a new request`,
      },
      { key: scope.key },
    );
  }
  if (record.state === 'in-progress') {
    throw new IdempotencyInProgressError(
      { zh: '相同的请求正在处理中，请稍后重试以获取结果', en: 'the same request is still being processed; retry shortly for its answer' },
      { key: scope.key, retryAfterSeconds: Math.max(1, Math.ceil((record.leaseUntil - now) / 1000)) },
    );
  }
  if (record.kind === 'not-kept') {
    const where = record.location ? { zh: `，结果见 ${record.location}`, en: `; the result is at ${record.location}` } : { zh: '', en: '' };
    throw new IdempotentResponseNotKeptError(
      {
        zh: `该请求已于 ${record.completedAt} 处理完成（状态 ${record.status}），但应答过大（${record.bytes} 字节）未予保存，不会重复处理${where.zh}`,
        en: `this request was done at ${record.completedAt} (status ${record.status}), but its answer (${record.bytes} bytes) was too large to keep; it is not done again${where.en}`,
      },
      { key: scope.key, status: record.status, completedAt: record.completedAt, ...(record.location ? { location: record.location } : {}) },
    );
  }
  return { kind: 'replay', response: { ...record.response, headers: { ...record.response.headers, [REPLAYED_HEADER]: 'true' } } };
}

/** Keeps a 2xx answer with the key; gives the key back after anything else. */
export async function finishIdempotent(ports: IdempotencyPorts, scope: IdempotencyScope, claimId: string, response: KeptResponse): Promise<void> {
  if (response.status < 200 || response.status >= 300) {
    await ports.repo.releaseIdempotencyKey(scope, claimId);
    return;
  }
  const completedAt = new Date(ports.clock.now()).toISOString();
  const bytes = Buffer.byteLength(response.body, 'utf8') + Buffer.byteLength(JSON.stringify(response.headers), 'utf8');
  await ports.repo.completeIdempotencyKey(
    scope,
    claimId,
    bytes <= MAX_KEPT_RESPONSE_BYTES
      ? { kind: 'kept', response, completedAt }
      : { kind: 'not-kept', status: response.status, bytes, completedAt, ...(response.headers.location ? { location: response.headers.location } : {}) },
  );
}

/** Gives the key back after a failure (only if this run still holds it). */
export async function abandonIdempotent(ports: IdempotencyPorts, scope: IdempotencyScope, claimId: string): Promise<void> {
  await ports.repo.releaseIdempotencyKey(scope, claimId);
}
