import { NewsletterError } from '../errors.ts';
import type { Store } from '../store/open-store.ts';
import { isSuppressed, suppress, suppressionInputSchema, type SuppressionInput } from '../store/suppressions.ts';

export interface SuppressionWriter {
  /** Resolves once the suppression is committed (on disk: the store is synchronous=FULL). */
  suppress(input: SuppressionInput): Promise<{ added: boolean }>;
}

/**
 * Group commit for the unsubscribe endpoint. The store fsyncs every commit
 * (synchronous=FULL, so a 200 answer means the unsubscribe survives a power cut), and one
 * fsync costs ~0.5 ms here: one transaction per request would cap the endpoint near
 * 2,000 requests/s with nothing else running, and hold the write lock against a running
 * send once per request. Instead, every request that arrives in one turn of the event
 * loop joins one IMMEDIATE transaction, committed in `setImmediate` (after the poll
 * phase has read all the requests that were waiting), and each request answers only
 * after that commit.
 *
 * An address already suppressed is answered from a read (WAL readers take no lock), so
 * a mail client that repeats its one-click POST costs no write at all.
 */
export function createSuppressionWriter(store: Store): SuppressionWriter {
  type Pending = { input: SuppressionInput; resolve: (r: { added: boolean }) => void; reject: (e: unknown) => void };
  let queue: Pending[] = [];
  let scheduled = false;

  const commit = store.db.transaction((items: Pending[]) => items.map((p) => suppress(store, p.input)));

  const flush = () => {
    scheduled = false;
    const batch = queue;
    queue = [];
    let results: { added: boolean }[];
    try {
      // Inputs were validated on the way in, so only the database can fail here (busy
      // past busy_timeout, disk full); then nothing of the batch is committed, and every
      // request in it is told so.
      results = commit.immediate(batch);
    } catch (error) {
      for (const p of batch) p.reject(error);
      return;
    }
    batch.forEach((p, i) => p.resolve(results[i] as { added: boolean }));
  };

  return {
    suppress(input) {
      const parsed = suppressionInputSchema.safeParse(input);
      if (!parsed.success) {
        return Promise.reject(
          new NewsletterError('bad-suppression', 'Cannot record the suppression:', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)),
        );
      }
      if (isSuppressed(store, parsed.data.address)) return Promise.resolve({ added: false });
      return new Promise((resolve, reject) => {
        queue.push({ input, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
  };
}
