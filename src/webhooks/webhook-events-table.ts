import type { Database } from 'better-sqlite3';

/**
 * The webhook events we accepted, one row per svix-id: the replay guard and the
 * delivery record that `newsletter status` counts.
 *
 * Not in src/store/migrate.ts on purpose: that schema belongs to the send journal, and
 * this table is the webhook receiver's own. `CREATE … IF NOT EXISTS` on the shared
 * database file makes it appear the first time either side needs it, in any order, and
 * leaves `user_version` (the journal's migrations) alone.
 *
 * No address is stored: `email_id` is Resend's id of the message, which the journal's
 * `recipients.provider_id` already ties to a recipient; bounces and complaints write
 * the address to `suppressions`, where it must be.
 */
export function ensureWebhookTables(db: Database): void {
  if (ready.has(db)) return;
  db.exec(`
    CREATE TABLE IF NOT EXISTS webhook_events (
      svix_id     TEXT PRIMARY KEY,
      type        TEXT NOT NULL,              -- as sent: email.delivered, email.bounced …
      campaign    TEXT,                       -- the message's campaign tag, when it had one
      email_id    TEXT,                       -- Resend's message id
      event_at    TEXT,                       -- the event's created_at
      received_at TEXT NOT NULL
    ) STRICT;
    CREATE INDEX IF NOT EXISTS webhook_events_by_campaign ON webhook_events (campaign, type);
  `);
  ready.add(db);
}

const ready = new WeakSet<Database>();
