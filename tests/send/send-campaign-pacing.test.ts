import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/send/backoff.ts';
import type { Clock } from '../../src/send/clock.ts';
import { RateLimiter } from '../../src/send/rate-limiter.ts';

/** A clock whose sleeps take no real time: each one moves `now` forward. */
function virtualClock(start = 0): Clock & { time: number } {
  const clock = {
    time: start,
    now: () => clock.time,
    async sleep(ms: number, signal?: AbortSignal) {
      if (signal?.aborted) return;
      clock.time += Math.max(0, ms);
    },
  };
  return clock;
}

/** `count` requests one after the other, each answered at once. */
async function starts(limiter: RateLimiter, clock: Clock, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const slot = await limiter.acquire();
    expect(slot?.startedAt).toBe(clock.now());
    slot?.done();
    times.push(clock.now());
  }
  return times;
}

/** The most starts in any window [t, t + ms). */
function maxInWindow(times: number[], ms: number): number {
  let best = 0;
  for (const t of times) best = Math.max(best, times.filter((x) => x >= t && x < t + ms).length);
  return best;
}

describe('RateLimiter', () => {
  it('spaces starts evenly at the rate, never more than the rate in any 1 s window (no burst)', async () => {
    const clock = virtualClock(1_000_000);
    const times = await starts(new RateLimiter({ ratePerSecond: 10, clock }), clock, 30);
    expect(times.slice(0, 4).map((t) => t - 1_000_000)).toEqual([0, 100, 200, 300]);
    expect(maxInWindow(times, 1000)).toBe(10);
    expect(times.at(-1)! - times[0]!).toBe(2900);
  });

  it('adds the margin to the window: 10/s with 25 ms margin is one start every 102.5 ms', async () => {
    const clock = virtualClock();
    const times = await starts(new RateLimiter({ ratePerSecond: 10, marginMs: 25, clock }), clock, 11);
    expect(times[10]! - times[0]!).toBe(1025);
    expect(maxInWindow(times, 1025)).toBe(10);
  });

  it('serves concurrent waiters in order, one slot each', async () => {
    const clock = virtualClock();
    const limiter = new RateLimiter({ ratePerSecond: 5, clock });
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3].map(async (i) => {
      await limiter.acquire();
      order.push(i);
    }));
    expect(order).toEqual([0, 1, 2, 3]);
    expect(clock.now()).toBe(600);
  });

  it('waits out blockUntil (a retry-after) before the next start', async () => {
    const clock = virtualClock();
    const limiter = new RateLimiter({ ratePerSecond: 10, clock });
    await limiter.acquire();
    limiter.blockUntil(5000);
    await limiter.acquire();
    expect(clock.now()).toBe(5000);
  });

  it('adopts a lower limit announced by the provider', async () => {
    const clock = virtualClock();
    const limiter = new RateLimiter({ ratePerSecond: 20, clock });
    (await limiter.acquire())?.done({ rateLimit: { limit: 4, remaining: 3 } });
    expect(limiter.ratePerSecond).toBe(4);
    const times = await starts(limiter, clock, 8);
    expect(maxInWindow(times, 1000)).toBe(4);
  });

  it('holds off until reset when the provider has no room left that we did not use ourselves', async () => {
    const clock = virtualClock(10_000);
    const limiter = new RateLimiter({ ratePerSecond: 10, clock });
    // One start of ours in the window, and the provider says none remain.
    (await limiter.acquire())?.done({ rateLimit: { limit: 10, remaining: 0, resetMs: 1000 } });
    await limiter.acquire();
    expect(clock.now()).toBe(11_000);
  });

  it('does not hold off when remaining is 0 only because of our own full-rate starts', async () => {
    const clock = virtualClock(10_000);
    const limiter = new RateLimiter({ ratePerSecond: 10, clock });
    const times = await starts(limiter, clock, 9);
    (await limiter.acquire())?.done({ rateLimit: { limit: 10, remaining: 0, resetMs: 1000 } });
    await limiter.acquire();
    // The window's own spacing: the 11th start 1000 ms after the 1st, not 1000 ms after the 10th.
    expect(clock.now()).toBe(times[0]! + 1000);
  });

  it('gives up its turn when the signal aborts', async () => {
    const clock = virtualClock();
    const limiter = new RateLimiter({ ratePerSecond: 1, clock });
    await limiter.acquire();
    const controller = new AbortController();
    controller.abort();
    expect(await limiter.acquire(controller.signal)).toBeUndefined();
    expect(await limiter.acquire()).toBeDefined();
  });

  it("places a slow answer's request later in the window by its extra latency (a late arrival at the provider)", async () => {
    const clock = virtualClock();
    const limiter = new RateLimiter({ ratePerSecond: 10, clock });
    const first = await limiter.acquire();
    clock.time += 80; // its answer takes 80 ms, the others' none: it may have arrived 80 ms late
    first?.done();
    const rest = await starts(limiter, clock, 9);
    expect(rest).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900]);
    await limiter.acquire();
    expect(clock.now()).toBe(1080);
  });

  it('places a request by how long it took to leave, when the transport says, not by a slow answer (the first at its answer)', async () => {
    const clock = virtualClock();
    const limiter = new RateLimiter({ ratePerSecond: 10, clock });
    const first = await limiter.acquire();
    clock.time += 80; // a slow answer, but the request left as fast as any (5 ms)
    first?.done({ uploadMs: 5 });
    const second = await limiter.acquire();
    expect(clock.now()).toBe(100);
    second?.done({ uploadMs: 45 }); // this one left 40 ms later than the quickest
    const rest = [];
    for (let i = 0; i < 8; i++) {
      const slot = await limiter.acquire();
      slot?.done({ uploadMs: 5 });
      rest.push(clock.now());
    }
    expect(rest).toEqual([200, 300, 400, 500, 600, 700, 800, 900]);
    await limiter.acquire();
    // The run's first request is placed at its answer (80): cold, it has no quick request to
    // be measured against, and a takeover run's first one was counted later than its upload said.
    expect(clock.now()).toBe(1080);
    await limiter.acquire();
    expect(clock.now()).toBe(1180); // even spacing after 1080 (the second's late departure alone would allow 1140)
  });

  it('places the whole first window at its answers: cold, a quick upload there proves nothing', async () => {
    const clock = virtualClock();
    const limiter = new RateLimiter({ ratePerSecond: 10, clock });
    const first = await limiter.acquire();
    clock.time = 80;
    first?.done({ uploadMs: 5 });
    const second = await limiter.acquire(); // at 100, answered only at 950
    expect(clock.now()).toBe(100);
    for (let i = 0; i < 8; i++) (await limiter.acquire())?.done({ uploadMs: 5 });
    clock.time = 950;
    second?.done({ uploadMs: 5 });
    (await limiter.acquire())?.done({ uploadMs: 5 });
    expect(clock.now()).toBe(1080); // a window after the first's answer
    await limiter.acquire();
    // The second counts at 950 (its answer), not at 100 (its start plus a quick upload): the
    // window up to 1200 holds it, the 4th to the 11th and this one, so this waits for the 3rd
    // (200) to leave. Placed at 100, the window would have had room at 1100, and the even
    // spacing would have let it go at 1180.
    expect(clock.now()).toBe(1200);
  });

  it('makes up for a timer that fired late (a busy event loop) instead of pushing every later start back', async () => {
    const clock = virtualClock();
    let sleeps = 0;
    const late: Clock = {
      now: clock.now,
      async sleep(ms, signal) {
        // The second wait overshoots by 30 ms, as a timer does behind a long synchronous task.
        await clock.sleep(ms + (++sleeps === 2 ? 30 : 0), signal);
      },
    };
    const limiter = new RateLimiter({ ratePerSecond: 10, clock: late });
    const times = await starts(limiter, clock, 5);
    expect(times).toEqual([0, 100, 230, 300, 400]);
    expect(maxInWindow([...times, ...(await starts(limiter, clock, 20))], 1000)).toBeLessThanOrEqual(10);
  });

  it('makes up for a request that came after its turn (its body not ready in time) as for a late timer', async () => {
    const clock = virtualClock();
    const limiter = new RateLimiter({ ratePerSecond: 10, clock });
    const times = await starts(limiter, clock, 2);
    clock.time = 230; // the third was due at 200; it asks 30 ms late and goes at once
    times.push(...(await starts(limiter, clock, 3)));
    // Back on the 100 ms grid: 300, 400, not 330, 430.
    expect(times).toEqual([0, 100, 230, 300, 400]);
    expect(maxInWindow([...times, ...(await starts(limiter, clock, 20))], 1000)).toBeLessThanOrEqual(10);
  });

  it('after a pause longer than one interval, starts the even spacing afresh (no two at once)', async () => {
    const clock = virtualClock();
    const limiter = new RateLimiter({ ratePerSecond: 10, clock });
    await starts(limiter, clock, 1);
    clock.time = 5_000; // nothing to send for a while
    expect(await starts(limiter, clock, 3)).toEqual([5_000, 5_100, 5_200]);
  });

  it('refuses a rate that is not a positive number, quoting it', () => {
    expect(() => new RateLimiter({ ratePerSecond: 0, clock: virtualClock() })).toThrowError("Expected `ratePerSecond` to be a number above 0 or 'auto', got `0`");
  });
});

describe('backoffDelay', () => {
  const options = { baseMs: 500, maxMs: 30_000 };

  it('is full jitter: from 0 up to base · 2^attempt, capped', () => {
    expect(backoffDelay(0, options, () => 0)).toBe(0);
    expect(backoffDelay(0, options, () => 0.999999)).toBe(499);
    expect(backoffDelay(3, options, () => 0.5)).toBe(2000);
    expect(backoffDelay(20, options, () => 0.5)).toBe(15_000);
    expect(backoffDelay(5000, options, () => 0.999999)).toBe(29_999);
  });

  it('waits at least as long as the provider asked', () => {
    expect(backoffDelay(0, options, () => 0.1, 1000)).toBe(1000);
    expect(backoffDelay(6, options, () => 0.9, 1000)).toBe(27_000);
  });
});
