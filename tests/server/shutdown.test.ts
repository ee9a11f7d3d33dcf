import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect, test } from 'vitest';
import { unsubscribeToken } from '../../src/send/unsubscribe-token.ts';
import { createApp } from '../../src/server/create-app.ts';
import { startServer } from '../../src/server/start-server.ts';
import { openStore } from '../../src/store/open-store.ts';
import { isSuppressed } from '../../src/store/suppressions.ts';
import { oneClick, SECRET } from './harness.ts';

test('close() answers the unsubscribe in flight (after its commit) before it resolves, then refuses connections', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'newsletter-shutdown-'));
  const store = openStore(join(dir, 'n.db'));
  const sender = new Database(join(dir, 'n.db'));
  try {
    const app = createApp({ store, secret: SECRET, contentDir: dir, now: Date.now, log: () => {} });
    const server = await startServer(app, { port: 0, host: '127.0.0.1' });

    // A send holds the write lock, so the unsubscribe is in flight, waiting to commit.
    sender.exec('BEGIN IMMEDIATE');
    const response = oneClick(`${server.url}/u/${unsubscribeToken(SECRET, 'c1', 'kim@example.com')}`);
    await new Promise((r) => setTimeout(r, 100));

    const events: string[] = [];
    const closed = server.close(5000).then(() => events.push('closed'));
    const answered = response.then((res) => {
      events.push(`answered ${res.status}`);
      return res;
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(events).toEqual([]);

    sender.exec('COMMIT');
    await Promise.all([closed, answered]);
    expect(events).toEqual(['answered 200', 'closed']);
    expect(isSuppressed(store, 'kim@example.com')).toBe(true);
    await expect(fetch(`${server.url}/archive`)).rejects.toThrow();
  } finally {
    sender.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
