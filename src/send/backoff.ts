/**
 * How long to wait before retrying a batch: "full jitter" exponential backoff, a random
 * wait between 0 and `min(maxMs, baseMs · 2^attempt)`. The randomness spreads retries
 * out so that batches that failed together (a 500 storm, a dropped connection pool) do
 * not retry together. https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 *
 * When the provider said when to come back (`retry-after`), the wait is at least that.
 *
 * @param attempt 0 for the wait after the first failed attempt.
 * @param random  a number in [0, 1): Math.random, or a seeded one in tests.
 */
export function backoffDelay(
  attempt: number,
  options: { baseMs: number; maxMs: number },
  random: () => number,
  retryAfterMs?: number,
): number {
  // 2 ** attempt overflows to Infinity past ~1000 attempts; min() keeps it at maxMs.
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt));
  const jittered = Math.floor(random() * ceiling);
  return retryAfterMs === undefined ? jittered : Math.max(retryAfterMs, jittered);
}
