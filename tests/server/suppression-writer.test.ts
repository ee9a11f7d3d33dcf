import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { createSuppressionWriter } from '../../src/server/suppression-writer.ts';
import { openStore, type Store } from '../../src/store/open-store.ts';
import { isSuppressed, listSuppressions } from '../../src/store/suppressions.ts';

let dir: string;
let store: Store;
let sender: Database.Database;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'newsletter-writer-'));
  store = openStore(join(dir, 'n.db'));
  // The send command's connection, holding the write lock as a batch commit does.
  sender = new Database(join(dir, 'n.db'));
});
afterEach(() => {
  sender.close();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const input = (address: string) => ({ address, reason: 'unsubscribed' as const, campaign: 'c', source: 'one-click', at: 0 });

test('requests arriving together are committed together, and each learns whether it added', async () => {
  const writer = createSuppressionWriter(store);
  const results = await Promise.all([writer.suppress(input('a@example.com')), writer.suppress(input('b@example.com')), writer.suppress(input('A@example.com'))]);
  expect(results).toEqual([{ added: true }, { added: true }, { added: false }]);
  expect(listSuppressions(store).map((s) => s.address)).toEqual(['a@example.com', 'b@example.com']);
  // A repeat is answered from a read.
  expect(await writer.suppress(input('B@EXAMPLE.COM'))).toEqual({ added: false });
});

test('while another connection holds the write lock, the event loop keeps running and the commit follows the release', async () => {
  const writer = createSuppressionWriter(store);
  sender.exec('BEGIN IMMEDIATE');
  const started = performance.now();
  const pending = writer.suppress(input('kim@example.com'));

  // Timers still fire: the server would go on answering other requests meanwhile.
  const ticks: number[] = [];
  for (let i = 0; i < 5; i++) {
    await new Promise((r) => setTimeout(r, 20));
    ticks.push(performance.now() - started);
  }
  expect(ticks[4]).toBeLessThan(1000);
  expect(isSuppressed(store, 'kim@example.com')).toBe(false);

  sender.exec('COMMIT');
  expect(await pending).toEqual({ added: true });
  expect(isSuppressed(store, 'kim@example.com')).toBe(true);
  // The store's own busy_timeout is back as it was for everyone else.
  expect(store.db.pragma('busy_timeout', { simple: true })).toBe(5000);
});

test('a lock held past the timeout fails the waiting requests (the server answers 503) and commits nothing', async () => {
  const writer = createSuppressionWriter(store, { lockTimeoutMs: 100 });
  sender.exec('BEGIN IMMEDIATE');
  try {
    await expect(writer.suppress(input('kim@example.com'))).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
  } finally {
    sender.exec('COMMIT');
  }
  expect(isSuppressed(store, 'kim@example.com')).toBe(false);
  // And the next request, with the lock free, goes through.
  expect(await writer.suppress(input('kim@example.com'))).toEqual({ added: true });
});

test('an invalid input is refused alone, without failing the batch it would have joined', async () => {
  const writer = createSuppressionWriter(store);
  const [bad, good] = await Promise.allSettled([writer.suppress(input('not-an-address')), writer.suppress(input('lee@example.com'))]);
  expect(bad).toMatchObject({ status: 'rejected', reason: { code: 'bad-suppression' } });
  expect(good).toEqual({ status: 'fulfilled', value: { added: true } });
});
