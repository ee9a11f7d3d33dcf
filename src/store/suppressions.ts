import { createHash } from 'node:crypto';
import { z } from 'zod';
import { NewsletterError } from '../errors.ts';
import type { Store } from './open-store.ts';
import { preparedStatements } from './prepared.ts';

/**
 * Addresses that must never be sent to again, in every campaign: they unsubscribed,
 * bounced, complained, or were removed by hand. The send loop reads this table; the
 * unsubscribe/webhook server writes it, in the same database file (WAL lets both run).
 * Addresses are compared case-insensitively (stored lower-cased).
 */
export const suppressionReasons = ['unsubscribed', 'bounced', 'complained', 'manual'] as const;
export type SuppressionReason = (typeof suppressionReasons)[number];

export const suppressionInputSchema = z.object({
  address: z.string().trim().min(3).includes('@', { message: 'must be an email address' }),
  reason: z.enum(suppressionReasons),
  /** The campaign the unsubscribe link or the bounce came from, when known. */
  campaign: z.string().min(1).optional(),
  /** Who wrote it, for the record: `unsubscribe-link`, `webhook`, `cli` … */
  source: z.string().min(1),
  /** When, in ms since the epoch (the caller's clock). */
  at: z.number().finite(),
});
export type SuppressionInput = z.input<typeof suppressionInputSchema>;

export interface Suppression {
  address: string;
  reason: SuppressionReason;
  campaign: string | undefined;
  source: string;
  createdAt: string;
}

/**
 * True when the address (any case) is suppressed, or was erased (`subscribers erase`
 * keeps only its hash, so that it is never mailed again).
 */
export function isSuppressed(store: Store, address: string): boolean {
  const lower = address.toLowerCase();
  return statements(store).get.get(lower, addressHash(lower)) !== undefined;
}

/** Above this many suppressed and erased addresses together, `suppressionSnapshot` asks the table row by row. */
const SNAPSHOT_MAX = 200_000;

/**
 * `isSuppressed` for a pass over a whole list, against the table as it is now: read into
 * memory once when it is not too large (up to 200,000 addresses, ~20 MB), so each row costs
 * a Set lookup instead of a query and a sha256 (8.5 µs a row: 170 ms of a 20,000-row plan
 * before the first request). The hash is computed only when some address was erased.
 * For what is decided once for the pass (the plan); the send itself asks `isSuppressed`
 * per batch, so an unsubscribe during the send still counts.
 */
export function suppressionSnapshot(store: Store, options: { maxInMemory?: number } = {}): (address: string) => boolean {
  const count = store.db.prepare('SELECT (SELECT count(*) FROM suppressions) + (SELECT count(*) FROM erasures)').pluck().get() as number;
  if (count > (options.maxInMemory ?? SNAPSHOT_MAX)) return (address) => isSuppressed(store, address);
  const addresses = new Set(store.db.prepare('SELECT address FROM suppressions').pluck().all() as string[]);
  const erased = new Set(store.db.prepare('SELECT address_hash FROM erasures').pluck().all() as string[]);
  return (address) => {
    const lower = address.toLowerCase();
    return addresses.has(lower) || (erased.size > 0 && erased.has(addressHash(lower)));
  };
}

/** What an erased address leaves behind: sha256 of the lower-cased address, hex. */
export function addressHash(address: string): string {
  return createHash('sha256').update(address.toLowerCase(), 'utf8').digest('hex');
}

/** The subscriber status each reason moves a stored subscriber to (manual: removed by hand). */
const STATUS_FOR: Record<SuppressionReason, string> = {
  unsubscribed: 'unsubscribed',
  bounced: 'bounced',
  complained: 'complained',
  manual: 'unsubscribed',
};

/**
 * Records a suppression. The first record wins: a later bounce does not overwrite an
 * unsubscribe (the original reason and date are what an audit asks for).
 * Returns whether the address was newly added.
 */
export function suppress(store: Store, input: SuppressionInput): { added: boolean } {
  const parsed = suppressionInputSchema.safeParse(input);
  if (!parsed.success) {
    throw new NewsletterError(
      'bad-suppression',
      'Cannot record the suppression:',
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
    );
  }
  const s = parsed.data;
  const result = statements(store).insert.run({
    address: s.address.toLowerCase(),
    reason: s.reason,
    campaign: s.campaign ?? null,
    source: s.source,
    created_at: new Date(s.at).toISOString(),
  });
  // The suppression list is the final word for every send; the stored list's status
  // follows it, so `subscribers list` and the stored-list send agree with it.
  if (result.changes === 1) {
    statements(store).moveStatus.run({ address: s.address.toLowerCase(), status: STATUS_FOR[s.reason], at: new Date(s.at).toISOString() });
  }
  return { added: result.changes === 1 };
}

/** Every suppression, oldest first; optionally only one reason. */
export function listSuppressions(store: Store, options: { reason?: SuppressionReason } = {}): Suppression[] {
  const rows = (options.reason === undefined ? statements(store).all.all() : statements(store).byReason.all(options.reason)) as Row[];
  return rows.map((r) => ({ address: r.address, reason: r.reason, campaign: r.campaign ?? undefined, source: r.source, createdAt: r.created_at }));
}

/** Lifts a suppression (say, a re-subscribe). Returns whether there was one. */
export function removeSuppression(store: Store, address: string): boolean {
  return statements(store).remove.run(address.toLowerCase()).changes === 1;
}

/** How many addresses are suppressed, by reason. */
export function countSuppressions(store: Store): Record<SuppressionReason, number> {
  const counts: Record<SuppressionReason, number> = { unsubscribed: 0, bounced: 0, complained: 0, manual: 0 };
  for (const row of statements(store).counts.all() as { reason: SuppressionReason; n: number }[]) counts[row.reason] = row.n;
  return counts;
}

interface Row {
  address: string;
  reason: SuppressionReason;
  campaign: string | null;
  source: string;
  created_at: string;
}

const statements = preparedStatements(prepare);

function prepare(db: Store['db']) {
  return {
    get: db.prepare('SELECT 1 FROM suppressions WHERE address = ? UNION ALL SELECT 1 FROM erasures WHERE address_hash = ?').pluck(),
    moveStatus: db.prepare(
      `UPDATE subscribers SET status = @status, status_at = @at, updated_at = @at, confirm_nonce = NULL
       WHERE address = @address AND status IN ('pending', 'active')`,
    ),
    insert: db.prepare(
      `INSERT INTO suppressions (address, reason, campaign, source, created_at)
       VALUES (@address, @reason, @campaign, @source, @created_at)
       ON CONFLICT (address) DO NOTHING`,
    ),
    all: db.prepare('SELECT * FROM suppressions ORDER BY created_at, address'),
    byReason: db.prepare('SELECT * FROM suppressions WHERE reason = ? ORDER BY created_at, address'),
    remove: db.prepare('DELETE FROM suppressions WHERE address = ?'),
    counts: db.prepare('SELECT reason, count(*) AS n FROM suppressions GROUP BY reason'),
  };
}
