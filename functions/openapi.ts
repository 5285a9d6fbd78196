/**
 * The OpenAPI 3.1 document of the HTTP API, generated from the route table (./routes.ts) and each route's
 * zod schemas (functions/<name>/route.ts): the same schemas the handlers parse with, so the document
 * cannot say something the API does not do. The generated file is committed
 * (functions/get-openapi/openapi.json) and served by GET /openapi.json; a test checks that it is current.
 *
 *   npm run openapi        regenerate functions/get-openapi/openapi.json
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as z from 'zod/mini';
import type { ApiRoute } from './_shared/api-handler';
import { IDEMPOTENCY_HEADER } from './_shared/idempotency';
import { IDEMPOTENCY_KEY, IDEMPOTENCY_TTL_MS, REPLAYED_HEADER } from '../core/use-cases/idempotency';
import { ROUTES, WRITE_ROUTES } from './routes';

export const OPENAPI_FILE = fileURLToPath(new URL('./get-openapi/openapi.json', import.meta.url));

const schemaOf = (s: z.ZodMiniType, io: 'input' | 'output') => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

const errorSchema = {
  type: 'object',
  required: ['error', 'requestId'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'Stable error name, e.g. ValidationError, ForbiddenError, DecisionConflictError' },
        message: { type: 'string', description: 'In the language of Accept-Language (zh-CN unless English is preferred)' },
        problems: {
          type: 'array',
          items: { type: 'object', required: ['path', 'rule', 'message'], properties: { path: { type: 'string' }, rule: { type: 'string' }, message: { type: 'string' } } },
        },
        details: { type: 'object', description: 'For a 409: what the caller needs to know (e.g. the recorded decision: who and when)' },
      },
    },
    requestId: { type: 'string' },
  },
};

const idempotencyParameter = {
  name: IDEMPOTENCY_HEADER,
  in: 'header',
  required: false,
  schema: { type: 'string', pattern: IDEMPOTENCY_KEY.source, minLength: 1, maxLength: 128 },
  description:
    `Makes a retry safe (the portal sends one with every write; a UUID per user action). The same key with the same request ` +
    `(path and body, key order and whitespace aside) gets the same answer, marked ${REPLAYED_HEADER}: true, and changes nothing again; ` +
    `the same key with another request gets a 422; while the first request runs, a 409 (IdempotencyInProgressError). ` +
    `Keys are per user and route, kept ${IDEMPOTENCY_TTL_MS / 3600_000} hours; only a 2xx answer is kept, so after a refusal the same key may be sent again. ` +
    `Without the header a request runs as it is.`,
};

const replayedHeader = { description: 'true when this answer was sent before, to the first request with this Idempotency-Key', schema: { type: 'string', enum: ['true'] } };

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

export async function buildOpenApi(): Promise<Record<string, unknown>> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const entry of ROUTES) {
    const { route } = (await import(`./${entry.function}/route.ts`)) as { route: ApiRoute };
    const { params, query, body, response } = route.schemas;
    const parameters: unknown[] = [];
    const addParams = (schema: z.ZodMiniType | undefined, where: 'path' | 'query') => {
      if (!schema) return;
      const json = schemaOf(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, s] of Object.entries(json.properties ?? {})) {
        parameters.push({ name, in: where, required: where === 'path' || (json.required ?? []).includes(name), schema: s });
      }
    };
    addParams(params, 'path');
    addParams(query, 'query');
    parameters.push({ name: 'Accept-Language', in: 'header', required: false, schema: { type: 'string' }, description: 'zh-CN (default) or en' });
    const writes = WRITE_ROUTES.has(entry.function);
    if (writes) parameters.push(idempotencyParameter);
    const secured = entry.access !== 'public';
    const success = route.schemas.statuses ?? [entry.method === 'POST' ? 201 : 200];
    const responses: Record<string, unknown> = {
      ...Object.fromEntries(success.map((status) => [String(status), {
        description: status === 201 ? 'Created' : 'OK',
        content: { 'application/json': { schema: response ? schemaOf(response, 'output') : { type: 'object' } } },
        ...(writes ? { headers: { [REPLAYED_HEADER]: replayedHeader } } : {}),
      }])),
      '400': errorResponse('Invalid input: each problem names the field and the rule'),
      '500': errorResponse('Internal error (no detail leaves the server; quote the request id)'),
    };
    if (secured) {
      responses['401'] = { description: 'No valid token' };
      responses['403'] = errorResponse('Not allowed for this user (a county user on another unit, or on a city route; an inspector outside what its group inspects in the cycle\'s plan)');
      responses['404'] = errorResponse('Not found in the plan or among the unit’s records');
      responses['409'] = errorResponse(
        writes
          ? 'Conflict: already decided (who and when), phase not open, review closed; or the request with this Idempotency-Key is still running (IdempotencyInProgressError: retry shortly), or was done but its answer was too large to keep (IdempotentResponseNotKeptError: details say the status and where the result is)'
          : 'Conflict: already decided (who and when), phase not open, review closed',
      );
      responses['413'] = errorResponse('Body too large');
      if (writes) responses['422'] = errorResponse('IdempotencyKeyReusedError: this Idempotency-Key was used by this user on this route for another request (other path or body)');
    }
    paths[entry.path] ??= {};
    paths[entry.path][entry.method.toLowerCase()] = {
      operationId: entry.function.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase()),
      summary: entry.summary.en,
      description: `${entry.summary.zh}\n\nAccess: ${entry.access}.`,
      'x-access': entry.access,
      ...(secured ? { security: [{ cognito: [] }] } : { security: [] }),
      parameters,
      ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(route.schemas.bodyDocument ?? body, 'input') } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: '创建“无传销社区(村)”“无传销县(市、区)”工作流程 API',
      version: '1',
      description:
        "The units' offices (a city's counties, 县打传办; a district's street offices, 街道打传办: whatever the plan names) see what is due, upload documents, submit deliverables and fetch receipts; the office running the campaign (the plan's `city`: 市打传办, 区打传办) follows every unit and decides the preliminary review (初评). Every route but the health check and this document needs a Cognito access token (Authorization: Bearer ...). Errors come in zh-CN or English according to Accept-Language.",
    },
    components: {
      securitySchemes: { cognito: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A Cognito user pool access token; groups decide the role (city-office, or unit-<unitId> for a county office).' } },
      schemas: { Error: errorSchema },
    },
    paths,
  };
}

const invokedDirectly = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (invokedDirectly && process.argv.includes('--write')) {
  await writeFile(OPENAPI_FILE, `${JSON.stringify(await buildOpenApi(), null, 2)}\n`);
  console.log(`wrote ${OPENAPI_FILE}`);
}
