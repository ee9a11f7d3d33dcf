import { defineConfig } from 'vitest/config';

/**
 * Tests that hold a real sender to a local server's real rate limit, in real time: each
 * asserts not a single 429 at the limit. Beside the rest of the suite on two cores, the
 * server's process is sometimes descheduled long enough to count a request's head 100 ms
 * late, which crowds its window (two CI runs got a 429 from that, never the sender alone):
 * so they run after the rest, one file at a time.
 */
const pacing = ['tests/send/rate-auto.test.ts', 'tests/send/send-campaign.test.ts', 'tests/scripts/send-lease.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores here and in CI: more workers only fight over them.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: { name: 'suite', include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'], exclude: pacing, sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: { name: 'pacing', include: pacing, fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
