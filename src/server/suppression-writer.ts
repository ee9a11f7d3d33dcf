import { NewsletterError } from '../errors.ts';
import type { Store } from '../store/open-store.ts';
import { isSuppressed, suppress, suppressionInputSchema, type SuppressionInput } from '../store/suppressions.ts';

export interface SuppressionWriter {
  /** Resolves once the suppression is committed (on disk: the store is synchronous=FULL). */
  suppress(input: SuppressionInput): Promise<{ added: boolean }>;
}

export interface WriterOptions {
  /** How long a batch may wait for the write lock before its requests get a 503. @default 5000 */
  lockTimeoutMs?: number;
  /**
   * What one request writes, inside the batch's transaction. @default `suppress` — serve
   * passes `recordRefusal`, which adds the status, the consent log and the §50⑦ notice.
   */
  write?: (input: SuppressionInput & { at: number }) => { added: boolean };
}

/**
 * Group commit for the unsubscribe endpoint.
 *
 * Why batch: the store fsyncs every commit (synchronous=FULL, so a 200 answer means the
 * unsubscribe survives a power cut), and one fsync costs ~0.5 ms here; one transaction
 * per request would cap the endpoint near 2,000 requests/s with nothing else running.
 * Every request that arrives in one turn of the event loop joins one IMMEDIATE
 * transaction, committed in `setImmediate` (after the poll phase has read all the
 * requests that were waiting), and each request answers only after that commit.
 *
 * Why not simply wait on the lock: while `newsletter send` holds the write lock,
 * SQLite's busy handler sleeps *in this thread* (1, 2, 5 … 100 ms per try), and the
 * whole server — pages, webhooks, every other request — stops with it. So the commit is
 * tried without waiting (busy_timeout 0 for that call only), and on SQLITE_BUSY the
 * batch is retried a millisecond or two later from a timer: the event loop keeps
 * serving, and the requests that arrive meanwhile join the same batch.
 *
 * An address already suppressed is answered from a read (WAL readers take no lock), so
 * a mail client that repeats its one-click POST costs no write at all.
 */
export function createSuppressionWriter(store: Store, options: WriterOptions = {}): SuppressionWriter {
  const lockTimeoutMs = options.lockTimeoutMs ?? 5000;
  type Pending = { input: SuppressionInput; resolve: (r: { added: boolean }) => void; reject: (e: unknown) => void };
  let queue: Pending[] = [];
  let scheduled = false;
  /** When the current batch first found the lock taken; undefined while not waiting. */
  let waitingSince: number | undefined;
  let retries = 0;

  const db = store.db;
  const write = options.write ?? ((input: SuppressionInput) => suppress(store, input));
  const commit = db.transaction((items: Pending[]) => items.map((p) => write(p.input)));
  const busyTimeout = db.pragma('busy_timeout', { simple: true }) as number;

  const schedule = (delayMs: number) => {
    scheduled = true;
    if (delayMs === 0) setImmediate(flush);
    else setTimeout(flush, delayMs);
  };

  function flush() {
    scheduled = false;
    const batch = queue;
    queue = [];
    if (batch.length === 0) return;
    let results: { added: boolean }[];
    db.pragma('busy_timeout = 0');
    try {
      results = commit.immediate(batch);
    } catch (error) {
      if (isBusy(error) && (waitingSince ??= performance.now()) + lockTimeoutMs > performance.now()) {
        // Back in the queue, first, so the order of commits stays the order of arrival.
        queue = batch.concat(queue);
        retries++;
        schedule(Math.min(1 + retries, 10));
        return;
      }
      // Busy past the timeout, disk full, … : nothing of the batch was committed, and
      // every request in it is told so (503, try again).
      waitingSince = undefined;
      retries = 0;
      for (const p of batch) p.reject(error);
      return;
    } finally {
      db.pragma(`busy_timeout = ${busyTimeout}`);
    }
    waitingSince = undefined;
    retries = 0;
    batch.forEach((p, i) => p.resolve(results[i] as { added: boolean }));
  }

  return {
    suppress(input) {
      // Validated here, one by one, so that only the database can fail a whole batch.
      const parsed = suppressionInputSchema.safeParse(input);
      if (!parsed.success) {
        return Promise.reject(
          new NewsletterError('bad-suppression', 'Cannot record the suppression:', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)),
        );
      }
      if (isSuppressed(store, parsed.data.address)) return Promise.resolve({ added: false });
      return new Promise((resolve, reject) => {
        queue.push({ input, resolve, reject });
        if (!scheduled) schedule(0);
      });
    },
  };
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT';
}
