// A real `serve` app (Hono over node:http on 127.0.0.1) on a real SQLite file, with the
// list settings of content/list.yaml and the notice loop sending through a real
// transport: the outbox (parsed back with mailparser) or the local Resend server.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { loadListSettings, type ListSettings } from '../../src/consent/list-settings.ts';
import { startNoticeLoop, type NoticeLoop } from '../../src/consent/notice-loop.ts';
import { createApp, type AppOptions, type LogEvent } from '../../src/server/create-app.ts';
import { startServer } from '../../src/server/start-server.ts';
import { openStore, type Store } from '../../src/store/open-store.ts';
import { createOutboxTransport } from '../../src/transport/outbox.ts';
import type { Transport } from '../../src/transport/transport.ts';

export const SECRET = 'list-test-secret-0123456789';
/** 2025-07-08T09:00:00Z = 18:00 KST on 8 July. */
export const T0 = Date.UTC(2025, 6, 8, 9, 0, 0);

export interface ListServer {
  url: string;
  store: Store;
  dir: string;
  outbox: string;
  settings: ListSettings;
  clock: { now: number };
  logs: LogEvent[];
  notices: NoticeLoop;
  close(): Promise<void>;
}

export async function startListServer(options: { transport?: Transport; app?: Partial<AppOptions> } = {}): Promise<ListServer> {
  const dir = mkdtempSync(join(tmpdir(), 'newsletter-list-'));
  const outbox = join(dir, 'outbox');
  const store = openStore(join(dir, 'newsletter.db'));
  const settings = await loadListSettings('content/list.yaml');
  const clock = { now: T0 };
  const logs: LogEvent[] = [];
  const transport = options.transport ?? createOutboxTransport({ dir: outbox, now: () => new Date(clock.now) });
  const log = (entry: LogEvent) => logs.push(entry);
  const publicUrl = 'http://127.0.0.1:8787';
  const notices = startNoticeLoop({ store, transport, context: { settings, publicUrl, secret: SECRET }, now: () => clock.now, log });
  const app = createApp({
    store,
    secret: SECRET,
    contentDir: join(dir, 'content'),
    publicUrl,
    now: () => clock.now,
    log,
    list: settings,
    onNotice: notices.kick,
    ...options.app,
  });
  const server = await startServer(app, { port: 0, host: '127.0.0.1' });
  return {
    url: server.url,
    store,
    dir,
    outbox,
    settings,
    clock,
    logs,
    notices,
    async close() {
      await server.close(1000);
      await notices.stop();
      await transport.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function postForm(url: string, fields: Record<string, string> | string, headers: Record<string, string> = {}): Promise<Response> {
  const body = typeof fields === 'string' ? fields : new URLSearchParams(fields).toString();
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'list-test/1.0', ...headers }, body });
}

/** Every .eml of the outbox folder, parsed. */
export async function outboxMails(dir: string): Promise<ParsedMail[]> {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.eml')).sort();
  } catch {
    return [];
  }
  return Promise.all(files.map((f) => simpleParser(readFileSync(join(dir, f)))));
}

/** Polls until `check` returns a value (notices are sent beside the requests). */
export async function until<T>(check: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function count(store: Store, table: string): number {
  return store.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
}
