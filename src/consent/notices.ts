import { createHash } from 'node:crypto';
import type { Store } from '../store/open-store.ts';
import { preparedStatements } from '../store/prepared.ts';

/**
 * The journal of the emails the list owes people, sent exactly once each:
 *
 *   confirm          the double opt-in link, after a sign-up
 *   consent-result   §50⑦: "your 수신동의 of <date> is processed", after a confirmed consent
 *   refusal-result   §50⑦: "your 수신거부 of <date> is processed", after an unsubscribe or withdrawal
 *   reconfirm        §50⑧: the two-yearly "your consent of <date> continues unless you refuse"
 *
 * A notice is written in the same transaction as the event it is about (the consent, the
 * suppression), so a crash can lose neither without the other. Its id is the event's own
 * (kind, address, time), so the event can never owe two; its idempotency key derives from
 * the id, so a notice left `in_flight` by a crash goes out again under the same key and
 * Resend (or the outbox, which names its files by key) answers without a second send.
 */
export const noticeKinds = ['confirm', 'consent-result', 'refusal-result', 'reconfirm'] as const;
export type NoticeKind = (typeof noticeKinds)[number];
export type NoticeState = 'pending' | 'in_flight' | 'sent' | 'failed';

/** §50⑦: the result notice is due within 14 days of the consent or refusal. */
export const NOTICE_DEADLINE_MS = 14 * 86_400_000;
/** A confirmation link is useless once it expires; it is due at once. */
const CONFIRM_DEADLINE_MS = 86_400_000;

export interface NoticeInput {
  kind: NoticeKind;
  email: string;
  name?: string | undefined;
  /** When the event happened (ms): the consent, the refusal, the sign-up, the anniversary. */
  eventAt: number;
  /** The template's values, fixed now: a retry next week sends the same words. */
  payload: Record<string, string>;
  /** @default eventAt + 14 days (24 h for a confirmation) */
  dueBy?: number;
}

export interface NoticeRow {
  id: string;
  kind: NoticeKind;
  address: string;
  email: string;
  name: string | null;
  event_at: string;
  due_by: string;
  payload: string;
  state: NoticeState;
  attempts: number;
  error: string | null;
  provider_id: string | null;
  next_try_at: string;
  created_at: string;
  sent_at: string | null;
}

export function noticeId(kind: NoticeKind, address: string, eventAt: number): string {
  return `${kind}:${address.toLowerCase()}:${new Date(eventAt).toISOString()}`;
}

/** Resend's Idempotency-Key: ASCII, short, the same for every attempt of one notice. */
export function noticeIdempotencyKey(id: string): string {
  return `notice-${createHash('sha256').update(id, 'utf8').digest('hex').slice(0, 40)}`;
}

/** Journals a notice (once: the same event again is a no-op). Call inside the event's transaction. */
export function enqueueNotice(store: Store, input: NoticeInput, at: number): { id: string; added: boolean } {
  const id = noticeId(input.kind, input.email, input.eventAt);
  const dueBy = input.dueBy ?? input.eventAt + (input.kind === 'confirm' ? CONFIRM_DEADLINE_MS : NOTICE_DEADLINE_MS);
  const result = statements(store).insert.run({
    id,
    kind: input.kind,
    address: input.email.toLowerCase(),
    email: input.email,
    name: input.name ?? null,
    event_at: new Date(input.eventAt).toISOString(),
    due_by: new Date(dueBy).toISOString(),
    payload: JSON.stringify(input.payload),
    at: new Date(at).toISOString(),
  });
  return { id, added: result.changes === 1 };
}

/** Notices not yet sent (pending, in flight, failed), oldest event first. */
export function owedNotices(store: Store, options: { readyAt?: number; limit?: number } = {}): NoticeRow[] {
  const s = statements(store);
  const limit = options.limit ?? 1000;
  return (options.readyAt === undefined ? s.owed.all(limit) : s.ready.all(new Date(options.readyAt).toISOString(), limit)) as NoticeRow[];
}

export function getNotice(store: Store, id: string): NoticeRow | undefined {
  return statements(store).get.get(id) as NoticeRow | undefined;
}

/** Before every attempt: in flight, one attempt more. */
export function markNoticeAttempt(store: Store, id: string): void {
  statements(store).attempt.run(id);
}

export function markNoticeSent(store: Store, id: string, providerId: string, at: number): void {
  statements(store).sent.run(providerId, new Date(at).toISOString(), id);
}

/** `retryAt` undefined: a permanent failure, left for `newsletter notices` to show (and retry on request). */
export function markNoticeFailed(store: Store, id: string, error: string, at: number, retryAt: number | undefined): void {
  statements(store).failed.run({
    id,
    state: retryAt === undefined ? 'failed' : 'pending',
    error: error.slice(0, 500),
    next_try_at: new Date(retryAt ?? at).toISOString(),
  });
}

/** Puts failed notices back in the queue (`newsletter notices --retry-failed`). */
export function requeueFailedNotices(store: Store, at: number): number {
  return statements(store).requeue.run(new Date(at).toISOString()).changes;
}

export interface NoticeSummary {
  owed: number;
  failed: number;
  /** Owed past their due date (§50⑦: 14 days). */
  overdue: number;
  /** Owed and due within the next three days. */
  dueSoon: number;
  oldestEventAt: string | undefined;
}

export function summarizeNotices(store: Store, now: number): NoticeSummary {
  const row = statements(store).summary.get({ now: new Date(now).toISOString(), soon: new Date(now + 3 * 86_400_000).toISOString() }) as {
    owed: number;
    failed: number | null;
    overdue: number | null;
    due_soon: number | null;
    oldest: string | null;
  };
  return { owed: row.owed, failed: row.failed ?? 0, overdue: row.overdue ?? 0, dueSoon: row.due_soon ?? 0, oldestEventAt: row.oldest ?? undefined };
}

const statements = preparedStatements(prepare);

function prepare(db: Store['db']) {
  return {
    insert: db.prepare(
      `INSERT INTO notices (id, kind, address, email, name, event_at, due_by, payload, state, next_try_at, created_at)
       VALUES (@id, @kind, @address, @email, @name, @event_at, @due_by, @payload, 'pending', @at, @at)
       ON CONFLICT (id) DO NOTHING`,
    ),
    get: db.prepare('SELECT * FROM notices WHERE id = ?'),
    owed: db.prepare(`SELECT * FROM notices WHERE state != 'sent' ORDER BY event_at, id LIMIT ?`),
    ready: db.prepare(`SELECT * FROM notices WHERE state IN ('pending', 'in_flight') AND next_try_at <= ? ORDER BY event_at, id LIMIT ?`),
    attempt: db.prepare(`UPDATE notices SET state = 'in_flight', attempts = attempts + 1 WHERE id = ?`),
    sent: db.prepare(`UPDATE notices SET state = 'sent', provider_id = ?, sent_at = ?, error = NULL WHERE id = ?`),
    failed: db.prepare('UPDATE notices SET state = @state, error = @error, next_try_at = @next_try_at WHERE id = @id'),
    requeue: db.prepare(`UPDATE notices SET state = 'pending', next_try_at = ? WHERE state = 'failed'`),
    summary: db.prepare(
      `SELECT count(*) AS owed,
              sum(state = 'failed') AS failed,
              sum(due_by < @now) AS overdue,
              sum(due_by >= @now AND due_by < @soon) AS due_soon,
              min(event_at) AS oldest
       FROM notices WHERE state != 'sent'`,
    ),
  };
}
