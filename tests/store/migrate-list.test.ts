import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, test } from 'vitest';
import { createJournal } from '../../src/store/journal.ts';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/store/migrate.ts';
import { openStore } from '../../src/store/open-store.ts';
import { isSuppressed, suppress } from '../../src/store/suppressions.ts';
import { addSubscriber } from '../../src/subscribers/add-subscribers.ts';
import { getSubscriber } from '../../src/subscribers/stored-list.ts';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

test('a journal of the first schema (before the stored list) is migrated and keeps its data', () => {
  dir = mkdtempSync(join(tmpdir(), 'newsletter-migrate-'));
  const file = join(dir, 'old.db');
  // The store as the previous release wrote it: schema version 1, a campaign, a suppression.
  const old = new Database(file);
  old.exec(MIGRATIONS[0] as string);
  old.pragma('user_version = 1');
  old.prepare(`INSERT INTO campaigns (id, subject, transport, status, created_at, updated_at) VALUES ('2025-07-08-x', '(광고) x', 'resend', 'done', '2025-07-08T00:00:00Z', '2025-07-08T00:00:00Z')`).run();
  old.prepare(`INSERT INTO suppressions (address, reason, source, created_at) VALUES ('kim@example.com', 'unsubscribed', 'one-click', '2025-07-08T00:00:00Z')`).run();
  old.close();

  const store = openStore(file);
  try {
    expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(createJournal(store).campaign('2025-07-08-x')).toMatchObject({ subject: '(광고) x', status: 'done' });
    expect(store.db.prepare('SELECT list_source, consent_source FROM campaigns').get()).toEqual({ list_source: null, consent_source: null });
    expect(isSuppressed(store, 'KIM@example.com')).toBe(true);
    // The new tables work, and the old suppression still wins over an import.
    const at = Date.UTC(2025, 7, 1);
    expect(addSubscriber(store, { email: 'kim@example.com', fields: {} }, { method: 'import', source: 'crm' }, at)).toBe('suppressed');
    expect(addSubscriber(store, { email: 'lee@example.com', fields: { consented_at: '2025-01-01T00:00:00.000Z' } }, { method: 'import', source: 'crm' }, at)).toBe('added');
    // A later bounce moves the stored subscriber's status with the suppression.
    suppress(store, { address: 'lee@example.com', reason: 'bounced', source: 'resend-webhook', at });
    expect(getSubscriber(store, 'lee@example.com')?.status).toBe('bounced');
  } finally {
    store.close();
  }
  // Opening it again is a no-op.
  const again = openStore(file);
  expect(again.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
  again.close();
});
