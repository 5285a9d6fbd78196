/**
 * The Idempotency-Key step of the API's middy chain (write routes only), after identity, access and
 * parsing, before the handler. No header: the request runs as it always did. A header: the key is claimed
 * for this caller and route with the fingerprint of the parsed request (path parameters, query and body as
 * canonical JSON); a key that stands answers from its record (core/use-cases/idempotency.ts). The handler's
 * answer is kept after it, or the key given back when the request failed.
 */
import type middy from '@middy/core';
import type { Context as LambdaContext } from 'aws-lambda';
import { ValidationError } from '../../core/errors';
import type { IdempotencyScope } from '../../core/ports';
import {
  abandonIdempotent,
  beginIdempotent,
  finishIdempotent,
  idempotencyKeyProblem,
  requestFingerprint,
  type IdempotencyPorts,
} from '../../core/use-cases/idempotency';
import type { RouteEntry } from '../routes';
import type { ApiChainEvent, ApiRequest, ApiResponse, RouteSchemas } from './api-handler';
import { logger } from './task-handler';

export type { IdempotencyPorts };

/** The request header (API Gateway hands headers over lower-cased). */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

type ChainRequest = middy.Request<ApiChainEvent, ApiResponse, Error, LambdaContext>;
interface Held {
  scope: IdempotencyScope;
  claimId: string;
}

export function idempotencyKey(
  route: RouteEntry & { function: string },
  ports: IdempotencyPorts,
  stateOf: (request: ChainRequest) => Partial<ApiRequest<RouteSchemas>>,
): middy.MiddlewareObj<ApiChainEvent, ApiResponse, Error, LambdaContext> {
  // Per invocation: middy hands each middleware the same request object for one event.
  const held = new WeakMap<ChainRequest, Held>();
  return {
    before: async (request) => {
      const key = request.event.headers?.[IDEMPOTENCY_HEADER.toLowerCase()];
      if (key === undefined) return undefined;
      const problem = idempotencyKeyProblem(key, IDEMPOTENCY_HEADER);
      if (problem) throw new ValidationError([problem]);
      const state = stateOf(request);
      const { actor, params, query, body } = state;
      const scope = { caller: actor!.id, route: route.function, key };
      // The handler sees the key too: a use case whose work outlives this record's lease (a crash after its
      // write) keys that work by it.
      state.requestKey = `${actor!.id}#${key}`;
      const begun = await beginIdempotent(ports, scope, requestFingerprint({ route: `${route.method} ${route.path}`, params, query, body }));
      if (begun.kind === 'replay') {
        logger.info('idempotent replay', { route: route.function, status: begun.response.status });
        return { statusCode: begun.response.status, headers: begun.response.headers, body: begun.response.body };
      }
      held.set(request, { scope, claimId: begun.claimId });
      return undefined;
    },
    after: async (request) => {
      const h = held.get(request);
      const res = request.response;
      if (!h || !res) return;
      const response = { status: res.statusCode ?? 200, headers: (res.headers ?? {}) as Record<string, string>, body: String(res.body ?? '') };
      try {
        await finishIdempotent(ports, h.scope, h.claimId, response);
      } catch (error) {
        // The work is done and its answer goes out; a retry within the lease is told it is in progress.
        logger.error('could not keep the idempotent response', { error: error as Error, route: route.function });
      }
    },
    onError: async (request) => {
      const h = held.get(request);
      if (!h) return;
      try {
        await abandonIdempotent(ports, h.scope, h.claimId);
      } catch (error) {
        logger.error('could not give back the idempotency key', { error: error as Error, route: route.function });
      }
    },
  };
}
