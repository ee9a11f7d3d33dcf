import type { Database } from 'better-sqlite3';
import { NewsletterError } from '../errors.ts';

/**
 * The journal's schema, one entry per version, applied in order and recorded in
 * `PRAGMA user_version`. Never edit a shipped entry: append a new one (the unsubscribe
 * and webhook server opens the same file and may be older or newer than this code).
 *
 * Times are ISO 8601 text (readable in the sqlite3 shell). Addresses are stored
 * lower-cased in `address` (the identity: suppression and de-duplication are
 * case-insensitive); `recipients.email` keeps the spelling the message is sent to.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: campaigns, batches, recipients, suppressions.
  `
  CREATE TABLE campaigns (
    id               TEXT PRIMARY KEY,            -- the edition's slug
    subject          TEXT NOT NULL,
    transport        TEXT NOT NULL,               -- resend | outbox
    status           TEXT NOT NULL CHECK (status IN ('sending', 'paused', 'stopped', 'interrupted', 'done')),
    status_reason    TEXT,
    scheduled_at     TEXT,                        -- --schedule, part of every payload
    created_at       TEXT NOT NULL,
    first_attempt_at TEXT,                        -- start of Resend's 24 h idempotency window
    updated_at       TEXT NOT NULL,
    invalid_rows     INTEGER NOT NULL DEFAULT 0,  -- from the list, at the last run
    duplicate_rows   INTEGER NOT NULL DEFAULT 0
  ) STRICT;

  CREATE TABLE batches (
    campaign        TEXT NOT NULL REFERENCES campaigns (id),
    seq             INTEGER NOT NULL,
    idempotency_key TEXT NOT NULL,
    payload_hash    TEXT NOT NULL,               -- sha256 of the messages, checked on resume
    state           TEXT NOT NULL CHECK (state IN ('pending', 'in_flight', 'done', 'failed')),
    size            INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    error           TEXT,                        -- the last failed attempt's message
    created_at      TEXT NOT NULL,
    last_attempt_at TEXT,
    finished_at     TEXT,
    PRIMARY KEY (campaign, seq)
  ) STRICT;
  CREATE INDEX batches_by_state ON batches (campaign, state);

  CREATE TABLE recipients (
    campaign    TEXT NOT NULL REFERENCES campaigns (id),
    address     TEXT NOT NULL,                   -- lower-cased
    email       TEXT NOT NULL,                   -- as in the list
    name        TEXT,
    fields      TEXT NOT NULL DEFAULT '{}',      -- JSON: with name, rebuilds the payload on resume
    batch_seq   INTEGER,
    position    INTEGER,                         -- index in its batch
    state       TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'failed', 'skipped')),
    skip_kind   TEXT CHECK (skip_kind IN ('suppressed', 'invalid', 'duplicate')),
    provider_id TEXT,
    reason      TEXT,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (campaign, address)
  ) STRICT;
  CREATE INDEX recipients_by_batch ON recipients (campaign, batch_seq, position);
  CREATE INDEX recipients_by_state ON recipients (campaign, state);

  CREATE TABLE suppressions (
    address    TEXT PRIMARY KEY,                 -- lower-cased
    reason     TEXT NOT NULL CHECK (reason IN ('unsubscribed', 'bounced', 'complained', 'manual')),
    campaign   TEXT,                             -- the campaign it came from, when known
    source     TEXT NOT NULL,                    -- who wrote it: unsubscribe-link, webhook, cli …
    created_at TEXT NOT NULL
  ) STRICT;
  `,
  // 2: the list of record — subscribers with their consent records, the consent wordings
  // they agreed to, an append-only consent log (the proof), the notices owed to them
  // (§50⑦ results, §50⑧ reconfirmations, double opt-in confirmations), hashed
  // suppressions of erased addresses, and where a CSV send's consent came from.
  `
  CREATE TABLE consent_wordings (
    version    TEXT PRIMARY KEY,                 -- content/list.yaml consent.version
    text       TEXT NOT NULL,                    -- the exact wording shown (Korean, then English)
    created_at TEXT NOT NULL
  ) STRICT;

  CREATE TABLE subscribers (
    address             TEXT PRIMARY KEY,        -- lower-cased: the identity
    email               TEXT NOT NULL,           -- as given, the address mail goes to
    name                TEXT,
    fields              TEXT NOT NULL DEFAULT '{}', -- JSON merge fields
    status              TEXT NOT NULL CHECK (status IN ('pending', 'active', 'unsubscribed', 'bounced', 'complained')),
    consent_method      TEXT CHECK (consent_method IN ('form', 'import', 'cli')),
    consent_source      TEXT,                    -- where: the form's URL, or the --consent-source text
    consent_version     TEXT REFERENCES consent_wordings (version),
    consented_at        TEXT,                    -- when consent was given (a form: the opt-in's confirmation)
    confirmed_at        TEXT,                    -- double opt-in confirmed (form only)
    signup_at           TEXT,                    -- the form was posted
    signup_ip           TEXT,
    signup_user_agent   TEXT,
    transaction_ends_at TEXT,                    -- 거래관계 exception: ads allowed for 6 months after
    reconfirm_due_at    TEXT,                    -- §50⑧: the next two-year anniversary not yet reminded
    confirm_nonce       TEXT,                    -- the one open double opt-in token (single use)
    status_at           TEXT NOT NULL,           -- when the status last changed
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
  ) STRICT;
  CREATE INDEX subscribers_by_status ON subscribers (status, address);
  -- Covering for "consent due" (§50⑧): a range of due dates read from the index alone,
  -- without a lookup into the table per row (0.7 s instead of 1.9 s for 122,000 due of 1,000,000).
  CREATE INDEX subscribers_by_reconfirm ON subscribers (status, reconfirm_due_at, address, consented_at, email, name);

  CREATE TABLE consent_log (
    id      INTEGER PRIMARY KEY,
    address TEXT NOT NULL,                       -- lower-cased
    action  TEXT NOT NULL,                       -- signup | consent | refusal | withdrawal | bounced | complained | reconfirm-notice | import | erased
    at      TEXT NOT NULL,
    detail  TEXT NOT NULL DEFAULT '{}'           -- JSON: method, source, version, ip, user agent, campaign …
  ) STRICT;
  CREATE INDEX consent_log_by_address ON consent_log (address, id);

  CREATE TABLE notices (
    id          TEXT PRIMARY KEY,                -- kind:address:event time — the idempotency key
    kind        TEXT NOT NULL CHECK (kind IN ('confirm', 'consent-result', 'refusal-result', 'reconfirm')),
    address     TEXT NOT NULL,
    email       TEXT NOT NULL,
    name        TEXT,
    event_at    TEXT NOT NULL,                   -- what the notice is about happened then
    due_by      TEXT NOT NULL,                   -- §50⑦: 14 days after event_at
    payload     TEXT NOT NULL,                   -- JSON: the template's values, fixed when journaled
    state       TEXT NOT NULL CHECK (state IN ('pending', 'in_flight', 'sent', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    error       TEXT,
    provider_id TEXT,
    next_try_at TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    sent_at     TEXT
  ) STRICT;
  CREATE INDEX notices_by_state ON notices (state, next_try_at);
  CREATE INDEX notices_by_address ON notices (address);

  CREATE TABLE erasures (
    address_hash TEXT PRIMARY KEY,               -- sha256 of the lower-cased address; nothing else kept
    erased_at    TEXT NOT NULL
  ) STRICT;

  ALTER TABLE campaigns ADD COLUMN consent_source TEXT; -- --consent-source of a CSV send
  ALTER TABLE campaigns ADD COLUMN list_source TEXT;    -- the CSV file, or 'stored'
  `,
  // Campaign leases: one sending run per campaign at a time (src/store/campaign-lease.ts).
  // No foreign key to campaigns: the lease is taken before the run records the campaign.
  `
  CREATE TABLE campaign_leases (
    campaign     TEXT PRIMARY KEY,               -- the journal's campaign id
    token        TEXT NOT NULL,                  -- random, per run: "is it still mine?"
    holder_pid   INTEGER NOT NULL,
    host         TEXT NOT NULL,                  -- os.hostname() of the holder
    started_at   TEXT NOT NULL,
    heartbeat_at TEXT NOT NULL                   -- renewed every few seconds while it runs
  ) STRICT;
  `,
  // Resend Broadcasts (src/broadcast/): each step of handing a campaign to Resend, recorded
  // before and after it, because broadcast calls take no idempotency key.
  `
  CREATE TABLE broadcast_steps (
    campaign    TEXT NOT NULL,                   -- the journal's campaign id, slug@broadcast
    step        TEXT NOT NULL,                   -- segment, property:KEY, import:N, create, send, cancel
    state       TEXT NOT NULL CHECK (state IN ('started', 'done')),
    resend_id   TEXT,                            -- what Resend called it: segment, import or broadcast id
    detail      TEXT NOT NULL DEFAULT '{}',      -- JSON: the name asked for, a file's hash and rows, counts
    started_at  TEXT NOT NULL,
    done_at     TEXT,
    PRIMARY KEY (campaign, step)
  ) STRICT;
  CREATE INDEX broadcast_steps_by_resend_id ON broadcast_steps (resend_id);
  `,
];

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the database up to SCHEMA_VERSION, each step in its own transaction. */
export function migrate(db: Database, file: string): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new NewsletterError(
      'journal-too-new',
      `${file}: the journal is at schema version ${current}, newer than this newsletter (${SCHEMA_VERSION}) — update the newsletter tool, or point NEWSLETTER_DB at another file.`,
    );
  }
  for (let version = current; version < SCHEMA_VERSION; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version] as string);
      // user_version cannot be bound as a parameter; `version` is our own integer.
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
}
