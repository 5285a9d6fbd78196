/**
 * The one way the portal calls the API: openapi-fetch typed by schema.d.ts (generated, `npm run web:api`),
 * with the signed-in user's token (refreshed silently), the interface language, and, on writes, the
 * Idempotency-Key of the user's intent.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import { accessToken, sessionRefused } from '../auth/session';
import { config } from '../config';
import { currentLang } from '../i18n';
import type { components, paths } from './schema';

export type ApiError = components['schemas']['Error'];

/** Thrown for a non-2xx answer: the API's own words (in the interface language), each problem naming its field. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiError | undefined,
  ) {
    const en = currentLang() === 'en';
    const fallback = status === 401
      ? en ? 'Signed out: please sign in again' : '登录已失效，请重新登录'
      : en ? `Request failed (${status})` : `请求失败（${status}）`;
    super(body?.error.message ?? fallback);
  }
}

const auth: Middleware = {
  async onRequest({ request }) {
    const token = await accessToken();
    if (token) request.headers.set('Authorization', `Bearer ${token}`);
    request.headers.set('Accept-Language', currentLang() === 'en' ? 'en' : 'zh-CN');
    return request;
  },
  // 401: the token is no good (expired past refreshing, revoked): the portal goes back to its sign-in page
  // (and from there to this page) instead of failing every request in a shell that looks signed in.
  onResponse({ response }) {
    if (response.status === 401) sessionRefused();
    return response;
  },
};

let client: ReturnType<typeof createClient<paths>> | undefined;
export function api() {
  if (!client) {
    client = createClient<paths>({ baseUrl: config().apiUrl.replace(/\/$/, '') });
    client.use(auth);
  }
  return client;
}

/** The data of a 2xx answer, or an ApiFailure with the API's message. */
export async function ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok && data !== undefined) return data;
  throw new ApiFailure(response.status, error as ApiError | undefined);
}

/**
 * One key per user intent: made when the user starts an action and kept until it succeeds, so a retry
 * after a network failure or a double click replays the first answer instead of making a second version.
 */
export const newIntentKey = () => crypto.randomUUID();

/**
 * The cycle the pages work in: the one GET /cycles lists first for the signed-in user, or the one the user
 * chose (AuthContext sets it; the layout remounts the page when it changes).
 */
let currentCycle: string | undefined;
export const setCycleId = (id: string | undefined) => {
  currentCycle = id;
};
export function cycleId(): string {
  if (!currentCycle) throw new Error(currentLang() === 'en' ? 'No cycle chosen yet' : '尚未选定工作周期');
  return currentCycle;
}
