import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../src/send/clock.ts';
import { RateLimiter } from '../../src/send/rate-limiter.ts';
import { systemClock } from '../../src/send/clock.ts';
import { sendCampaign } from '../../src/send/send-campaign.ts';
import { openStore } from '../../src/store/open-store.ts';
import { createResendTransport } from '../../src/transport/resend.ts';
import { forkResendServer } from '../support/fork-resend-server.ts';
import { email, personalize, recipientList, stream } from '../fixtures/send/campaign.ts';

/** A clock whose sleeps take no real time: each one moves `now` forward. */
function virtualClock(): Clock & { time: number } {
  const clock = {
    time: 0,
    now: () => clock.time,
    async sleep(ms: number, signal?: AbortSignal) {
      if (!signal?.aborted) clock.time += Math.max(0, ms);
    },
  };
  return clock;
}

describe("RateLimiter 'auto'", () => {
  it('sends one request alone, then paces at the limit its answer announces', async () => {
    const clock = virtualClock();
    const limiter = new RateLimiter({ ratePerSecond: 'auto', clock });
    expect(limiter.source).toBe('learning');
    const first = await limiter.acquire();
    // A second waiter gets nothing while the first answer is out, however long it takes.
    let second: Awaited<ReturnType<RateLimiter['acquire']>> | undefined;
    const waiting = limiter.acquire().then((s) => (second = s));
    await new Promise((r) => setImmediate(r));
    expect(second).toBeUndefined();
    clock.time = 40; // the answer, 40 ms later: a team at 5/s
    first?.done({ rateLimit: { limit: 5, remaining: 4, resetMs: 1000 } });
    await waiting;
    expect(limiter.ratePerSecond).toBe(5);
    expect(limiter.source).toBe('ratelimit-limit');
    // The second at the 5/s spacing from the first (200 ms), not at once, not a second later.
    expect(clock.now()).toBe(200);
    second?.done({ rateLimit: { limit: 5, remaining: 3 } });
  });

  it('follows a raised limit up, which a forced rate never does', async () => {
    for (const [given, expected] of [['auto', 20], [10, 10]] as const) {
      const clock = virtualClock();
      const limiter = new RateLimiter({ ratePerSecond: given, clock });
      (await limiter.acquire())?.done({ rateLimit: { limit: 20, remaining: 19 } });
      expect(limiter.ratePerSecond).toBe(expected);
    }
  });

  it('takes only its share of the announced limit (notices beside a campaign)', async () => {
    const clock = virtualClock();
    const limiter = new RateLimiter({ ratePerSecond: 'auto', share: 0.5, clock });
    (await limiter.acquire())?.done({ rateLimit: { limit: 2, remaining: 1 } });
    expect([limiter.ratePerSecond, limiter.source]).toEqual([1, 'ratelimit-limit']);
    // One a second (plus nothing: no margin here), not two.
    await limiter.acquire();
    await limiter.acquire();
    expect(clock.now()).toBe(2000);
    expect(() => new RateLimiter({ ratePerSecond: 'auto', share: 0, clock })).toThrowError('Expected `share` to be a number above 0 and at most 1, got `0`');
  });

  it('falls back to the safe rate when an answer says no limit', async () => {
    const clock = virtualClock();
    const limiter = new RateLimiter({ ratePerSecond: 'auto', fallbackRate: 2, clock });
    (await limiter.acquire())?.done();
    await limiter.acquire();
    expect([limiter.ratePerSecond, limiter.source, clock.now()]).toEqual([2, 'fallback', 500]);
  });
});

// The whole loop, real SDK over HTTP to the local server in its own process, at a team's
// 2, 5 and 10 requests/s, with no rate given: the first answer tells the limit, and not one
// request is refused.
describe('sendCampaign with rate auto against a 2, 5 and 10 requests/s team', () => {
  for (const limit of [2, 5, 10]) {
    it(`settles on ${limit}/s within the first second, without a 429`, async () => {
      const server = await forkResendServer({ ratePerSecond: limit });
      const dir = mkdtempSync(join(tmpdir(), 'rate-auto-'));
      const store = openStore(join(dir, 'newsletter.db'));
      try {
        // Two and a half seconds of requests at the limit, at least 8 of them.
        const batches = Math.max(8, Math.ceil(limit * 2.5));
        const report = await sendCampaign({
          email,
          recipients: stream(recipientList(batches * 100)),
          personalize,
          transport: createResendTransport({ apiKey: 're_rate_auto', baseUrl: server.url, timeoutMs: 10_000 }),
          store,
          clock: systemClock,
        });
        const requests = await server.requests();
        expect(requests.filter((r) => r.status === 429)).toEqual([]);
        expect(report.sent).toBe(batches * 100);
        expect(report.retries).toBe(0);
        expect(report.rate).toEqual({ perSecond: limit, source: 'ratelimit-limit' });
        // From the first answer on (the second request leaves when it is in), the full pace
        // at once: as many in that second as the limit allows, less the first one, which
        // still counts in it. (How long the cold first answer takes varies with the machine:
        // 150-550 ms seen; a CI run on a loaded machine missed a count from the first request.)
        // At 5/s and above one request may land just past the second on a loaded machine (a
        // fresh-clone CI run saw 8 of 9 at 10/s): one is allowed. A rate not yet learned
        // (the 2/s fallback) would put 2 there, and still fails.
        const t1 = requests[1]!.time;
        expect(requests.filter((r) => r.time >= t1 && r.time < t1 + 1000).length).toBeGreaterThanOrEqual(limit - (limit >= 5 ? 2 : 1));
        const times = requests.map((r) => r.time);
        for (const t of times) expect(times.filter((x) => x > t - 1000 && x <= t).length).toBeLessThanOrEqual(limit);
        expect((await server.stats()).validationErrors).toEqual([]);
      } finally {
        store.close();
        await server.close();
        rmSync(dir, { recursive: true, force: true });
      }
    }, 60_000);
  }
});
