import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sampleIdentity } from '../../src/check/sample-message.ts';
import { loadEdition } from '../../src/content/load-edition.ts';
import { renderEmail } from '../../src/render/render-email.ts';
import { createPersonalizer } from '../../src/send/personalize.ts';
import { loadSubscribers } from '../../src/subscribers/load-subscribers.ts';
import type { Message } from '../../src/transport/transport.ts';
import type { ResendServer } from '../support/resend-server.ts';

// `npx newsletter send --transport broadcast` as a user runs it: a child process, real
// argv and environment, the real SDK over HTTP to the local Resend stand-in.

export const ROOT = new URL('../..', import.meta.url).pathname;
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const CLI = join(ROOT, 'scripts/newsletter.ts');
export const EDITION = join(ROOT, 'tests/fixtures/send/2025-01-02-send-fixture.md');
export const SLUG = '2025-01-02-send-fixture';
export const SECRET = 'broadcast-test-secret-0123456789';
export const PUBLIC_URL = 'https://news.example.com';

export function workspace(root: string, name: string, rows: string[]): { dir: string; list: string; db: string } {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const list = join(dir, 'list.csv');
  writeFileSync(list, ['email,name,company', ...rows].join('\n'));
  return { dir, list, db: join(dir, 'newsletter.db') };
}

export function tempRoot(): string {
  return mkdtempSync(join(tmpdir(), 'broadcast-cli-'));
}

export function env(server: ResendServer, db: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    RESEND_API_KEY: 're_broadcast_test',
    RESEND_BASE_URL: server.url,
    NEWSLETTER_SECRET: SECRET,
    NEWSLETTER_PUBLIC_URL: PUBLIC_URL,
    NEWSLETTER_DB: db,
    NEWSLETTER_BROADCAST_POLL_MS: '20',
    ...extra,
  };
}

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export async function cli(args: string[], options: { cwd: string; env: Record<string, string>; kill?: (child: ChildProcess) => void }): Promise<Run> {
  const child = spawn(process.execPath, ['--import', TSX, CLI, ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', TSX_TSCONFIG_PATH: join(ROOT, 'tsconfig.json'), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  options.kill?.(child);
  const [code, signal] = await exited;
  return { code, signal, stdout, stderr };
}

/** What the batch sender would send each recipient of the list: the reference a broadcast must equal. */
export async function expectedMessages(list: string): Promise<Map<string, Message>> {
  const edition = await loadEdition(EDITION);
  const email = await renderEmail(edition);
  const personalize = createPersonalizer(email, sampleIdentity(edition, { publicUrl: PUBLIC_URL, secret: SECRET }));
  const { recipients } = await loadSubscribers(list);
  return new Map(recipients.map((r) => [r.email.toLowerCase(), personalize(r)]));
}
