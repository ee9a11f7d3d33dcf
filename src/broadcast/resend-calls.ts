import { setTimeout as sleep } from 'node:timers/promises';
import { NewsletterError } from '../errors.ts';

/**
 * Every Resend call the broadcast transport makes goes through `call`: paced under the
 * team's rate limit (which all calls and keys share), given a timeout, and retried when
 * that is safe.
 *
 * The resend SDK never throws for an API error, never retries and has no timeout: it
 * resolves `{data, error, headers}`, with `error.statusCode` null when the request got no
 * answer (a dropped connection, our own abort). So here:
 * - 429: wait what `retry-after` (else `ratelimit-reset`) says, and try again — Resend
 *   did nothing with the request.
 * - no answer, or 5xx: for a call that is safe to repeat (reads; an upsert import; a
 *   property that may already exist) back off and try again. For one that is not (create
 *   a broadcast, send it), throw `AmbiguousCall`: the caller must ask Resend what happened
 *   before anything is repeated.
 * - any other error: a NewsletterError that says what Resend answered.
 */

type SdkAnswer<T> = { data: T | null; error: { message: string; statusCode: number | null; name: string } | null; headers: Record<string, string> | null };

export interface CallPace {
  /** Resolves when the next request may leave. */
  acquire(signal?: AbortSignal): Promise<void>;
  /** An answer's headers: `ratelimit-limit` sets the pace, `ratelimit-remaining: 0` waits for `-reset`. */
  observe(headers: Record<string, string> | null): void;
  /** Requests per second now, and where that came from. */
  readonly rate: { perSecond: number; source: 'given' | 'ratelimit-limit' | 'safe start' };
}

/** The lowest rate Resend has given a team (the old default): safe before any answer told us the limit. */
const SAFE_START = 2;

/**
 * One request at a time, spaced by the team's limit with a tenth of an interval to spare:
 * `rate` forces it (`--rate`); `auto` starts at 2/s and takes the first answer's
 * `ratelimit-limit`.
 */
export function createCallPace(options: { rate: number | 'auto'; now?: () => number }): CallPace {
  const now = options.now ?? Date.now;
  const rate: { perSecond: number; source: CallPace['rate']['source'] } =
    options.rate === 'auto' ? { perSecond: SAFE_START, source: 'safe start' } : { perSecond: options.rate, source: 'given' };
  let next = 0;
  let holdUntil = 0;
  return {
    rate,
    async acquire(signal) {
      const interval = 1000 / rate.perSecond;
      const at = Math.max(next, holdUntil, now());
      next = at + interval * 1.1;
      const wait = at - now();
      if (wait > 0) await sleep(wait, undefined, signal === undefined ? undefined : { signal });
    },
    observe(headers) {
      if (headers === null) return;
      const limit = Number(headers['ratelimit-limit']);
      if (options.rate === 'auto' && Number.isFinite(limit) && limit > 0) {
        rate.perSecond = limit;
        rate.source = 'ratelimit-limit';
      }
      const remaining = Number(headers['ratelimit-remaining']);
      const reset = Number(headers['ratelimit-reset']);
      if (remaining === 0 && Number.isFinite(reset) && reset > 0) holdUntil = Math.max(holdUntil, now() + reset * 1000);
    },
  };
}

/** The request may or may not have been carried out: ask Resend before repeating it. */
export class AmbiguousCall extends NewsletterError {
  constructor(readonly label: string, detail: string) {
    super('resend-ambiguous', `Resend did not answer ${label} (${detail}): it may or may not have been done.`);
  }
}

export interface Caller {
  call<T>(label: string, safe: boolean, run: (options: { signal: AbortSignal }) => Promise<SdkAnswer<T>>): Promise<T>;
  readonly pace: CallPace;
}

export function createCaller(options: { pace: CallPace; timeoutMs: number; signal?: AbortSignal; maxAttempts?: number; backoffMs?: number; onNotice?: (message: string) => void }): Caller {
  const { pace, timeoutMs, maxAttempts = 8, backoffMs = 500 } = options;
  return {
    pace,
    async call<T>(label: string, safe: boolean, run: (options: { signal: AbortSignal }) => Promise<SdkAnswer<T>>): Promise<T> {
      for (let attempt = 1; ; attempt++) {
        options.signal?.throwIfAborted();
        await pace.acquire(options.signal);
        const timeout = AbortSignal.timeout(timeoutMs);
        const signal = options.signal === undefined ? timeout : AbortSignal.any([timeout, options.signal]);
        const answer = await run({ signal });
        pace.observe(answer.headers);
        if (answer.error === null) return answer.data as T;
        options.signal?.throwIfAborted();
        const { statusCode, name, message } = answer.error;
        const last = attempt >= maxAttempts;
        if (statusCode === 429 && !last) {
          const seconds = Number(answer.headers?.['retry-after'] ?? answer.headers?.['ratelimit-reset'] ?? 1);
          options.onNotice?.(`Resend said 429 (rate limit) to ${label}; waiting ${seconds} s.`);
          await sleep(Math.max(1, seconds) * 1000, undefined, options.signal === undefined ? undefined : { signal: options.signal });
          continue;
        }
        const noAnswer = statusCode === null || statusCode >= 500;
        if (noAnswer && !safe) throw new AmbiguousCall(label, statusCode === null ? (timeout.aborted ? `no answer in ${timeoutMs / 1000} s` : 'no answer') : `${statusCode} ${name}`);
        if (noAnswer && !last) {
          await sleep(backoffMs * 2 ** (attempt - 1), undefined, options.signal === undefined ? undefined : { signal: options.signal });
          continue;
        }
        throw new NewsletterError('resend-api', `Resend refused ${label}: ${statusCode ?? 'no answer'} ${name}: ${message}`);
      }
    },
  };
}
