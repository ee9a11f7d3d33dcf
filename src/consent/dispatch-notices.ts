import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay } from '../send/backoff.ts';
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
   * Least time between two calls. Resend's limit is per team and shared with every send
   * (5 requests/s by default): notices go one a request and leave the rest to campaigns.
   * @default 250 (4/s) through Resend, 0 for the outbox
   */
  minIntervalMs?: number;
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
  const minInterval = options.minIntervalMs ?? (transport.name === 'resend' ? 250 : 0);
  const backoff = options.backoff ?? { baseMs: 30_000, maxMs: 3_600_000 };
  const random = options.random ?? Math.random;
  const limit = options.limit ?? Infinity;
  const report: DispatchReport = { sent: 0, failed: 0, retrying: 0 };
  const tried = new Set<string>();
  let lastCall = -Infinity;
  while (report.sent + report.failed + report.retrying < limit) {
    if (options.signal?.aborted) break;
    const batch = owedNotices(store, { readyAt: options.all === true ? Date.parse('9999-12-31') : now(), limit: 100 }).filter((r) => !tried.has(r.id));
    if (batch.length === 0) break;
    for (const row of batch) {
      if (options.signal?.aborted || report.sent + report.failed + report.retrying >= limit) break;
      tried.add(row.id);
      const wait = lastCall + minInterval - performance.now();
      if (wait > 0) await sleep(wait);
      lastCall = performance.now();
      const message = await noticeMessage(row, context);
      markNoticeAttempt(store, row.id);
      try {
        // No signal: stopping waits for this call (the transport has its own timeout),
        // so a notice is never left in flight by a graceful stop.
        const result = await transport.sendBatch([message], { idempotencyKey: noticeIdempotencyKey(row.id) });
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
