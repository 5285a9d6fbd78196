/** GET /openapi.json: this API's OpenAPI document, generated from the route table's zod schemas (npm run openapi) and committed. */
import { makeApiHandler } from '../_shared/api-handler';
import document from './openapi.json' with { type: 'json' };
import { route } from './route';

export const makeHandler = () => makeApiHandler(route, async () => ({ body: document }));
export const handler = makeHandler();
