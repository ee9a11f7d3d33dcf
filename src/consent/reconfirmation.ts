import { logConsent } from '../store/consent-log.ts';
import type { Store } from '../store/open-store.ts';
import { addYears, RECONFIRM_YEARS } from '../subscribers/anniversary.ts';
import { koreanDate } from './korean-date.ts';
import type { ListSettings } from './list-settings.ts';
import { senderPayload } from './notice-message.ts';
import { enqueueNotice } from './notices.ts';

/**
 * 정보통신망법 §50⑧ (시행령 제62조의3): every two years from the consent date, each
 * consenting subscriber is told of their consent. `subscribers.reconfirm_due_at` holds the
 * next anniversary not yet reminded (set at consent, moved on when reminded), indexed with
 * the status, so "who is due" is one range scan, not a date computation per subscriber.
 */

/** Listed this many days before the anniversary, so the notice can go out on time. */
export const DUE_WINDOW_DAYS = 30;

export interface DueSubscriber {
  email: string;
  name: string | undefined;
  consentedAt: string;
  /** The anniversary this reminder is for (the latest one within the window). */
  dueAt: string;
  overdue: boolean;
  /** Whole days from `at` to `dueAt` (negative when overdue). */
  daysLeft: number;
}

interface DueRow {
  address: string;
  email: string;
  name: string | null;
  consented_at: string;
  reconfirm_due_at: string;
}

/** The latest anniversary on or before `limit`, counting from the recorded due date. */
function latestAnniversary(due: string, limit: string): string {
  let current = due;
  for (let next = addYears(current, RECONFIRM_YEARS); next <= limit; next = addYears(next, RECONFIRM_YEARS)) current = next;
  return current;
}

function toDue(r: DueRow, at: number, limit: string): DueSubscriber {
  const dueAt = latestAnniversary(r.reconfirm_due_at, limit);
  const ms = Date.parse(dueAt) - at;
  return { email: r.email, name: r.name ?? undefined, consentedAt: r.consented_at, dueAt, overdue: ms < 0, daysLeft: Math.floor(ms / 86_400_000) };
}

/** Active subscribers due within DUE_WINDOW_DAYS of `at`, or overdue, soonest first. */
export function* consentDue(store: Store, at: number): Generator<DueSubscriber> {
  const limit = new Date(at + DUE_WINDOW_DAYS * 86_400_000).toISOString();
  const page = store.db.prepare(
    `SELECT address, email, name, consented_at, reconfirm_due_at FROM subscribers
     WHERE status = 'active' AND reconfirm_due_at IS NOT NULL AND reconfirm_due_at <= @limit
       AND (reconfirm_due_at, address) > (@after, @address)
     ORDER BY reconfirm_due_at, address LIMIT 1000`,
  );
  let after = '';
  let address = '';
  for (;;) {
    const rows = page.all({ limit, after, address }) as DueRow[];
    for (const r of rows) yield toDue(r, at, limit);
    if (rows.length < 1000) return;
    const last = rows[rows.length - 1]!;
    after = last.reconfirm_due_at;
    address = last.address;
  }
}

export function countConsentDue(store: Store, at: number): number {
  const limit = new Date(at + DUE_WINDOW_DAYS * 86_400_000).toISOString();
  return store.db
    .prepare(`SELECT count(*) FROM subscribers WHERE status = 'active' AND reconfirm_due_at IS NOT NULL AND reconfirm_due_at <= ?`)
    .pluck()
    .get(limit) as number;
}

/**
 * Journals one reconfirmation notice per due subscriber, a page per transaction: the
 * notice (its id names the anniversary, so a cycle can never owe two) and the move of
 * `reconfirm_due_at` to the following anniversary go together. Killed midway, a rerun
 * finds only those not yet journaled still due. Sending is `dispatchNotices`' job.
 */
export function journalReminders(store: Store, settings: ListSettings, at: number, onPage?: (journaled: number) => void): number {
  const limit = new Date(at + DUE_WINDOW_DAYS * 86_400_000).toISOString();
  const select = store.db.prepare(
    `SELECT address, email, name, consented_at, reconfirm_due_at FROM subscribers
     WHERE status = 'active' AND reconfirm_due_at IS NOT NULL AND reconfirm_due_at <= ?
     ORDER BY reconfirm_due_at, address LIMIT 1000`,
  );
  const move = store.db.prepare('UPDATE subscribers SET reconfirm_due_at = ?, updated_at = ? WHERE address = ?');
  const sender = senderPayload(settings);
  let total = 0;
  const page = store.db.transaction((): number => {
    const rows = select.all(limit) as DueRow[];
    for (const r of rows) {
      const due = toDue(r, at, limit);
      enqueueNotice(
        store,
        {
          kind: 'reconfirm',
          email: r.email,
          name: r.name ?? undefined,
          eventAt: Date.parse(due.dueAt),
          dueBy: Date.parse(due.dueAt),
          payload: { ...sender, consentDate: koreanDate(r.consented_at) },
        },
        at,
      );
      move.run(addYears(due.dueAt, RECONFIRM_YEARS), new Date(at).toISOString(), r.address);
      logConsent(store, r.address, 'reconfirm-notice', at, { anniversary: due.dueAt, consentedAt: r.consented_at });
    }
    return rows.length;
  });
  for (;;) {
    const n = page.immediate();
    total += n;
    if (n > 0) onPage?.(total);
    if (n < 1000) return total;
  }
}
