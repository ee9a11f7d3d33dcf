import { NewsletterError } from '../errors.ts';
import type { Store } from '../store/open-store.ts';
import { addressHash } from '../store/suppressions.ts';

export interface EraseResult {
  /** Rows removed or anonymized, by table. */
  subscriber: boolean;
  consentLog: number;
  notices: number;
  suppression: boolean;
  campaignRecipients: number;
}

/**
 * 개인정보 보호법 제36조 (the right to deletion): removes every trace of the address's
 * personal data — the subscriber row with its name and merge fields, its consent log, the
 * notices owed to it, its suppression row — and anonymizes the journal's rows of the
 * campaigns it was sent (the counts stay right, the address and name go). What stays is
 * one hash in `erasures`, which `isSuppressed` checks, so the address is never mailed
 * again by any send, stored list or CSV.
 *
 * Refused while the address sits in a batch still open in the journal: that batch must go
 * out again byte for byte (its idempotency key and payload hash), and it would have to be
 * rebuilt from the very data being erased. Resuming the campaign first closes it.
 */
export function eraseSubscriber(store: Store, email: string, at: number): EraseResult {
  const address = email.trim().toLowerCase();
  const hash = addressHash(address);
  const db = store.db;
  return db
    .transaction((): EraseResult => {
      const open = db.prepare(`SELECT campaign FROM recipients WHERE address = ? AND state = 'queued' LIMIT 1`).pluck().get(address) as string | undefined;
      if (open !== undefined) {
        throw new NewsletterError(
          'erase-in-open-batch',
          `${email} is in a batch of campaign ${open} that was left open by an interrupted send — resume it first (run the same send command again), then erase.`,
        );
      }
      const subscriber = db.prepare('DELETE FROM subscribers WHERE address = ?').run(address).changes === 1;
      const consentLog = db.prepare('DELETE FROM consent_log WHERE address = ?').run(address).changes;
      const notices = db.prepare('DELETE FROM notices WHERE address = ?').run(address).changes;
      const suppression = db.prepare('DELETE FROM suppressions WHERE address = ?').run(address).changes === 1;
      const campaignRecipients = db
        .prepare(`UPDATE recipients SET address = 'erased:' || @hash, email = 'erased', name = NULL, fields = '{}', reason = NULL WHERE address = @address`)
        .run({ address, hash }).changes;
      db.prepare('INSERT INTO erasures (address_hash, erased_at) VALUES (?, ?) ON CONFLICT (address_hash) DO NOTHING').run(hash, new Date(at).toISOString());
      return { subscriber, consentLog, notices, suppression, campaignRecipients };
    })
    .immediate();
}
