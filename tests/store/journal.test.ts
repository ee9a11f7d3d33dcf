import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { NewsletterError } from '../../src/errors.ts';
import { createJournal, journalCampaignId, type JournalRecipient } from '../../src/store/journal.ts';
import { SCHEMA_VERSION } from '../../src/store/migrate.ts';
import { openStore, type Store } from '../../src/store/open-store.ts';

const dirs: string[] = [];
const stores: Store[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'journal-'));
  dirs.push(dir);
  return join(dir, 'nested', 'newsletter.db');
}
function open(file = tempFile()): Store {
  const store = openStore(file);
  stores.push(store);
  return store;
}
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const T0 = Date.parse('2025-07-08T00:00:00Z');
const people: JournalRecipient[] = [
  { email: 'Ann@Example.com', name: '앤', fields: { company: 'A' } },
  { email: 'bob@example.com', fields: {} },
  { email: 'cy@example.com', name: 'Cy', fields: { company: 'C' } },
];

describe('openStore', () => {
  it('creates the file and its folder, in WAL mode, at the current schema version; reopening migrates nothing', () => {
    const file = tempFile();
    const first = open(file);
    expect(first.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(first.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(first.db.pragma('busy_timeout', { simple: true })).toBe(5000);
    createJournal(first).beginCampaign({ id: 'c', subject: 's', transport: 'resend', at: T0 });
    first.close();
    const again = open(file);
    expect(createJournal(again).campaign('c')?.subject).toBe('s');
  });

  it('refuses a journal written by a newer version, naming the file and the fix', () => {
    const file = tempFile();
    open(file).close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    expect(() => openStore(file)).toThrowError(/newer than this newsletter.*update the newsletter tool/);
  });
});

describe('journal', () => {
  it('keeps outbox runs apart from real sends', () => {
    expect(journalCampaignId('2025-07-08-x', 'resend')).toBe('2025-07-08-x');
    expect(journalCampaignId('2025-07-08-x', 'outbox')).toBe('2025-07-08-x@outbox');
  });

  it('records a batch before the call and its outcomes after, case-insensitively by address', () => {
    const journal = createJournal(open());
    journal.beginCampaign({ id: 'c', subject: 's', transport: 'resend', at: T0 });
    expect(journal.nextSeq('c')).toBe(1);
    journal.recordBatch({ campaign: 'c', seq: 1, idempotencyKey: 'k1', payloadHash: 'h1', recipients: people, at: T0 });
    expect(journal.recipientState('c', 'ann@example.com')).toBe('queued');
    expect(journal.openBatches('c')).toEqual([
      { seq: 1, idempotencyKey: 'k1', payloadHash: 'h1', state: 'pending', attempts: 0, recipients: people },
    ]);

    journal.markAttempt('c', 1, T0 + 1000);
    expect(journal.openBatches('c')[0]).toMatchObject({ state: 'in_flight', attempts: 1 });
    expect(journal.campaign('c')?.firstAttemptAt).toBe('2025-07-08T00:00:01.000Z');

    journal.recordOutcomes('c', 1, [{ ok: true, id: 'id-a' }, { ok: false, reason: 'bad address' }, { ok: true, id: 'id-c' }], T0 + 2000);
    expect(journal.openBatches('c')).toEqual([]);
    expect(journal.recipientState('c', 'ANN@example.com')).toBe('sent');
    expect(journal.recipientState('c', 'bob@example.com')).toBe('failed');
    expect(journal.nextSeq('c')).toBe(2);
    const summary = journal.summary('c');
    expect(summary?.recipients).toEqual({ queued: 0, sent: 2, failed: 1, skipped: 0 });
    expect(summary?.batches).toEqual({ pending: 0, in_flight: 0, done: 1, failed: 0 });
    expect(summary?.failures).toEqual([{ reason: 'bad address', count: 1, examples: ['bob@example.com'] }]);
  });

  it('refuses to queue an address that is already queued or sent (another send running), and records nothing of that batch', () => {
    const journal = createJournal(open());
    journal.beginCampaign({ id: 'c', subject: 's', transport: 'resend', at: T0 });
    journal.recordBatch({ campaign: 'c', seq: 1, idempotencyKey: 'k1', payloadHash: 'h1', recipients: people.slice(0, 1), at: T0 });
    const attempt = () =>
      journal.recordBatch({ campaign: 'c', seq: 2, idempotencyKey: 'k2', payloadHash: 'h2', recipients: [people[2]!, { email: 'ann@EXAMPLE.com', fields: {} }], at: T0 });
    expect(attempt).toThrowError(NewsletterError);
    expect(attempt).toThrowError(/already queued or sent.*another `newsletter send`/);
    expect(journal.nextSeq('c')).toBe(2);
    expect(journal.recipientState('c', 'cy@example.com')).toBeUndefined();
  });

  it('queues failed and skipped recipients again in a new batch', () => {
    const journal = createJournal(open());
    journal.beginCampaign({ id: 'c', subject: 's', transport: 'resend', at: T0 });
    journal.recordBatch({ campaign: 'c', seq: 1, idempotencyKey: 'k1', payloadHash: 'h1', recipients: people.slice(0, 2), at: T0 });
    journal.recordBatchFailed('c', 1, '401 bad key', T0);
    journal.recordSkipped('c', people[2]!, 'suppressed', T0);
    expect(journal.summary('c')?.skipped.suppressed).toBe(1);
    journal.recordBatch({ campaign: 'c', seq: 2, idempotencyKey: 'k2', payloadHash: 'h2', recipients: people, at: T0 });
    expect(journal.summary('c')?.recipients).toEqual({ queued: 3, sent: 0, failed: 0, skipped: 0 });
    expect(journal.summary('c')?.batches).toMatchObject({ failed: 1, pending: 1 });
  });

  it('rolls back outcomes that do not cover the batch (a transport bug), leaving it open', () => {
    const journal = createJournal(open());
    journal.beginCampaign({ id: 'c', subject: 's', transport: 'resend', at: T0 });
    journal.recordBatch({ campaign: 'c', seq: 1, idempotencyKey: 'k1', payloadHash: 'h1', recipients: people, at: T0 });
    journal.markAttempt('c', 1, T0);
    expect(() => journal.recordOutcomes('c', 1, [{ ok: true, id: 'x' }], T0)).toThrowError(/holds 3 messages, the transport answered 1/);
    expect(journal.openBatches('c')).toHaveLength(1);
    expect(journal.recipientState('c', 'ann@example.com')).toBe('queued');
  });

  it('ends a campaign with a status and a reason, and begins it again on resume', () => {
    const journal = createJournal(open());
    journal.beginCampaign({ id: 'c', subject: 's', transport: 'resend', at: T0 });
    journal.endCampaign('c', 'paused', '10 failed attempts in a row', T0 + 5);
    expect(journal.campaign('c')).toMatchObject({ status: 'paused', statusReason: '10 failed attempts in a row' });
    journal.recordListCounts('c', { invalid: 2, duplicates: 3 }, T0 + 6);
    expect(journal.summary('c')?.skipped).toEqual({ suppressed: 0, invalid: 2, duplicate: 3 });
    journal.beginCampaign({ id: 'c', subject: 's', transport: 'resend', at: T0 + 10 });
    expect(journal.campaign('c')).toMatchObject({ status: 'sending', statusReason: undefined, createdAt: '2025-07-08T00:00:00.000Z' });
    expect(journal.campaigns().map((c) => c.id)).toEqual(['c']);
  });
});
