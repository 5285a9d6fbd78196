/**
 * The OpenAPI document is generated from the route table and each route's zod schemas; the committed file
 * (served by GET /openapi.json) must be what the generator makes now (run `npm run openapi` after a change).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildOpenApi, OPENAPI_FILE } from '../../functions/openapi';
import { makeHandler } from '../../functions/get-openapi/handler';
import { ROUTES } from '../../functions/routes';

describe('the OpenAPI document', () => {
  it('is current: the committed file equals what the route schemas generate', async () => {
    const generated = await buildOpenApi();
    expect(JSON.parse(readFileSync(OPENAPI_FILE, 'utf8'))).toEqual(generated);
  });

  it('has every route of the table, secured unless public, with strict bodies', async () => {
    const doc = (await buildOpenApi()) as { paths: Record<string, Record<string, { security: unknown[]; requestBody?: { content: Record<string, { schema: { additionalProperties?: boolean } }> } }>> };
    for (const r of ROUTES) {
      const op = doc.paths[r.path]?.[r.method.toLowerCase()];
      expect(op, `${r.method} ${r.path}`).toBeDefined();
      expect(op.security.length > 0).toBe(r.access !== 'public');
      if (op.requestBody) expect(op.requestBody.content['application/json'].schema.additionalProperties).toBe(false);
    }
    const bodies = ROUTES.filter((r) => doc.paths[r.path][r.method.toLowerCase()].requestBody).map((r) => r.function);
    expect(bodies).toEqual(expect.arrayContaining(['submit-deliverable', 'decide-review', 'create-upload', 'grant-extension']));
  });

  it('is served by GET /openapi.json without a token', async () => {
    const res = await makeHandler()(
      { version: '2.0', routeKey: 'GET /openapi.json', rawPath: '/openapi.json', rawQueryString: '', headers: {}, requestContext: { requestId: 'r1' } } as never,
      {} as never,
    );
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body!)).toEqual(JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')));
  });
});
