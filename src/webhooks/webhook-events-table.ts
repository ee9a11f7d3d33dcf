import type { Database } from 'better-sqlite3';
import { ROLLUP_TABLES } from './event-rollups.ts';

/**
 * The webhook events we accepted, one row per svix-id: the replay guard and the
 * delivery record that `newsletter status` and `newsletter report` count, with the
 * report's roll-ups (event-rollups.ts).
 *
 * Not in src/store/migrate.ts on purpose: that schema belongs to the send journal, and
 * these tables are the webhook receiver's own. `CREATE … IF NOT EXISTS` on the shared
 * database file makes them appear the first time either side needs them, in any order,
 * and leaves `user_version` (the journal's migrations) alone. A column added later is
 * added here the same way (`link`), and roll-ups that did not exist yet are filled
 * from the events already stored.
 *
 * No address is stored: `email_id` is Resend's id of the message, which the journal's
 * `recipients.provider_id` already ties to a recipient; bounces and complaints write
 * the address to `suppressions`, where it must be (and a masked one to the report's
 * roll-up).
 */
export function ensureWebhookTables(db: Database): void {
  if (ready.has(db)) return;
  // Everything there already (the usual case): a read, no write lock — `report` and
  // `status` must not wait behind a send that holds it.
  const present = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('webhook_events', 'report_messages', 'report_links', 'report_hours')`).pluck().all() as string[];
  if (present.length === 4 && (db.prepare(`SELECT name FROM pragma_table_info('webhook_events')`).pluck().all() as string[]).includes('link')) {
    ready.add(db);
    return;
  }
  db.transaction(() => {
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
    const columns = (db.prepare(`SELECT name FROM pragma_table_info('webhook_events')`).pluck().all() as string[]);
    // email.clicked: the link clicked (data.click.link).
    if (!columns.includes('link')) db.exec(`ALTER TABLE webhook_events ADD COLUMN link TEXT`);
    const fresh = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'report_messages'`).get() === undefined;
    db.exec(ROLLUP_TABLES);
    if (fresh) backfill(db);
  }).immediate();
  ready.add(db);
}

/** Roll-ups from events stored before they existed: times, counts and bounces (no links, no bounce types). */
function backfill(db: Database): void {
  const at = `coalesce(CAST(unixepoch(event_at, 'subsec') * 1000 AS INTEGER), CAST(unixepoch(received_at, 'subsec') * 1000 AS INTEGER))`;
  const where = `campaign IS NOT NULL AND email_id IS NOT NULL`;
  db.exec(`
    INSERT INTO report_messages (campaign, email_id, sent_at, delivered_at, delayed, first_open_at, opens, first_click_at, clicks, bounce, bounced_at, complained_at, failed_at, suppressed_at)
    SELECT campaign, email_id,
      min(CASE type WHEN 'email.sent' THEN ${at} END),
      min(CASE type WHEN 'email.delivered' THEN ${at} END),
      sum(type = 'email.delivery_delayed'),
      min(CASE type WHEN 'email.opened' THEN ${at} END),
      sum(type = 'email.opened'),
      min(CASE type WHEN 'email.clicked' THEN ${at} END),
      sum(type = 'email.clicked'),
      CASE WHEN sum(type = 'email.bounced') > 0 THEN 'hard' END,
      min(CASE type WHEN 'email.bounced' THEN ${at} END),
      min(CASE type WHEN 'email.complained' THEN ${at} END),
      min(CASE type WHEN 'email.failed' THEN ${at} END),
      min(CASE type WHEN 'email.suppressed' THEN ${at} END)
    FROM webhook_events WHERE ${where} GROUP BY campaign, email_id;
    INSERT INTO report_hours (campaign, hour, type, events)
    SELECT campaign, (${at} / 3600000) * 3600000 AS hour, substr(type, 7), count(*)
    FROM webhook_events WHERE ${where} AND type LIKE 'email.%' GROUP BY campaign, hour, type;
  `);
}

const ready = new WeakSet<Database>();
