/**
 * When a failed draw is tried again (issue 10): the DrawInspectionSample task already retried for about five
 * minutes (core/task-limits.ts); a draw that still failed is tried again every hour for its first day, then once a
 * day at the draw's time, as long as the window is open (to the end of its last day, Beijing), and at most
 * DRAW_RETRY.maxAttempts times. The attempts are instants derived from the announced draw instant and the window,
 * never counted in the state: a restarted execution finds the same next attempt from the clock alone.
 *
 * Bounded on purpose: each attempt costs the unit's execution 14 history events (the failing task 5, the report 5,
 * the Choice and the Wait 2 each), 32 when the draw fails by TransientError after its 6 retries, so 48 attempts stay
 * under 1,600 (workflows/README.md, the budget). A window is a few days (Binjiang: 5, so 24 hourly + 3 daily
 * attempts); in a window longer than 25 days the attempts stop at the cap, and the office is told then that the
 * unit could not be drawn.
 */
export const DRAW_RETRY = {
  /** Hourly attempts after the draw instant. */
  hourly: 24,
  /** Attempts in all, hourly then daily. */
  maxAttempts: 48,
} as const;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Every retry instant of a draw announced for `drawAt`, in a window that ends at `windowEndsAt` (inclusive). */
export function drawRetryInstants(drawAt: string, windowEndsAt: string): string[] {
  const from = Date.parse(drawAt);
  const end = Date.parse(windowEndsAt);
  const out: string[] = [];
  for (let k = 1; out.length < DRAW_RETRY.maxAttempts; k++) {
    const at = k <= DRAW_RETRY.hourly ? from + k * HOUR : from + (k - DRAW_RETRY.hourly + 1) * DAY;
    if (at > end) break;
    out.push(iso(at));
  }
  return out;
}

/** The next attempt after `nowMs`, or null when none is left (the window closed, or the attempts ran out). */
export function nextDrawAttempt(nowMs: number, drawAt: string, windowEndsAt: string): string | null {
  return drawRetryInstants(drawAt, windowEndsAt).find((at) => Date.parse(at) > nowMs) ?? null;
}
