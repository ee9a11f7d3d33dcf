import type { Store } from '../store/open-store.ts';
import { iterateSubscribers, toSubscriber, type Subscriber, type SubscriberStatus } from './stored-list.ts';

/** The columns of `subscribers export`, before the merge fields: enough to prove each consent. */
const COLUMNS = [
  'email',
  'name',
  'status',
  'consent_method',
  'consent_source',
  'consent_version',
  'consent_wording',
  'consented_at',
  'confirmed_at',
  'signup_at',
  'signup_ip',
  'signup_user_agent',
  'transaction_ended_at',
  'reconfirm_due_at',
  'status_at',
  'created_at',
] as const;

/** RFC 4180: quote a cell holding a comma, a quote or a line break; double the quotes. A leading =+-@ is defused for spreadsheets. */
export function csvCell(value: string | undefined): string {
  if (value === undefined) return '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * The stored list as CSV lines (header first), streamed from the store a page at a time:
 * every consent record with the exact wording it was given to, then the merge fields
 * (`subscribers import` reads the file back: `consented_at` and `transaction_ended_at`
 * keep their meaning).
 */
export function* exportSubscribers(store: Store): Generator<string> {
  const fieldKeys = (store.db.prepare(`SELECT DISTINCT j.key FROM subscribers, json_each(subscribers.fields) AS j ORDER BY j.key`).pluck().all() as string[]).filter(
    (k) => !(COLUMNS as readonly string[]).includes(k),
  );
  const wordings = new Map((store.db.prepare('SELECT version, text FROM consent_wordings').all() as { version: string; text: string }[]).map((w) => [w.version, w.text]));
  yield [...COLUMNS, ...fieldKeys].join(',');
  for (const row of iterateSubscribers(store)) {
    const s = toSubscriber(row);
    const c = s.consent;
    const cells = [
      s.email, s.name, s.status, c.method, c.source, c.version, c.version === undefined ? undefined : wordings.get(c.version),
      c.consentedAt, c.confirmedAt, c.signupAt, c.ip, c.userAgent, c.transactionEndsAt, s.reconfirmDueAt, s.statusAt, s.createdAt,
      ...fieldKeys.map((k) => s.fields[k]),
    ];
    yield cells.map(csvCell).join(',');
  }
}

/** `subscribers list --json`: the public shape of one subscriber. */
export function subscriberJson(s: Subscriber) {
  return {
    email: s.email,
    name: s.name ?? null,
    status: s.status,
    consentedAt: s.consent.consentedAt ?? null,
    consentSource: s.consent.source ?? null,
    consentMethod: s.consent.method ?? null,
    consentVersion: s.consent.version ?? null,
    confirmedAt: s.consent.confirmedAt ?? null,
    transactionEndsAt: s.consent.transactionEndsAt ?? null,
    reconfirmDueAt: s.reconfirmDueAt ?? null,
    fields: s.fields,
    statusAt: s.statusAt,
  };
}

export function* listSubscribers(store: Store, status?: SubscriberStatus): Generator<Subscriber> {
  for (const row of iterateSubscribers(store, status === undefined ? {} : { status })) yield toSubscriber(row);
}
