import type { Store } from '../store/open-store.ts';
import { hasConsentBasis } from './consent-columns.ts';
import type { Recipient } from './schema.ts';
import { preparedStatements } from '../store/prepared.ts';

/**
 * The list of record: the `subscribers` table (src/store/migrate.ts, version 2). This
 * file reads it; adding, importing and erasing are in their own files beside it, and the
 * consent flows (sign-up, confirmation, refusal) in src/consent/.
 */
export const subscriberStatuses = ['pending', 'active', 'unsubscribed', 'bounced', 'complained'] as const;
export type SubscriberStatus = (typeof subscriberStatuses)[number];
export type ConsentMethod = 'form' | 'import' | 'cli';

export interface ConsentRecord {
  /** How: the sign-up form (double opt-in), an import, or `subscribers add`. */
  method: ConsentMethod | undefined;
  /** Where: the form's URL, or the --consent-source text. */
  source: string | undefined;
  /** The wording's version (its exact text is in `consent_wordings`). */
  version: string | undefined;
  consentedAt: string | undefined;
  confirmedAt: string | undefined;
  signupAt: string | undefined;
  ip: string | undefined;
  userAgent: string | undefined;
  /** 거래관계: ads allowed until six months after this. */
  transactionEndsAt: string | undefined;
}

export interface Subscriber {
  email: string;
  address: string;
  name: string | undefined;
  fields: Record<string, string>;
  status: SubscriberStatus;
  consent: ConsentRecord;
  /** §50⑧: the next two-year anniversary of the consent that has not been reminded. */
  reconfirmDueAt: string | undefined;
  statusAt: string;
  createdAt: string;
  updatedAt: string;
}

export interface SubscriberRow {
  address: string;
  email: string;
  name: string | null;
  fields: string;
  status: SubscriberStatus;
  consent_method: ConsentMethod | null;
  consent_source: string | null;
  consent_version: string | null;
  consented_at: string | null;
  confirmed_at: string | null;
  signup_at: string | null;
  signup_ip: string | null;
  signup_user_agent: string | null;
  transaction_ends_at: string | null;
  reconfirm_due_at: string | null;
  confirm_nonce: string | null;
  status_at: string;
  created_at: string;
  updated_at: string;
}

export function toSubscriber(r: SubscriberRow): Subscriber {
  const u = <T>(v: T | null): T | undefined => (v === null ? undefined : v);
  return {
    email: r.email,
    address: r.address,
    name: u(r.name),
    fields: JSON.parse(r.fields) as Record<string, string>,
    status: r.status,
    consent: {
      method: u(r.consent_method),
      source: u(r.consent_source),
      version: u(r.consent_version),
      consentedAt: u(r.consented_at),
      confirmedAt: u(r.confirmed_at),
      signupAt: u(r.signup_at),
      ip: u(r.signup_ip),
      userAgent: u(r.signup_user_agent),
      transactionEndsAt: u(r.transaction_ends_at),
    },
    reconfirmDueAt: u(r.reconfirm_due_at),
    statusAt: r.status_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** One subscriber (any case), as stored. */
export function getSubscriberRow(store: Store, address: string): SubscriberRow | undefined {
  return statements(store).get.get(address.toLowerCase()) as SubscriberRow | undefined;
}

export function getSubscriber(store: Store, address: string): Subscriber | undefined {
  const row = getSubscriberRow(store, address);
  return row === undefined ? undefined : toSubscriber(row);
}

/** Rows read per query: big enough to be fast, small enough to keep memory flat. */
const PAGE = 1000;

/**
 * Every subscriber (or those of one status) in address order, a page at a time. Keyset
 * pages, not one open cursor: better-sqlite3 allows no other statement on the connection
 * while a cursor is open, and the send loop writes its journal between pages.
 */
export function* iterateSubscribers(store: Store, options: { status?: SubscriberStatus } = {}): Generator<SubscriberRow> {
  const s = statements(store);
  let after = '';
  for (;;) {
    const rows = (options.status === undefined ? s.page.all(after, PAGE) : s.pageByStatus.all(options.status, after, PAGE)) as SubscriberRow[];
    yield* rows;
    if (rows.length < PAGE) return;
    after = rows[rows.length - 1]!.address;
  }
}

/** How many subscribers have each status. */
export function countSubscribers(store: Store): Record<SubscriberStatus, number> {
  const counts = Object.fromEntries(subscriberStatuses.map((s) => [s, 0])) as Record<SubscriberStatus, number>;
  for (const r of statements(store).counts.all() as { status: SubscriberStatus; n: number }[]) counts[r.status] = r.n;
  return counts;
}

/** The 거래관계 exception lasts six months after the transaction ended (시행령 제61조①). */
export function transactionCutoff(now: number): string {
  const d = new Date(now);
  d.setUTCMonth(d.getUTCMonth() - 6);
  return d.toISOString();
}

export interface StoredListReport {
  /** Active subscribers with a consent record, or a transaction within six months: sent to. */
  sendable: number;
  /** Active, but their only basis is a transaction that ended more than six months ago. */
  transactionExpired: number;
  /** Not active (pending confirmation, unsubscribed, bounced, complained): never read. */
  inactive: number;
}

/**
 * The stored list as the send loop reads it: active subscribers with a basis for an
 * advertisement (a consent record, or a transaction that ended within six months).
 * Pending subscribers — who have not confirmed — are never in it.
 */
export function readStoredList(store: Store, now: number): { recipients: AsyncIterable<Recipient>; report: StoredListReport } {
  const report: StoredListReport = { sendable: 0, transactionExpired: 0, inactive: 0 };
  const cutoff = transactionCutoff(now);
  const recipients: AsyncIterable<Recipient> = {
    async *[Symbol.asyncIterator]() {
      report.sendable = 0;
      report.transactionExpired = 0;
      const counts = countSubscribers(store);
      report.inactive = counts.pending + counts.unsubscribed + counts.bounced + counts.complained;
      const s = statements(store);
      let after = '';
      for (;;) {
        const rows = s.sendPage.all(after, PAGE) as Pick<SubscriberRow, 'address' | 'email' | 'name' | 'fields' | 'consented_at' | 'transaction_ends_at'>[];
        for (const r of rows) {
          if (!hasConsentBasis(r.consented_at, r.transaction_ends_at, cutoff)) {
            report.transactionExpired++;
            continue;
          }
          report.sendable++;
          const fields = JSON.parse(r.fields) as Record<string, string>;
          yield r.name === null ? { email: r.email, fields } : { email: r.email, name: r.name, fields };
        }
        if (rows.length < PAGE) return;
        after = rows[rows.length - 1]!.address;
        // A turn of the event loop between pages, as a file read would give.
        await Promise.resolve();
      }
    },
  };
  return { recipients, report };
}

export const statements = preparedStatements(prepare);

function prepare(db: Store['db']) {
  return {
    get: db.prepare('SELECT * FROM subscribers WHERE address = ?'),
    page: db.prepare('SELECT * FROM subscribers WHERE address > ? ORDER BY address LIMIT ?'),
    pageByStatus: db.prepare('SELECT * FROM subscribers WHERE status = ? AND address > ? ORDER BY address LIMIT ?'),
    sendPage: db.prepare(
      `SELECT address, email, name, fields, consented_at, transaction_ends_at FROM subscribers
       WHERE status = 'active' AND address > ? ORDER BY address LIMIT ?`,
    ),
    counts: db.prepare('SELECT status, count(*) AS n FROM subscribers GROUP BY status'),
  };
}
