// A real server on 127.0.0.1 (port 0) over a real SQLite file in a temp directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type AppOptions, type LogEvent } from '../../src/server/create-app.ts';
import { startServer } from '../../src/server/start-server.ts';
import { openStore, type Store } from '../../src/store/open-store.ts';

export const SECRET = 'test-secret-0123456789abcdef';
/** A Svix-format signing secret (base64 of 24 bytes), as Resend shows them. */
export const WEBHOOK_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
/** 2025-07-08T09:00:00Z: the fixed clock of every test server. */
export const NOW = Date.UTC(2025, 6, 8, 9, 0, 0);

export interface TestServer {
  url: string;
  store: Store;
  dir: string;
  dbPath: string;
  logs: LogEvent[];
  close(): Promise<void>;
}

export async function startTestServer(overrides: Partial<AppOptions> & { dir?: string } = {}): Promise<TestServer> {
  const dir = overrides.dir ?? mkdtempSync(join(tmpdir(), 'newsletter-serve-'));
  const dbPath = join(dir, 'newsletter.db');
  const store = overrides.store ?? openStore(dbPath);
  const logs: LogEvent[] = [];
  const app = createApp({
    store,
    secret: SECRET,
    webhookSecret: WEBHOOK_SECRET,
    contentDir: join(dir, 'content'),
    now: () => NOW,
    log: (entry) => logs.push(entry),
    ...overrides,
  });
  const server = await startServer(app, { port: 0, host: '127.0.0.1' });
  return {
    url: server.url,
    store,
    dir,
    dbPath,
    logs,
    async close() {
      await server.close(1000);
      store.close();
      if (overrides.dir === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The RFC 8058 POST a mailbox provider sends when the reader presses "Unsubscribe". */
export function oneClick(url: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });
}
