import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { CLIENT_TYPES_FILE, generateClientTypes } from '../../web/scripts/api-client';

describe("the portal's API client types", () => {
  it('are what `npm run web:api` generates from the committed OpenAPI document (run it after `npm run openapi`)', async () => {
    const committed = await readFile(CLIENT_TYPES_FILE, 'utf8');
    // Compared whole: any route, field or status the document changed shows as a difference here.
    expect(committed).toBe(await generateClientTypes());
  });
});
