import { backoffDelay } from '../send/backoff.ts';
import { systemClock } from '../send/clock.ts';
import { RateLimiter } from '../send/rate-limiter.ts';
import type { Store } from '../store/open-store.ts';
import { TransportError, type Transport } from '../transport/transport.ts';
import { noticeMessage, type NoticeContext } from './notice-message.ts';
import { markNoticeAttempt, markNoticeFailed, markNoticeSent, noticeIdempotencyKey, owedNotices, type NoticeRow } from './notices.ts';

export interface DispatchOptions {
  store: Store;
  transport: Transport;
  context: NoticeContext;
  now: () => number;
  /**
   * Paces the calls. Resend's limit is per team and shared with every send (5 requests/s by
   * default, 2 for older teams): through Resend, by default, notices go one a request at half
   * the limit its answers announce (`ratelimit-limit`; the first call alone until its answer
   * says it) and leave the other half to campaigns, holding off when an answer says the
   * window is full (`createNoticePace`). `serve` keeps one for its lifetime, so the limit is
   * learned once. The outbox is not paced.
   */
  pace?: RateLimiter;
  /** Send every owed notice now, even those waiting for a retry time (a person asked). @default false */
  all?: boolean;
  /** Stop after this many notices (the rest stay owed). @default Infinity */
  limit?: number;
  /** Checked between notices: no new one starts once it is aborted. */
  signal?: AbortSignal;
  /** Backoff of retryable failures: 30 s doubling up to 1 h. */
  backoff?: { baseMs: number; maxMs: number };
  random?: () => number;
  onResult?: (row: NoticeRow, result: { ok: true; id: string } | { ok: false; error: string; retryAt: number | undefined }) => void;
}

/**
 * The pace of notices through `transport`: for Resend, half the team's limit, learned from
 * its answers (1/s until an answer says); none for the outbox.
 */
export function createNoticePace(transport: Transport): RateLimiter | undefined {
  if (transport.name !== 'resend') return undefined;
  return new RateLimiter({ ratePerSecond: 'auto', share: 0.5, fallbackRate: 1, marginMs: 25, clock: systemClock });
}

export interface DispatchReport {
  sent: number;
  /** Failed permanently (a refused address, a bad request): shown by `newsletter notices`. */
  failed: number;
  /** Failed for now (429, 5xx, network): retried at their next_try_at. */
  retrying: number;
}

/**
 * Sends every notice whose time has come, one by one, exactly once each: the attempt is
 * journaled before the call and the outcome after it; a notice found `in_flight` (a crash
 * mid-call) goes again with its idempotency key. Used by `serve` (on every new notice and
 * on a timer) and by `newsletter notices` / `consent remind`.
 */
export async function dispatchNotices(options: DispatchOptions): Promise<DispatchReport> {
  const { store, transport, context, now } = options;
  const pace = options.pace ?? createNoticePace(transport);
  const backoff = options.backoff ?? { baseMs: 30_000, maxMs: 3_600_000 };
  const random = options.random ?? Math.random;
  const limit = options.limit ?? Infinity;
  const report: DispatchReport = { sent: 0, failed: 0, retrying: 0 };
  const tried = new Set<string>();
  while (report.sent + report.failed + report.retrying < limit) {
    if (options.signal?.aborted) break;
    const batch = owedNotices(store, { readyAt: options.all === true ? Date.parse('9999-12-31') : now(), limit: 100 }).filter((r) => !tried.has(r.id));
    if (batch.length === 0) break;
    for (const row of batch) {
      if (options.signal?.aborted || report.sent + report.failed + report.retrying >= limit) break;
      tried.add(row.id);
      const message = await noticeMessage(row, context);
      // The slot before the attempt is journaled: a stop while waiting for it leaves the notice as it was.
      const slot = await pace?.acquire(options.signal);
      if (pace !== undefined && slot === undefined) break;
      markNoticeAttempt(store, row.id);
      try {
        // No signal: stopping waits for this call (the transport has its own timeout),
        // so a notice is never left in flight by a graceful stop.
        const result = await transport.sendBatch([message], { idempotencyKey: noticeIdempotencyKey(row.id) });
        slot?.done(result);
        const outcome = result.outcomes[0];
        if (outcome?.ok) {
          markNoticeSent(store, row.id, outcome.id, now());
          report.sent++;
          options.onResult?.(row, { ok: true, id: outcome.id });
        } else {
          const error = outcome?.reason ?? 'no outcome';
          markNoticeFailed(store, row.id, error, now(), undefined);
          report.failed++;
          options.onResult?.(row, { ok: false, error, retryAt: undefined });
        }
      } catch (error) {
        if (error instanceof TransportError) {
          slot?.done(error.rateLimit === undefined ? undefined : { rateLimit: error.rateLimit });
          if (error.retryAfterMs !== undefined) pace?.blockUntil(systemClock.now() + error.retryAfterMs);
        } else slot?.done();
        const retryable = !(error instanceof TransportError) || error.retryable;
        const text = error instanceof Error ? error.message : String(error);
        const retryAt = retryable
          ? now() + Math.max(5000, backoffDelay(row.attempts, backoff, random, error instanceof TransportError ? error.retryAfterMs : undefined))
          : undefined;
        markNoticeFailed(store, row.id, text, now(), retryAt);
        if (retryable) report.retrying++;
        else report.failed++;
        options.onResult?.(row, { ok: false, error: text, retryAt });
      }
    }
  }
  return report;
}
