import type { BatchResult } from '../transport/transport.ts';
import type { Clock } from './clock.ts';

export interface RateLimiterOptions {
  /**
   * Request starts per second. May be fractional (0.5 = one every two seconds); the
   * provider's `ratelimit-limit` can only lower it. `'auto'`: the provider's own word — one
   * request alone until an answer says the limit, then that limit, followed up or down as
   * later answers say (see `#observe`).
   */
  ratePerSecond: number | 'auto';
  /**
   * In `'auto'` mode, the rate when answers say no limit at all (a proxy that drops the
   * headers). @default 2, the lowest limit a Resend team has had
   */
  fallbackRate?: number;
  /**
   * In `'auto'` mode, the part of the provider's limit to use (0 < share ≤ 1): a sender that
   * shares the team's limit with others, such as `serve`'s notices beside a campaign, takes
   * only its part. @default 1
   */
  share?: number;
  /**
   * Added to the 1 s window, for the jitter that latency tracking (below) cannot see.
   * @default 0
   */
  marginMs?: number;
  clock: Clock;
}

/** A request's place in the window, from `acquire`. Call `done` when its answer (or error) is in. */
export interface RateSlot {
  readonly startedAt: number;
  /**
   * The call ended. `answer`: what the transport learned — the provider's word on its limit
   * (`rateLimit`), and how long the request took to leave (`uploadMs`), when it knows.
   */
  done(answer?: Pick<BatchResult, 'rateLimit' | 'uploadMs'>): void;
}

const WINDOW_MS = 1000;
/** Longer than any call takes (the transport's timeout is 30 s by default). */
const HISTORY_MS = 60_000;
/** The fastest of this many recent answers is the "no delay" latency. */
const LATENCY_SAMPLES = 50;

/** Where the rate in use came from: the caller's number, or (`'auto'`) the provider's answers. */
export type RateSource = 'given' | 'ratelimit-limit' | 'learning' | 'fallback';

interface Request {
  start: number;
  /**
   * How much later than it was due it started: its timer fired late (the event loop was
   * busy), or it was not ready when its turn came (its body still being built).
   */
  lateness: number;
  /** Set when the answer is in. */
  latency?: number;
  /** From the transport, when it could tell: call → request fully sent. */
  upload?: number;
  end?: number;
  /**
   * One of the run's first window of requests: cold connections and cold code, with no
   * quick request yet to measure them against. Placed at its answer (the provider counted
   * it by then).
   */
  cold?: boolean;
}

function pushSample(samples: number[], value: number): void {
  samples.push(value);
  if (samples.length > LATENCY_SAMPLES) samples.shift();
}

/**
 * Paces request starts: at most `ratePerSecond` in any sliding window of 1 s (+ margin),
 * and evenly spaced within it ("no burst": Resend's 10/s is a sliding window with no
 * burst allowance, so ten requests at once would be answered with 429s).
 *
 * The provider counts a request when it arrives, which is some time after it starts here:
 * always a little (the network), sometimes a lot (a cold connection's handshake, a busy
 * event loop, a 3 MB body in transit). If request 1 is late by 80 ms and request 11 is on
 * time, the provider sees 11 requests in one second. So a request's place in the window is
 * its start plus how much longer than the quickest recent request it took to leave this
 * process, when the transport can tell (Resend's can: transport/upload-timing.ts); else
 * plus how much slower its answer was than the fastest recent answer (it reached the
 * provider no later than that). A request in flight counts at its start. The answer's
 * latency is the looser bound: it holds the provider's processing time too, and on the
 * local server it overstated the arrival delay by ~35 ms at p90, which cost ~4% of the
 * pace; the upload time is within a few ms of the arrival at p50. Waiting out a few ms is
 * always cheaper than a 429, which costs a retry and a whole second of `retry-after` for
 * every batch. (Seen on the local server: a cold first request counted 290 ms after it
 * started, the next ten on time; a 100 ms allowance still got the 11th a 429.)
 *
 * Waiters are served in order, one at a time (a promise chain), so concurrent batch tasks
 * never race for the same slot. Every attempt takes a slot, retries included: the
 * provider counts them too.
 *
 * Like listmonk's sliding window (internal/manager/pipe.go) but with spacing: listmonk
 * sends the window's quota at once and then sleeps out the rest of the window.
 */
export class RateLimiter {
  #rate: number;
  /** `'auto'`: adopt the provider's limit; otherwise only ever lower the given rate. */
  #auto: boolean;
  #source: RateSource;
  #fallbackRate: number;
  #share: number;
  /** Woken when an answer comes in (in auto mode, the first one sets the rate). */
  #onAnswer: (() => void)[] = [];
  #marginMs: number;
  #clock: Clock;
  /** Slots taken so far. */
  #taken = 0;
  /** Recent requests in start order: the last `#capacity`, and all of the last HISTORY_MS. */
  #requests: Request[] = [];
  #latencies: number[] = [];
  #uploads: number[] = [];
  #blockedUntil = -Infinity;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: RateLimiterOptions) {
    const { ratePerSecond, marginMs = 0, fallbackRate = 2, share = 1 } = options;
    if (!(share > 0 && share <= 1)) throw new RangeError(`Expected \`share\` to be a number above 0 and at most 1, got \`${String(share)}\``);
    this.#share = share;
    const positive = (n: unknown) => typeof n === 'number' && n > 0 && Number.isFinite(n);
    if (ratePerSecond !== 'auto' && !positive(ratePerSecond)) {
      throw new RangeError(`Expected \`ratePerSecond\` to be a number above 0 or 'auto', got \`${String(ratePerSecond)}\``);
    }
    if (!positive(fallbackRate)) throw new RangeError(`Expected \`fallbackRate\` to be a number above 0, got \`${String(fallbackRate)}\``);
    if (!(marginMs >= 0)) throw new RangeError(`Expected \`marginMs\` to be a number from 0 and up, got \`${String(marginMs)}\``);
    this.#auto = ratePerSecond === 'auto';
    this.#source = this.#auto ? 'learning' : 'given';
    this.#fallbackRate = fallbackRate;
    // Learning: the interval is irrelevant (one request at a time, see #due); the fallback
    // until the first answer says better.
    this.#rate = ratePerSecond === 'auto' ? fallbackRate : ratePerSecond;
    this.#marginMs = marginMs;
    this.#clock = options.clock;
  }

  /** The current rate, lowered when the provider announces a lower limit. */
  get ratePerSecond(): number {
    return this.#rate;
  }

  /** Where the current rate came from. */
  get source(): RateSource {
    return this.#source;
  }

  /** Between two starts when evenly spaced. */
  /**
   * The window, 1 s plus the margin. Below 4/s a margin (when there is one) is at least a
   * tenth of one interval (50 ms at 2/s): a full-suite CI run at 2/s got a 429 with 25 ms,
   * when the loaded local server counted a request's head late; at 2/s the wider window
   * costs 2.4%, and from 4/s up the configured margin is already the larger.
   */
  get #span(): number {
    return WINDOW_MS + (this.#rate < 4 && this.#marginMs > 0 ? Math.max(this.#marginMs, (0.1 * WINDOW_MS) / this.#rate) : this.#marginMs);
  }

  get #interval(): number {
    return this.#span / this.#rate;
  }

  /** Requests allowed in one window (at least one, for fractional rates). */
  get #capacity(): number {
    return Math.max(1, Math.floor(this.#rate));
  }

  /**
   * Waits for the next slot and takes it. Resolves once the caller may start its request
   * (now), or `undefined` if `signal` aborted first (no slot taken).
   */
  acquire(signal?: AbortSignal): Promise<RateSlot | undefined> {
    const turn = this.#queue.then(() => this.#waitForSlot(signal));
    // The next waiter queues behind this one whatever happens to it.
    this.#queue = turn.catch(() => undefined);
    return turn;
  }

  /** No request starts before `time` (ms since the epoch), e.g. after a `retry-after`. */
  blockUntil(time: number): void {
    this.#blockedUntil = Math.max(this.#blockedUntil, time);
  }

  async #waitForSlot(signal: AbortSignal | undefined): Promise<RateSlot | undefined> {
    // When this waiter last slept until: once awake, the window's constraint that held it
    // has just left the window and no longer shows in #due, so lateness is measured from here.
    let target: number | undefined;
    for (;;) {
      if (signal?.aborted) return undefined;
      const now = this.#clock.now();
      const due = this.#due(now);
      if (due <= now) {
        // Late against when it was due: its timer fired late, or (no sleep) it came after
        // its turn, not ready in time. Either way the next may make up for it (see #due).
        // Later than a whole interval is not lateness but a pause (nothing to send): the
        // even spacing starts afresh from this request rather than letting the next follow
        // at once.
        const late = now - (target ?? due);
        return this.#take(now, late < this.#interval ? Math.max(0, late) : 0);
      }
      // Loop rather than trust one sleep: blockUntil may have moved, answers come in.
      if (due === Infinity) {
        // Learning the rate: the first answer tells it.
        await this.#nextAnswer(signal);
        continue;
      }
      target = due;
      await this.#clock.sleep(due - now, signal);
    }
  }

  /** Resolves when the next answer is in (or `signal` aborts). */
  #nextAnswer(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const wake = () => {
        signal?.removeEventListener('abort', wake);
        resolve();
      };
      this.#onAnswer.push(wake);
      signal?.addEventListener('abort', wake, { once: true });
    });
  }

  #take(now: number, lateness: number): RateSlot {
    // The real start time, not the planned one: the window is measured from when requests
    // really went (if the event loop was held up by an fsync or a GC, they went late).
    const request: Request = { start: now, lateness, ...(this.#taken < this.#capacity ? { cold: true } : {}) };
    this.#taken++;
    this.#requests.push(request);
    while (this.#requests.length > this.#capacity && (this.#requests[0] as Request).start < now - HISTORY_MS) this.#requests.shift();
    let finished = false;
    return {
      startedAt: now,
      done: (answer) => {
        if (finished) return;
        finished = true;
        request.end = this.#clock.now();
        request.latency = request.end - request.start;
        pushSample(this.#latencies, request.latency);
        if (answer?.uploadMs !== undefined && answer.uploadMs >= 0) {
          request.upload = answer.uploadMs;
          pushSample(this.#uploads, answer.uploadMs);
        }
        this.#observe(answer?.rateLimit, request.start);
        for (const wake of this.#onAnswer.splice(0)) wake();
      },
    };
  }

  /**
   * When the next request is due: the earliest time it may start (-Infinity when nothing
   * holds it back).
   */
  #due(now: number): number {
    // Learning the rate ('auto', no answer yet): one request alone, and the next only once
    // its answer is in — it carries `ratelimit-limit`. Pacing at a guess instead could
    // earn a 429 on a team whose limit is below the guess, and each costs a second.
    if (this.#source === 'learning' && this.#requests.some((r) => r.end === undefined)) return Infinity;
    let at = this.#blockedUntil;
    const last = this.#requests[this.#requests.length - 1];
    // Even spacing: one start every span/rate ms (102.5 ms at 10/s with a 25 ms margin).
    // When the last one started late (a busy event loop, or a body not built in time), this
    // one may make up for it, up to one interval: otherwise every late start would push all
    // the rest back, and a 20-second send would lose a second or two to lateness alone. The
    // window check below still counts where requests really were, so this cannot put too
    // many in a window.
    if (last !== undefined) at = Math.max(at, last.start + this.#interval - last.lateness);
    // The window: the next start must wait until the capacity-th latest place has left it.
    // The quickest recent upload and answer, once: the history holds up to a minute of requests.
    const quickest = { upload: Math.min(...this.#uploads), latency: Math.min(...this.#latencies) };
    const places = this.#requests.map((r) => this.#place(r, quickest)).filter((p) => p > now - this.#span);
    if (places.length >= this.#capacity) {
      places.sort((a, b) => b - a);
      at = Math.max(at, (places[this.#capacity - 1] as number) + this.#span);
    }
    return at;
  }

  /**
   * When the provider may have counted the request: its start, plus how much longer than
   * the quickest recent one it took to leave (when the transport could tell), else plus
   * its excess latency (an upper bound: the answer came no sooner than the arrival, but
   * the provider's processing time is in it too).
   */
  #place(request: Request, quickest: { upload: number; latency: number }): number {
    // Seen in a takeover run (tests/scripts/send-lease.test.ts): the first request's head
    // reached the server before its upload looked slow against the quick ones after it,
    // so its place came out earlier than its count and the 11th request got a 429. And on
    // a loaded machine, when the second request left the moment the first answer came: it
    // took 70 ms to leave, no slower than the only other sample (the cold first, 133 ms),
    // so it looked on time, but the provider counted it 69 ms after its start and the
    // request a window after that start got a 429. So the whole first window is placed at
    // its answers.
    if (request.cold === true && request.end !== undefined) return request.end;
    if (request.upload !== undefined) return request.start + Math.max(0, request.upload - quickest.upload);
    if (request.latency === undefined) return request.start;
    return request.start + Math.max(0, request.latency - quickest.latency);
  }

  /**
   * Slows down on what the provider said about its limit after a request:
   * - a `limit` below our rate: adopt it (someone passed `--rate 20` to a 10/s account);
   * - `remaining: 0` while fewer than the limit of our own requests can have been in the
   *   provider's window (started before this one, answered less than a second before it
   *   started): others share the API key, so our pacing is not enough — hold off until
   *   `reset`. (At our own full rate `remaining` is 0 after every request; that is
   *   expected, and the window already waits for the oldest request to leave it.)
   */
  #observe(rateLimit: BatchResult['rateLimit'], startedAt: number): void {
    const limit = rateLimit?.limit !== undefined && rateLimit.limit >= 1 ? rateLimit.limit : undefined;
    if (this.#auto && limit !== undefined) {
      // 'auto': the provider's word, up or down (a team's limit can be raised mid-send).
      this.#rate = limit * this.#share;
      this.#source = 'ratelimit-limit';
    } else if (this.#source === 'learning') {
      // An answer without the header: no word to wait for, so the safe fallback.
      this.#rate = this.#fallbackRate;
      this.#source = 'fallback';
    }
    if (rateLimit === undefined) return;
    const { remaining, resetMs } = rateLimit;
    if (!this.#auto && limit !== undefined && limit < this.#rate) this.#rate = limit;
    if (remaining === 0) {
      const ours = this.#requests.filter((r) => r.start <= startedAt && (r.end ?? Infinity) > startedAt - WINDOW_MS).length;
      if (ours < (limit ?? this.#capacity)) this.blockUntil(startedAt + (resetMs ?? this.#span));
    }
  }
}
