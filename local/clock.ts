import FakeTimers from '@sinonjs/fake-timers';

/**
 * The real wall clock, whatever global Date has been made to follow. Captured when this module loads, which is
 * before installClockAsDate (below) can ever have replaced Date: fake-timers swaps the global constructor and
 * leaves the original's `now` as it was. Use it for what must not run on simulated time (token lifetimes and
 * their verification, HTTP caches).
 */
export const wallClockNow: () => number = Date.now.bind(Date);

export type ClockMode = { kind: 'simulated' } | { kind: 'scaled'; speed: number } | { kind: 'real' };

export interface SimClock {
  /** ms since epoch, simulated */
  now(): number;
  /** Resolves when now() >= atMs (immediately if already past); rejects with an AbortError if signal aborts. */
  sleepUntil(atMs: number, signal?: AbortSignal): Promise<void>;
  /** Mark async work as busy so the simulated clock never advances while it runs (handler invocations, HTTP requests, scenario actions). */
  track<T>(work: Promise<T> | (() => Promise<T>)): Promise<T>;
  /** Same, for a function returning a union of promises (e.g. `() => cond ? a() : b()`). */
  track<F extends () => Promise<unknown>>(work: F): Promise<Awaited<ReturnType<F>>>;
  /** Resolves when nothing is busy and no timer is due at or before `untilMs` (simulated mode: advances the clock to each timer in turn until then, then to untilMs). */
  runUntil(untilMs: number): Promise<void>;
  /** Resolves when there is nothing left to do: nothing busy and no pending timers at all (or only timers later than now + maxMs). */
  runUntilIdle(opts?: { maxMs?: number }): Promise<void>;
  pendingTimers(): number;
  /** The current mode. */
  mode(): ClockMode;
  /**
   * Switches mode from now on, keeping the current instant: e.g. simulated to fast-forward to a point of
   * the year (runUntil), then real or scaled so a person can act. A runUntil or runUntilIdle in progress
   * carries on in the new mode.
   */
  setMode(mode: ClockMode): void;
  stop(): void;
}

interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
}

/** setTimeout's delay is a signed 32-bit int; anything longer fires at once. */
const MAX_REAL_DELAY_MS = 2_147_483_647;
/** Macrotask turns with no activity before the system counts as quiescent. */
const QUIET_TURNS = 3;

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

export function abortError(signal?: AbortSignal): Error {
  const reason = signal?.reason;
  if (reason instanceof Error) return reason;
  const err = new Error('The operation was aborted');
  err.name = 'AbortError';
  return err;
}

const speedOf = (mode: ClockMode) => (mode.kind === 'simulated' ? 0 : mode.kind === 'real' ? 1 : mode.speed);

export function createClock(opts: { startAt: number; mode: ClockMode }): SimClock {
  let mode = opts.mode;
  let speed = speedOf(mode);
  // Simulated time = base + (realNow - realBase) * speed; `base` also absorbs the simulated jumps.
  let base = opts.startAt;
  let realBase = performance.now();
  const timers: Timer[] = [];
  let seq = 0;
  let busy = 0;
  let activity = 0;
  let stopped = false;
  let realTimer: NodeJS.Timeout | undefined;
  const idleWaiters = new Set<() => void>();

  // Scaled mode freezes while tracked work runs and, after timers fire, until the system is quiet again
  // (the interpreter moves between states untracked): everything due at an instant happens at that
  // instant, as in simulated mode; only the quiet gaps between instants take (scaled) real time.
  let freezes = mode.kind === 'scaled';
  let held = false;
  const frozen = () => freezes && (busy > 0 || held);
  const now = () => (speed === 0 || frozen() ? base : base + (performance.now() - realBase) * speed);

  const setNow = (at: number) => {
    if (at <= now()) return;
    base = at;
    realBase = performance.now();
  };

  const removeTimer = (t: Timer) => {
    const i = timers.indexOf(t);
    if (i >= 0) timers.splice(i, 1);
  };

  const fireDue = (): number => {
    const t = now();
    let fired = 0;
    while (timers.length > 0 && timers[0].at <= t) {
      const timer = timers.shift()!;
      activity++;
      fired++;
      timer.resolve();
    }
    return fired;
  };

  /**
   * Scaled mode: fire the timers of the earliest due instant AT that instant (a real timer may fire a few
   * ms late, which is minutes at high speed; nothing ran in between, so nobody saw the overshoot), and
   * hold the clock there until all it set off is done.
   */
  const fireHeld = () => {
    const at = timers[0].at;
    base = at;
    held = true;
    while (timers.length > 0 && timers[0].at === at) {
      activity++;
      timers.shift()!.resolve();
    }
    void quiesce().then(() => {
      held = false;
      realBase = performance.now();
      arm();
    });
  };

  const notifyIdle = () => {
    for (const w of [...idleWaiters]) w();
  };

  // Scaled/real modes: one real timer armed for the earliest simulated timer.
  const arm = () => {
    if (speed === 0 || stopped || held) return;
    if (realTimer) clearTimeout(realTimer);
    realTimer = undefined;
    if (freezes && timers.length > 0 && timers[0].at <= now()) return fireHeld();
    fireDue();
    if (timers.length === 0) {
      notifyIdle();
      return;
    }
    const delay = Math.min(MAX_REAL_DELAY_MS, Math.max(0, Math.ceil((timers[0].at - now()) / speed)));
    realTimer = setTimeout(arm, delay);
  };

  const sleepUntil = (atMs: number, signal?: AbortSignal): Promise<void> => {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    if (atMs <= now()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        removeTimer(timer);
        activity++;
        reject(abortError(signal));
      };
      const timer: Timer = {
        at: atMs,
        seq: seq++,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      // Keep timers sorted by (at, seq) so same-instant timers fire in creation order.
      let i = timers.length;
      while (i > 0 && timers[i - 1].at > atMs) i--;
      timers.splice(i, 0, timer);
      activity++;
      signal?.addEventListener('abort', onAbort, { once: true });
      if (speed !== 0 && i === 0) arm();
    });
  };

  const track = async <T>(work: Promise<T> | (() => Promise<T>)): Promise<T> => {
    if (freezes && busy === 0) base = now();
    busy++;
    activity++;
    try {
      return await (typeof work === 'function' ? work() : work);
    } finally {
      busy--;
      activity++;
      if (busy === 0) {
        if (freezes && !held) {
          realBase = performance.now();
          arm();
        }
        notifyIdle();
      }
    }
  };

  /** Waits until nothing is tracked and QUIET_TURNS macrotask turns pass with no new activity. */
  const quiesce = async () => {
    for (;;) {
      if (busy > 0) {
        await new Promise<void>((resolve) => {
          const w = () => {
            if (busy === 0) {
              idleWaiters.delete(w);
              resolve();
            }
          };
          idleWaiters.add(w);
        });
      }
      const seen = activity;
      let quiet = true;
      for (let i = 0; i < QUIET_TURNS; i++) {
        await turn();
        if (activity !== seen || busy > 0) {
          quiet = false;
          break;
        }
      }
      if (quiet) return;
    }
  };

  /** Simulated mode: each time all is quiet, jump to the next timer and fire it, up to `bound` (or until the mode changes). */
  const advanceThrough = async (bound: number): Promise<void> => {
    while (!stopped && speed === 0) {
      await quiesce();
      if (speed !== 0) return;
      const next = timers[0];
      if (!next || next.at > bound) return;
      setNow(next.at);
      fireDue();
    }
  };

  const runUntil = async (untilMs: number): Promise<void> => {
    while (!stopped) {
      if (speed === 0) {
        await advanceThrough(untilMs);
        if (speed !== 0) continue;
        setNow(untilMs);
        return;
      }
      // Real time drives the clock; just wait until the instant has passed and all is quiet.
      await quiesce();
      if (now() >= untilMs && (timers.length === 0 || timers[0].at > untilMs)) return;
      const wait = Math.max(1, Math.ceil((untilMs - now()) / speed));
      await new Promise<void>((resolve) => setTimeout(resolve, Math.min(wait, 50)));
    }
  };

  const runUntilIdle = async (o?: { maxMs?: number }): Promise<void> => {
    const bound = o?.maxMs === undefined ? Infinity : now() + o.maxMs;
    while (!stopped) {
      if (speed === 0) {
        await advanceThrough(bound);
        if (speed !== 0) continue;
        return;
      }
      await quiesce();
      if (timers.length === 0 || timers[0].at > bound) return;
      await new Promise<void>((resolve) => setTimeout(resolve, 20));
    }
  };

  const setMode = (next: ClockMode) => {
    // Keep the instant: fold the elapsed (scaled) real time into base, then restart the real reference.
    base = now();
    realBase = performance.now();
    mode = next;
    speed = speedOf(next);
    freezes = next.kind === 'scaled';
    if (realTimer) clearTimeout(realTimer);
    realTimer = undefined;
    // A held instant (scaled mode) releases itself once quiet; otherwise let real time drive the timers.
    if (speed !== 0 && !held) arm();
  };

  return {
    now,
    sleepUntil,
    track: track as SimClock['track'],
    runUntil,
    runUntilIdle,
    pendingTimers: () => timers.length,
    mode: () => mode,
    setMode,
    stop: () => {
      stopped = true;
      if (realTimer) clearTimeout(realTimer);
      realTimer = undefined;
      notifyIdle();
    },
  };
}

/**
 * Makes global Date (Date.now(), new Date()) follow the clock, using @sinonjs/fake-timers with toFake: ['Date'] ONLY
 * (setTimeout, setImmediate, performance stay real). Returns an uninstall function.
 */
export function installClockAsDate(clock: SimClock): () => void {
  const fake = FakeTimers.install({ now: clock.now(), toFake: ['Date'] });
  // fake-timers' Date reads `clock.now` on every call; make it a live view of the SimClock.
  Object.defineProperty(fake, 'now', { get: () => Math.floor(clock.now()), set: () => {}, configurable: true });
  return () => fake.uninstall();
}
