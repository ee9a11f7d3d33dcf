import { NewsletterError } from '../errors.ts';
import { createGroupCommit } from '../store/group-commit.ts';
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
 * Group commit for the unsubscribe endpoint (src/store/group-commit.ts): every request
 * of one event-loop turn in one transaction, answered after its commit, the lock tried
 * without stalling the server.
 *
 * An address already suppressed is answered from a read (WAL readers take no lock), so
 * a mail client that repeats its one-click POST costs no write at all.
 */
export function createSuppressionWriter(store: Store, options: WriterOptions = {}): SuppressionWriter {
  const write = options.write ?? ((input: SuppressionInput) => suppress(store, input));
  const group = createGroupCommit(store, write, options.lockTimeoutMs === undefined ? {} : { lockTimeoutMs: options.lockTimeoutMs });
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
      return group.submit(input);
    },
  };
}
