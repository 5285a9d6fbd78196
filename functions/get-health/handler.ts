/** GET /health: the API answers (no token, no table: it says only that the function runs). */
import { makeApiHandler } from '../_shared/api-handler';
import { route } from './route';

export const makeHandler = () => makeApiHandler(route, async () => ({ body: { status: 'ok' as const } }));
export const handler = makeHandler();
