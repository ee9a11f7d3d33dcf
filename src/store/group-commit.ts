import type { Store } from './open-store.ts';

export interface GroupCommit<I, R> {
  /** Resolves with `write(input)`'s result once its batch is committed (on disk: synchronous=FULL). */
  submit(input: I): Promise<R>;
}

/**
 * Group commit: every input submitted in one turn of the event loop is written in one
 * IMMEDIATE transaction, committed in `setImmediate` (after the poll phase has read all
 * the requests that were waiting), and each caller's promise resolves only after that
 * commit.
 *
 * Why batch: the store fsyncs every commit (synchronous=FULL, so a 200 answer means the
 * write survives a power cut), and one fsync costs ~0.5 ms here; one transaction per
 * request caps an endpoint near 1,000–2,000 requests/s with nothing else running (the
 * webhook receiver measured 974/s that way, bench/report.ts).
 *
 * Why not simply wait on the lock: while `newsletter send` holds the write lock,
 * SQLite's busy handler sleeps *in this thread* (1, 2, 5 … 100 ms per try), and the
 * whole server stops with it. So the commit is tried without waiting (busy_timeout 0
 * for that call only), and on SQLITE_BUSY the batch is retried a millisecond or two
 * later from a timer: the event loop keeps serving, and what arrives meanwhile joins
 * the same batch. Past `lockTimeoutMs`, or on any other error, nothing of the batch was
 * committed and every caller in it is rejected.
 *
 * `write` runs inside the batch's transaction; an error it throws fails the whole batch,
 * so a write that may fail alone should catch its own error (in a nested transaction,
 * which better-sqlite3 makes a savepoint) and return it.
 */
export function createGroupCommit<I, R>(store: Store, write: (input: I) => R, options: { lockTimeoutMs?: number } = {}): GroupCommit<I, R> {
  const lockTimeoutMs = options.lockTimeoutMs ?? 5000;
  type Pending = { input: I; resolve: (r: R) => void; reject: (e: unknown) => void };
  let queue: Pending[] = [];
  let scheduled = false;
  /** When the current batch first found the lock taken; undefined while not waiting. */
  let waitingSince: number | undefined;
  let retries = 0;

  const db = store.db;
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
    let results: R[];
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
      waitingSince = undefined;
      retries = 0;
      for (const p of batch) p.reject(error);
      return;
    } finally {
      db.pragma(`busy_timeout = ${busyTimeout}`);
    }
    waitingSince = undefined;
    retries = 0;
    batch.forEach((p, i) => p.resolve(results[i] as R));
  }

  return {
    submit(input) {
      return new Promise<R>((resolve, reject) => {
        queue.push({ input, resolve, reject });
        if (!scheduled) schedule(0);
      });
    },
  };
}

export function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT';
}
