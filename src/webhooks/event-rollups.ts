import type { Database, Statement } from 'better-sqlite3';
import { maskAddress, maskAddressesIn } from '../subscribers/mask-address.ts';
import type { DeliveryEventType } from './resend-event.ts';

/**
 * What the report reads, kept up to date as each event is recorded (in its transaction),
 * so a report on 3,000,000 events reads one row per message instead of every event:
 *
 * - `report_messages`: one row per message of a campaign — when it was sent, delivered,
 *   first opened and first clicked (the earliest, whatever order the events came in), how
 *   many opens and clicks, its bounce (hard, soft, undetermined), whether it was reported
 *   as spam, and, for bounces and complaints only, its recipient masked (`k***@example.com`:
 *   the report lists them, and nothing in it may reveal a full address);
 * - `report_links`: per link, per message, the clicks (unique and total clicks per link);
 * - `report_hours`: per hour, per event type, how many (the timeline).
 *
 * Created beside `webhook_events` (see webhook-events-table.ts), for the same reason.
 */
export const ROLLUP_TABLES = `
  CREATE TABLE IF NOT EXISTS report_messages (
    campaign       TEXT NOT NULL,
    email_id       TEXT NOT NULL,
    sent_at        INTEGER,                     -- ms since the epoch, the earliest seen
    delivered_at   INTEGER,
    delayed        INTEGER NOT NULL DEFAULT 0,  -- delivery_delayed events
    first_open_at  INTEGER,
    opens          INTEGER NOT NULL DEFAULT 0,
    first_click_at INTEGER,
    clicks         INTEGER NOT NULL DEFAULT 0,
    bounce         TEXT CHECK (bounce IN ('hard', 'soft', 'undetermined')),
    bounced_at     INTEGER,
    complained_at  INTEGER,
    failed_at      INTEGER,
    suppressed_at  INTEGER,                     -- Resend did not send: on its suppression list
    masked_to      TEXT,                        -- bounces and complaints only, masked
    detail         TEXT,                        -- the bounce's sub-type and message
    PRIMARY KEY (campaign, email_id)
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE IF NOT EXISTS report_links (
    campaign TEXT NOT NULL,
    link     TEXT NOT NULL,
    email_id TEXT NOT NULL,
    clicks   INTEGER NOT NULL,
    PRIMARY KEY (campaign, link, email_id)
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE IF NOT EXISTS report_hours (
    campaign TEXT NOT NULL,
    hour     INTEGER NOT NULL,                  -- the hour's start, ms since the epoch
    type     TEXT NOT NULL,                     -- delivered, opened, clicked …
    events   INTEGER NOT NULL,
    PRIMARY KEY (campaign, hour, type)
  ) STRICT, WITHOUT ROWID;
`;

/** What one event adds to the roll-ups. */
export interface RollUpInput {
  campaign: string;
  emailId: string;
  type: DeliveryEventType;
  /** The event's time (its created_at, else when it came), ms since the epoch. */
  at: number;
  /** `email.clicked`: the link. */
  link?: string | undefined;
  /** `email.bounced`: Resend's bounce type, as sent (Permanent, Transient, Undetermined). */
  bounceType?: string | undefined;
  /** `email.bounced`: sub-type and message, for the bounce list. */
  detail?: string | undefined;
  /** The message's recipient, for bounces and complaints (stored masked). */
  to?: string | undefined;
}

export type BounceKind = 'hard' | 'soft' | 'undetermined';

/**
 * Resend's bounce `type`: Permanent is hard, Transient soft. An event with none is hard:
 * Resend documents `email.bounced` as a permanent rejection.
 */
export function bounceKindOf(type: string | undefined): BounceKind {
  if (type === undefined || type === '' || /^permanent$/i.test(type)) return 'hard';
  if (/^transient$/i.test(type)) return 'soft';
  return 'undetermined';
}

const HOUR_MS = 3_600_000;

/**
 * A clicked link as stored and reported: a reader's own unsubscribe link (`/u/TOKEN`, whose
 * token holds the address and unsubscribes whoever holds it) becomes `/u/…`, and anything
 * in it that looks like an address is masked (an author's `?email=` link, percent-encoded or
 * not). Every reader's unsubscribe click then counts under one link.
 */
export function reportableLink(link: string): string {
  return maskAddressesIn(link.slice(0, 2048).replace(/\/u\/[^/?#]+/, '/u/…'));
}

/** The column each type's earliest time goes to, and the counter it adds to. */
const MESSAGE_UPDATES: Partial<Record<DeliveryEventType, { first?: string; count?: string }>> = {
  sent: { first: 'sent_at' },
  delivered: { first: 'delivered_at' },
  delivery_delayed: { count: 'delayed' },
  opened: { first: 'first_open_at', count: 'opens' },
  clicked: { first: 'first_click_at', count: 'clicks' },
  complained: { first: 'complained_at' },
  failed: { first: 'failed_at' },
  suppressed: { first: 'suppressed_at' },
};

type Statements = {
  message: Partial<Record<DeliveryEventType, Statement<unknown[]>>>;
  bounce: Statement<unknown[]>;
  masked: Statement<unknown[]>;
  link: Statement<unknown[]>;
  hour: Statement<unknown[]>;
};

const cache = new WeakMap<Database, Statements>();

function statements(db: Database): Statements {
  let s = cache.get(db);
  if (s !== undefined) return s;
  const message: Statements['message'] = {};
  for (const [type, update] of Object.entries(MESSAGE_UPDATES) as [DeliveryEventType, { first?: string; count?: string }][]) {
    const columns = [update.first, update.count].filter((c) => c !== undefined);
    const values = [update.first === undefined ? undefined : '?', update.count === undefined ? undefined : '1'].filter((v) => v !== undefined);
    const sets = [
      update.first === undefined ? undefined : `${update.first} = min(coalesce(${update.first}, excluded.${update.first}), excluded.${update.first})`,
      update.count === undefined ? undefined : `${update.count} = ${update.count} + 1`,
    ].filter((v) => v !== undefined);
    // Every parameter is bound; the column names are this file's own constants.
    message[type] = db.prepare(
      `INSERT INTO report_messages (campaign, email_id, ${columns.join(', ')}) VALUES (?, ?, ${values.join(', ')})
       ON CONFLICT (campaign, email_id) DO UPDATE SET ${sets.join(', ')}`,
    );
  }
  s = {
    message,
    // A message bounces once; should a soft bounce be followed by a hard one, the hard one stands.
    bounce: db.prepare(
      `INSERT INTO report_messages (campaign, email_id, bounce, bounced_at, detail) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (campaign, email_id) DO UPDATE SET
         bounce = CASE WHEN bounce = 'hard' THEN 'hard' ELSE excluded.bounce END,
         bounced_at = min(coalesce(bounced_at, excluded.bounced_at), excluded.bounced_at),
         detail = CASE WHEN bounce = 'hard' THEN detail ELSE excluded.detail END`,
    ),
    masked: db.prepare(`UPDATE report_messages SET masked_to = ? WHERE campaign = ? AND email_id = ?`),
    link: db.prepare(
      `INSERT INTO report_links (campaign, link, email_id, clicks) VALUES (?, ?, ?, 1)
       ON CONFLICT (campaign, link, email_id) DO UPDATE SET clicks = clicks + 1`,
    ),
    hour: db.prepare(
      `INSERT INTO report_hours (campaign, hour, type, events) VALUES (?, ?, ?, 1)
       ON CONFLICT (campaign, hour, type) DO UPDATE SET events = events + 1`,
    ),
  };
  cache.set(db, s);
  return s;
}

/** Adds one (new, not replayed) event to the roll-ups. Call inside the event's transaction. */
export function rollUp(db: Database, input: RollUpInput): void {
  const s = statements(db);
  const { campaign, emailId, type, at } = input;
  if (type === 'bounced') {
    s.bounce.run(campaign, emailId, bounceKindOf(input.bounceType), at, input.detail === undefined ? null : maskAddressesIn(input.detail));
  } else {
    s.message[type]?.run(campaign, emailId, ...(MESSAGE_UPDATES[type]?.first === undefined ? [] : [at]));
  }
  if ((type === 'bounced' || type === 'complained') && input.to !== undefined) s.masked.run(maskAddress(input.to), campaign, emailId);
  if (type === 'clicked' && input.link !== undefined) s.link.run(campaign, reportableLink(input.link), emailId);
  s.hour.run(campaign, Math.floor(at / HOUR_MS) * HOUR_MS, type);
}
