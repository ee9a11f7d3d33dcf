import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { unsubscribeToken } from '../../src/send/unsubscribe-token.ts';
import { isSuppressed, listSuppressions } from '../../src/store/suppressions.ts';
import { oneClick, SECRET, startTestServer, type TestServer } from './harness.ts';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
});

/**
 * A send, as far as the database sees one: another thread with its own connection
 * (so its locks and fsyncs really overlap the server's), committing batches of 100
 * journal rows — batch, then recipients — in IMMEDIATE transactions like the send
 * loop's, and reading the suppression list as it goes, until told to stop. It writes
 * about fifty times faster than a real send is allowed to.
 */
const SENDER = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = FULL');
const now = () => new Date().toISOString();
db.prepare("INSERT INTO campaigns (id, subject, transport, status, created_at, updated_at) VALUES ('concurrent-send', 's', 'resend', 'sending', ?, ?)").run(now(), now());
const batch = db.prepare("INSERT INTO batches (campaign, seq, idempotency_key, payload_hash, state, size, created_at) VALUES ('concurrent-send', ?, ?, 'h', 'done', 100, ?)");
const row = db.prepare("INSERT INTO recipients (campaign, address, email, batch_seq, position, state, provider_id, updated_at) VALUES ('concurrent-send', ?, ?, ?, ?, 'sent', ?, ?)");
const suppressed = db.prepare('SELECT 1 FROM suppressions WHERE address = ?').pluck();
const write = db.transaction((seq) => {
  batch.run(seq, 'key-' + seq, now());
  for (let i = 0; i < 100; i++) {
    const address = 'sent-' + seq + '-' + i + '@example.org';
    suppressed.get(address);
    row.run(address, address, seq, i, 'id-' + seq + '-' + i, now());
  }
});
const progress = new Int32Array(workerData.progress);
const stop = new Int32Array(workerData.stop);
let seq = 0;
const pause = new Int32Array(new SharedArrayBuffer(4));
while (Atomics.load(stop, 0) === 0) {
  write.immediate(++seq);
  Atomics.store(progress, 0, seq);
  // A real send waits ≥ 100 ms between batches (Resend's 10 requests/s); 2 ms here. With
  // none at all, this loop would take the lock back the instant it let go, every time:
  // SQLite's busy handler is a sleep-and-retry, not a queue.
  Atomics.wait(pause, 0, 0, 2);
}
db.close();
parentPort.postMessage(seq);
`;

test('200 concurrent one-click unsubscribes during a send: none lost, nothing corrupted', async () => {
  const progress = new SharedArrayBuffer(4);
  const stop = new SharedArrayBuffer(4);
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const sender = new Worker(SENDER, { eval: true, workerData: { file: server.dbPath, driver, progress, stop } });
  const finished = new Promise<number>((resolve, reject) => {
    sender.once('message', resolve);
    sender.once('error', reject);
  });
  const batches = () => Atomics.load(new Int32Array(progress), 0);
  while (batches() < 3) await new Promise((r) => setTimeout(r, 5));

  const addresses = Array.from({ length: 200 }, (_, i) => `reader-${i}@example.com`);
  const before = batches();
  const responses = await Promise.all(addresses.map((a) => oneClick(`${server.url}/u/${unsubscribeToken(SECRET, 'concurrent-send', a)}`)));
  const during = batches() - before;

  Atomics.store(new Int32Array(stop), 0, 1);
  const committed = await finished;

  expect(responses.map((r) => r.status)).toEqual(addresses.map(() => 200));
  // The send really was writing while the requests were answered.
  expect(during).toBeGreaterThan(0);

  const rows = listSuppressions(server.store);
  expect(rows).toHaveLength(200);
  expect(new Set(rows.map((r) => r.address))).toEqual(new Set(addresses));
  expect(rows.every((r) => r.campaign === 'concurrent-send' && r.reason === 'unsubscribed' && r.source === 'one-click')).toBe(true);
  for (const a of addresses) expect(isSuppressed(server.store, a)).toBe(true);

  // A fresh connection: every batch the sender committed is whole, and the file is sound.
  const check = new Database(server.dbPath, { readonly: true });
  try {
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(check.pragma('foreign_key_check')).toEqual([]);
    expect(check.prepare("SELECT count(*) FROM batches WHERE campaign = 'concurrent-send'").pluck().get()).toBe(committed);
    expect(check.prepare("SELECT count(*) FROM recipients WHERE campaign = 'concurrent-send'").pluck().get()).toBe(committed * 100);
    expect(check.prepare('SELECT count(*) FROM suppressions').pluck().get()).toBe(200);
    expect(check.pragma('journal_mode', { simple: true })).toBe('wal');
  } finally {
    check.close();
  }
});
