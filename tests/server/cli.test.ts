import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { defaults } from '../../src/config.ts';
import { unsubscribeToken } from '../../src/send/unsubscribe-token.ts';
import { openStore } from '../../src/store/open-store.ts';
import { isSuppressed, listSuppressions, suppress } from '../../src/store/suppressions.ts';

const exec = promisify(execFile);

let dir: string;
let db: string;
let outbox: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'newsletter-cli-'));
  db = join(dir, 'newsletter.db');
  outbox = join(dir, 'outbox');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The environment of a fresh shell: no secrets from the machine running the tests. */
function env(extra: Record<string, string> = {}) {
  const clean: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', NEWSLETTER_DB: db, NEWSLETTER_OUTBOX: outbox, ...extra };
  for (const name of ['NEWSLETTER_SECRET', 'NEWSLETTER_PUBLIC_URL', 'RESEND_WEBHOOK_SECRET', 'RESEND_API_KEY'] as const) {
    if (!(name in extra)) delete clean[name];
  }
  return clean;
}

async function newsletter(args: string[], extra: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec('node', ['bin/newsletter.js', ...args], { env: env(extra) });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const rows = () => {
  const store = openStore(db);
  try {
    return listSuppressions(store);
  } finally {
    store.close();
  }
};

describe('npx newsletter suppress', { timeout: 60_000 }, () => {
  test('add, list, remove', async () => {
    const added = await newsletter(['suppress', 'add', 'Kim@Example.com', 'lee@example.com', '--reason', 'complained', '--campaign', 'c1']);
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('suppressed kim@example.com (complained)');
    expect(rows().map((r) => [r.address, r.reason, r.campaign, r.source])).toEqual([
      ['kim@example.com', 'complained', 'c1', 'cli'],
      ['lee@example.com', 'complained', 'c1', 'cli'],
    ]);

    const again = await newsletter(['suppress', 'add', 'kim@example.com']);
    expect(again.stdout).toContain('kim@example.com was already suppressed');

    const list = await newsletter(['suppress', 'list', '--json']);
    expect(JSON.parse(list.stdout).map((r: { address: string }) => r.address)).toEqual(['kim@example.com', 'lee@example.com']);
    const table = await newsletter(['suppress', 'list']);
    expect(table.stdout).toMatch(/complained +cli +c1 +kim@example\.com/);
    expect(table.stdout).toContain('2 suppressed');

    expect((await newsletter(['suppress', 'remove', 'KIM@example.com'])).code).toBe(0);
    expect(rows().map((r) => r.address)).toEqual(['lee@example.com']);
    const missing = await newsletter(['suppress', 'remove', 'nobody@example.com']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nobody@example.com is not on the suppression list');
  });

  test('add refuses a malformed address and a bad reason, naming the fix', async () => {
    const bad = await newsletter(['suppress', 'add', 'kim@']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('"kim@" is not an email address');
    const reason = await newsletter(['suppress', 'add', 'kim@example.com', '--reason', 'spam']);
    expect(reason.code).toBe(2);
    expect(reason.stderr).toContain('expected --reason to be one of unsubscribed, bounced, complained, manual, got `spam`');
    expect(rows()).toEqual([]);
  });

  test('export then import into another journal round-trips every field', async () => {
    const store = openStore(db);
    suppress(store, { address: 'a@example.com', reason: 'unsubscribed', campaign: 'c1', source: 'one-click', at: Date.UTC(2025, 0, 2) });
    suppress(store, { address: 'b@example.com', reason: 'bounced', source: 'resend-webhook', at: Date.UTC(2025, 0, 3) });
    const before = listSuppressions(store);
    store.close();

    const exported = await newsletter(['suppress', 'export']);
    expect(exported.code).toBe(0);
    expect(exported.stdout.split('\n')[0]).toBe('email,reason,campaign,source,created_at');
    const file = join(dir, 'export.csv');
    writeFileSync(file, exported.stdout);

    const other = join(dir, 'other.db');
    const imported = await newsletter(['suppress', 'import', file], { NEWSLETTER_DB: other });
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('2 addresses read, 2 newly suppressed, 0 already suppressed');
    const copy = openStore(other);
    try {
      expect(listSuppressions(copy)).toEqual(before);
    } finally {
      copy.close();
    }
    // --out writes the same CSV to a file.
    const out = join(dir, 'out.csv');
    expect((await newsletter(['suppress', 'export', '--out', out])).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(exported.stdout);
  });

  test('import takes any list with an email column, reports bad rows with their line, and is idempotent', async () => {
    const file = join(dir, 'bounces.csv');
    writeFileSync(file, 'name;email;reason\n김;kim@example.com;bounced\n이;not-an-address;\n박;park@example.com;\n최;choi@example.com;spam\n');
    const first = await newsletter(['suppress', 'import', file]);
    expect(first.code).toBe(1);
    expect(first.stderr).toContain(`${file}:3 email: "not-an-address" is not an email address`);
    expect(first.stderr).toContain('reason `spam` is not one of');
    expect(rows().map((r) => [r.address, r.reason, r.source])).toEqual([
      ['kim@example.com', 'bounced', 'cli-import'],
      ['park@example.com', 'manual', 'cli-import'],
    ]);
    const second = await newsletter(['suppress', 'import', file]);
    expect(second.stdout).toContain('0 newly suppressed, 2 already suppressed');
    expect(rows()).toHaveLength(2);
  });

  test('an unknown action and a missing file are explained', async () => {
    const unknown = await newsletter(['suppress', 'purge']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown action `purge` — use list, add, remove, import or export');
    const missing = await newsletter(['suppress', 'import', join(dir, 'nope.csv')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nope.csv does not exist or cannot be read');
  });
});

describe('npx newsletter serve', { timeout: 60_000 }, () => {
  test('serves, unsubscribes, and stops gracefully on SIGTERM with a keep-alive connection open', async () => {
    const child = spawn('node', ['bin/newsletter.js', 'serve', '--port', '0'], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: Record<string, unknown>[] = [];
    const listening = new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        const entry = JSON.parse(line) as Record<string, unknown>;
        lines.push(entry);
        if (entry['event'] === 'listening') resolve(entry['url'] as string);
      });
      child.once('exit', (code) => reject(new Error(`serve exited with ${code} before listening`)));
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const url = await listening;

    // Without NEWSLETTER_SECRET the development secret verifies (outbox links).
    const token = unsubscribeToken(defaults.devSecret, 'c1', 'kim@example.com');
    const agent = new Agent({ keepAlive: true });
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${url}/u/${token}`, { method: 'POST', agent, headers: { 'content-type': 'application/x-www-form-urlencoded' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end('List-Unsubscribe=One-Click');
    });
    expect(status).toBe(200);

    const stopAt = Date.now();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    // The idle keep-alive socket did not hold the shutdown for the 10 s grace period.
    expect(Date.now() - stopAt).toBeLessThan(5000);
    agent.destroy();

    // The §50⑦ 수신거부 notice is sent by the loop beside the requests, so its lines fall
    // anywhere before 'stopped'; the rest keep their order.
    const events = lines.map((l) => l['event']);
    expect(events.filter((e) => e !== 'notice-sent' && e !== 'notices')).toEqual(['warning', 'warning', 'listening', 'unsubscribed', 'request', 'stopping', 'stopped']);
    expect(events.indexOf('notice-sent')).toBeGreaterThan(events.indexOf('unsubscribed'));
    expect(events.indexOf('notice-sent')).toBeLessThan(events.indexOf('stopped'));
    expect(readdirSync(join(outbox, 'notices')).filter((f) => f.endsWith('.eml'))).toHaveLength(1);
    expect(lines.at(-1)).toMatchObject({ event: 'stopped', signal: 'SIGTERM', graceful: true });
    expect(JSON.stringify(lines)).not.toContain('kim@example.com');
    const store = openStore(db);
    try {
      expect(isSuppressed(store, 'kim@example.com')).toBe(true);
    } finally {
      store.close();
    }
  });

  test('refuses to serve a public URL with the development secret', async () => {
    const result = await newsletter(['serve', '--port', '0'], { NEWSLETTER_PUBLIC_URL: 'https://news.example.com' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('NEWSLETTER_PUBLIC_URL is set but NEWSLETTER_SECRET is not');
  });

  test('refuses a webhook secret that is not a Svix one, without printing it', async () => {
    const result = await newsletter(['serve', '--port', '0'], { NEWSLETTER_SECRET: 'x'.repeat(32), RESEND_WEBHOOK_SECRET: 're_live_abcdefgh' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('RESEND_WEBHOOK_SECRET is not a Svix signing secret');
    expect(result.stderr).not.toContain('re_live_abcdefgh');
  });
});
