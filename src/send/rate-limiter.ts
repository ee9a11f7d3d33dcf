import type { BatchResult } from '../transport/transport.ts';
import type { Clock } from './clock.ts';

export interface RateLimiterOptions {
  /** Request starts per second. May be fractional (0.5 = one every two seconds). */
  ratePerSecond: number;
  /**
   * Added to the 1 s window. A request starts here and is counted by the provider a
   * few ms later, by an amount that varies (body size, event loop, GC); pacing exactly
   * at the limit would then, now and again, put 11 requests in the provider's second.
   * @default 0
   */
  marginMs?: number;
  clock: Clock;
}

const WINDOW_MS = 1000;
/** Longer than any call takes (the transport's timeout is 30 s by default). */
const HISTORY_MS = 60_000;

/**
 * Paces request starts: at most `ratePerSecond` in any sliding window of 1 s (+ margin),
 * and evenly spaced within it ("no burst": Resend's 10/s is a sliding window with no
 * burst allowance, so ten requests at once would be answered with 429s).
 *
 * Waiters are served in order, one at a time (a promise chain), so concurrent batch
 * tasks never race for the same slot. Every attempt takes a slot, retries included:
 * the provider counts them too.
 *
 * Like listmonk's sliding window (internal/manager/pipe.go) but with spacing: listmonk
 * sends the window's quota at once and then sleeps out the rest of the window.
 */
export class RateLimiter {
  #rate: number;
  #span: number;
  #clock: Clock;
  /**
   * Start times of recent requests, oldest first: the last `#capacity`, and all of the
   * last HISTORY_MS, because `observe` looks back from a request that started a while ago.
   */
  #starts: number[] = [];
  #blockedUntil = 0;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: RateLimiterOptions) {
    const { ratePerSecond, marginMs = 0 } = options;
    if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond)) {
      throw new RangeError(`Expected \`ratePerSecond\` to be a number above 0, got \`${String(ratePerSecond)}\``);
    }
    if (!(marginMs >= 0)) throw new RangeError(`Expected \`marginMs\` to be a number from 0 and up, got \`${String(marginMs)}\``);
    this.#rate = ratePerSecond;
    this.#span = WINDOW_MS + marginMs;
    this.#clock = options.clock;
  }

  /** The current rate, lowered by `observe` when the provider announces a lower limit. */
  get ratePerSecond(): number {
    return this.#rate;
  }

  /** Requests allowed in one window (at least one, for fractional rates). */
  get #capacity(): number {
    return Math.max(1, Math.floor(this.#rate));
  }

  /**
   * Waits for the next slot and takes it. Resolves `true` once the caller may start its
   * request (now), or `false` if `signal` aborted first (no slot taken).
   */
  acquire(signal?: AbortSignal): Promise<boolean> {
    const turn = this.#queue.then(() => this.#waitForSlot(signal));
    // The next waiter queues behind this one whatever happens to it.
    this.#queue = turn.catch(() => undefined);
    return turn;
  }

  /** No request starts before `time` (ms since the epoch), e.g. after a `retry-after`. */
  blockUntil(time: number): void {
    this.#blockedUntil = Math.max(this.#blockedUntil, time);
  }

  /**
   * Slows down on what the provider said about its limit after a request that started
   * at `startedAt`:
   * - a `limit` below our rate: adopt it (someone passed `--rate 20` to a 10/s account);
   * - `remaining: 0` while we ourselves had started fewer than the limit in that window:
   *   others share the API key, so our spacing is not enough — hold off until `reset`.
   *   (At our own full rate `remaining` is 0 after every request; that is expected, and
   *   the spacing already waits for the oldest request to leave the window.)
   */
  observe(rateLimit: BatchResult['rateLimit'], startedAt: number): void {
    if (rateLimit === undefined) return;
    const { limit, remaining, resetMs } = rateLimit;
    if (limit !== undefined && limit >= 1 && limit < this.#rate) this.#rate = limit;
    if (remaining === 0) {
      const ours = this.#starts.filter((t) => t > startedAt - WINDOW_MS && t <= startedAt).length;
      if (ours < (limit ?? this.#capacity)) this.blockUntil(startedAt + (resetMs ?? this.#span));
    }
  }

  async #waitForSlot(signal: AbortSignal | undefined): Promise<boolean> {
    for (;;) {
      if (signal?.aborted) return false;
      const now = this.#clock.now();
      const at = this.#earliest(now);
      if (at <= now) {
        // Record the real start time, not the planned one: if the event loop was held
        // up (an fsync, a GC), the next slots are measured from when this one really went.
        this.#starts.push(now);
        while (this.#starts.length > this.#capacity && (this.#starts[0] as number) < now - HISTORY_MS) this.#starts.shift();
        return true;
      }
      // Loop rather than trust one sleep: blockUntil may have moved while we slept.
      await this.#clock.sleep(at - now, signal);
    }
  }

  /** The earliest time the next request may start. */
  #earliest(now: number): number {
    let at = Math.max(now, this.#blockedUntil);
    const last = this.#starts[this.#starts.length - 1];
    // Even spacing: one start every span/rate ms (102.5 ms at 10/s with a 25 ms margin).
    if (last !== undefined) at = Math.max(at, last + this.#span / this.#rate);
    // The window itself: the capacity-th most recent start must have left it. Implied by
    // the spacing at a constant rate; it matters when `observe` lowered the rate.
    const kth = this.#starts.length >= this.#capacity ? this.#starts[this.#starts.length - this.#capacity] : undefined;
    if (kth !== undefined) at = Math.max(at, kth + this.#span);
    return at;
  }
}
