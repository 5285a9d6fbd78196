import { afterEach, describe, expect, it } from 'vitest';
import { createClock, installClockAsDate, wallClockNow } from '../../local/clock.js';

const START = Date.parse('2026-03-01T00:00:00Z');

describe('SimClock (simulated mode)', () => {
  let uninstall: (() => void) | undefined;
  afterEach(() => uninstall?.());

  it('fires timers in instant order and lands on the bound of runUntil', async () => {
    // Prepare
    const clock = createClock({ startAt: START, mode: { kind: 'simulated' } });
    const fired: Array<[string, number]> = [];
    void clock.sleepUntil(START + 3000).then(() => fired.push(['c', clock.now()]));
    void clock.sleepUntil(START + 1000).then(() => fired.push(['a', clock.now()]));
    void clock.sleepUntil(START + 1000).then(() => fired.push(['b', clock.now()]));
    // Act
    await clock.runUntil(START + 2000);
    // Assess
    expect(fired).toEqual([
      ['a', START + 1000],
      ['b', START + 1000],
    ]);
    expect(clock.now()).toBe(START + 2000);
    expect(clock.pendingTimers()).toBe(1);
    await clock.runUntilIdle();
    expect(fired.at(-1)).toEqual(['c', START + 3000]);
  });

  it('resolves at once for an instant in the past and rejects with AbortError on abort', async () => {
    const clock = createClock({ startAt: START, mode: { kind: 'simulated' } });
    await expect(clock.sleepUntil(START - 1)).resolves.toBeUndefined();
    const ac = new AbortController();
    const p = clock.sleepUntil(START + 10_000, ac.signal);
    ac.abort();
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(clock.pendingTimers()).toBe(0);
  });

  it('never advances while tracked work is in flight', async () => {
    const clock = createClock({ startAt: START, mode: { kind: 'simulated' } });
    let seenDuringWork = 0;
    void clock.sleepUntil(START + 60_000);
    const work = clock.track(async () => {
      await new Promise((r) => setTimeout(r, 30)); // real I/O-like delay
      seenDuringWork = clock.now();
    });
    await clock.runUntilIdle();
    await work;
    expect(seenDuringWork).toBe(START);
    expect(clock.now()).toBe(START + 60_000);
  });

  it('chains: work started by a fired timer runs before the next jump', async () => {
    const clock = createClock({ startAt: START, mode: { kind: 'simulated' } });
    const log: number[] = [];
    void (async () => {
      for (let i = 1; i <= 3; i++) {
        await clock.sleepUntil(START + i * 86_400_000);
        await clock.track(new Promise((r) => setTimeout(r, 2)));
        log.push(clock.now());
      }
    })();
    await clock.runUntilIdle();
    expect(log).toEqual([1, 2, 3].map((i) => START + i * 86_400_000));
  });

  it('makes global Date follow the clock', async () => {
    const clock = createClock({ startAt: START, mode: { kind: 'simulated' } });
    uninstall = installClockAsDate(clock);
    expect(Date.now()).toBe(START);
    void clock.sleepUntil(START + 5000);
    await clock.runUntilIdle(); // setImmediate stays real, so the clock can still run
    expect(new Date().getTime()).toBe(START + 5000);
  });
});

describe('SimClock (scaled mode)', () => {
  it('advances with real time times speed and fires timers as they come due', async () => {
    const clock = createClock({ startAt: START, mode: { kind: 'scaled', speed: 100_000 } });
    const at = START + 2000_000; // 2000 s simulated = 20 ms real
    let firedAt = 0;
    void clock.sleepUntil(at).then(() => (firedAt = clock.now()));
    await clock.runUntilIdle();
    expect(firedAt).toBeGreaterThanOrEqual(at);
    clock.stop();
  });

  it('freezes while tracked work runs', async () => {
    const clock = createClock({ startAt: START, mode: { kind: 'scaled', speed: 100_000 } });
    let before = 0;
    let after = 0;
    await clock.track(async () => {
      before = clock.now();
      await new Promise((r) => setTimeout(r, 20));
      after = clock.now();
    });
    expect(after).toBe(before);
    await new Promise((r) => setTimeout(r, 5));
    expect(clock.now()).toBeGreaterThan(after);
    clock.stop();
  });
});

describe('SimClock (switching mode)', () => {
  let uninstall: (() => void) | undefined;
  afterEach(() => uninstall?.());

  it('fast-forwards on simulated time, then goes on in real time from that instant', async () => {
    // Prepare: what `npm start -- --at` does.
    const clock = createClock({ startAt: START, mode: { kind: 'simulated' } });
    const fired: number[] = [];
    const at = START + 30 * 86_400_000;
    void clock.sleepUntil(START + 86_400_000).then(() => fired.push(clock.now()));
    void clock.sleepUntil(at + 86_400_000).then(() => fired.push(clock.now()));
    // Act
    await clock.runUntil(at);
    clock.setMode({ kind: 'real' });
    const soon = clock.sleepUntil(clock.now() + 20);
    // Assess
    expect(clock.mode()).toEqual({ kind: 'real' });
    await soon; // driven by real time alone: nobody calls runUntil
    expect(clock.now()).toBeGreaterThanOrEqual(at + 20);
    expect(clock.now()).toBeLessThan(at + 5_000);
    expect(fired).toEqual([START + 86_400_000]); // the later timer waits for its real day
    expect(clock.pendingTimers()).toBe(1);
    clock.stop();
  });

  it('carries a runUntil in progress on into the new mode', async () => {
    const clock = createClock({ startAt: START, mode: { kind: 'scaled', speed: 1 } });
    const done = clock.runUntil(START + 2 * 86_400_000);
    clock.setMode({ kind: 'simulated' });
    await done;
    expect(clock.now()).toBe(START + 2 * 86_400_000);
    clock.stop();
  });

  it('keeps the real wall clock apart from the Date it installs', () => {
    const clock = createClock({ startAt: START, mode: { kind: 'simulated' } });
    uninstall = installClockAsDate(clock);
    expect(Date.now()).toBe(START);
    expect(Math.abs(wallClockNow() - performance.timeOrigin - performance.now())).toBeLessThan(1_000);
  });
});
