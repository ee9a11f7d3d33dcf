import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startResendServer, type ResendServer } from '../support/resend-server.ts';

// The send command on a terminal: the confirmation prompt and the progress bar. Node has
// no pseudo-terminal of its own, so util-linux `script` gives the command one; skipped
// where `script` is missing.

const ROOT = new URL('../..', import.meta.url).pathname;
const hasScript = spawnSync('script', ['--version']).status === 0;

let server: ResendServer;
let dir: string;
beforeAll(async () => {
  server = await startResendServer({ ratePerSecond: 50 });
  dir = mkdtempSync(join(tmpdir(), 'send-tty-'));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `newsletter send` on a pseudo-terminal, typing `answer` at the prompt. */
async function onTerminal(answer: string, db: string, list: string): Promise<{ code: number | null; output: string }> {
  const command = ['node', join(ROOT, 'bin/newsletter.js'), 'send', join(ROOT, 'tests/fixtures/send/2025-01-02-send-fixture.md'), '--to', list].join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? '',
      RESEND_API_KEY: 're_tty_test',
      RESEND_BASE_URL: server.url,
      NEWSLETTER_SECRET: 'tty-test-secret-0123456789',
      NEWSLETTER_PUBLIC_URL: 'https://news.example.com',
      NEWSLETTER_DB: db,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => {
    output += c.toString();
    if (output.includes('[y/N]') && !child.stdin.writableEnded) child.stdin.end(`${answer}\n`);
  });
  child.stderr.resume();
  const [code] = await once(child, 'exit');
  return { code: code as number | null, output };
}

describe.skipIf(!hasScript)('npx newsletter send on a terminal', () => {
  it('asks before sending through Resend: "n" sends nothing, "y" sends, with a progress bar', async () => {
    const list = join(dir, 'list.csv');
    writeFileSync(list, ['email,name', ...Array.from({ length: 250 }, (_, i) => `tty${i}@example.com,독자`)].join('\n'));
    const db = join(dir, 'newsletter.db');

    const no = await onTerminal('n', db, list);
    expect(no.output).toMatch(/Send 250 emails through Resend now\? \[y\/N\]/);
    expect(no.output).toMatch(/Not sent: not confirmed\. Nothing was sent\./);
    expect(no.code).toBe(1);
    expect(server.requests).toHaveLength(0);

    const yes = await onTerminal('y', db, list);
    expect(yes.code).toBe(0);
    // The bar redraws in place (\r, erase line): sent/total, emails/s (grouped: 1,149), ETA.
    expect(yes.output).toMatch(/\r\x1b\[K\[#+-*\] \d+\/250 · \d{1,3}(?:,\d{3})* emails\/s · ETA /);
    expect(yes.output).toMatch(/Sent 250 emails in /);
    expect(new Set(server.received.map((r) => r.to[0])).size).toBe(250);
  }, 120_000);
});
