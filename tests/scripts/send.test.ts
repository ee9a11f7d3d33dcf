import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJournal } from '../../src/store/journal.ts';
import { openStore } from '../../src/store/open-store.ts';
import { suppress } from '../../src/store/suppressions.ts';
import { addSubscriber } from '../../src/subscribers/add-subscribers.ts';
import { ensureWebhookTables } from '../../src/webhooks/index.ts';
import { startResendServer, type ResendServer } from '../support/resend-server.ts';
import { spawnNode } from '../support/spawn-node.ts';

// `npx newsletter send` and `status` as a user runs them: a child process, real argv,
// real environment, the real SDK against the local server, a real journal file.

const ROOT = new URL('../..', import.meta.url).pathname;
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const CLI = join(ROOT, 'scripts/newsletter.ts');
const EDITION = join(ROOT, 'tests/fixtures/send/2025-01-02-send-fixture.md');
const SLUG = '2025-01-02-send-fixture';

let server: ResendServer;
let root: string;
let n = 0;

beforeAll(async () => {
  server = await startResendServer({ ratePerSecond: 50 });
  root = mkdtempSync(join(tmpdir(), 'send-cli-'));
});
afterAll(async () => {
  expect(server.validationErrors).toEqual([]);
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

/**
 * A fresh working folder (cwd: out/outbox goes there) with a journal path and a list:
 * by default 120 addresses starting with the returned `prefix`.
 */
function workspace(rows?: string[]) {
  const dir = join(root, `w${++n}`);
  const prefix = `cli${n}-`;
  mkdirSync(dir);
  const list = join(dir, 'list.csv');
  writeFileSync(list, ['email,name', ...(rows ?? Array.from({ length: 120 }, (_, i) => `${prefix}${i}@example.com,독자 ${i}`))].join('\n'));
  return { dir, list, db: join(dir, 'newsletter.db'), prefix };
}

/** Each test starts the command a few times, ~3 s each (7 s on a loaded machine). */
const SLOW = 120_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

const resendEnv = (db: string) => ({
  RESEND_API_KEY: 're_cli_test',
  RESEND_BASE_URL: server.url,
  NEWSLETTER_SECRET: 'cli-test-secret-0123456789',
  NEWSLETTER_PUBLIC_URL: 'https://news.example.com',
  NEWSLETTER_DB: db,
});

async function cli(args: string[], options: { cwd: string; env: Record<string, string>; onFirstRequest?: (child: ChildProcess) => void }): Promise<Run> {
  const before = server.requests.length;
  // The working folder is a temp dir: tell tsx where the tsconfig (jsx: react-jsx) is.
  const { child, exited } = spawnNode(['--import', TSX, CLI, ...args], { cwd: options.cwd, env: { TSX_TSCONFIG_PATH: join(ROOT, 'tsconfig.json'), ...options.env } });
  if (options.onFirstRequest) {
    let done = false;
    void exited.then(() => (done = true));
    while (server.requests.length === before && !done) await new Promise((r) => setTimeout(r, 5));
    if (!done) options.onFirstRequest(child);
  }
  return exited;
}

const receivedBy = (prefix: string) => server.received.filter((r) => r.to[0]?.startsWith(prefix));
const noStack = (run: Run) => expect(`${run.stdout}${run.stderr}`).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe('npx newsletter send', () => {
  it('defaults to the outbox without RESEND_API_KEY, saying so in one line, and writes one .eml per recipient', async () => {
    const w = workspace();
    const run = await cli(['send', EDITION, '--to', w.list], { cwd: w.dir, env: { NEWSLETTER_DB: w.db } });
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe(
      `No RESEND_API_KEY set: writing to the local outbox out/outbox/${SLUG}/ instead of sending, with a fixed local development secret for the unsubscribe links (set NEWSLETTER_SECRET for real sends).`,
    );
    expect(run.stdout).toMatch(/Plan: 2025-01-02-send-fixture through outbox/);
    expect(run.stdout).toMatch(/to send {7}120/);
    expect(run.stdout).toMatch(/Sent 120 emails in .* through outbox\./);
    const emls = readdirSync(join(w.dir, 'out/outbox', SLUG)).filter((f) => f.endsWith('.eml'));
    expect(emls).toHaveLength(120);
  }, SLOW);

  it('sends through Resend with --yes, prints the report as JSON, and status reads the journal', async () => {
    const w = workspace();
    const run = await cli(['send', EDITION, '--to', w.list, '--yes', '--json'], { cwd: w.dir, env: resendEnv(w.db) });
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as { plan: { toSend: number }; report: { sent: number; failedCount: number; transport: string } };
    expect(out.plan.toSend).toBe(120);
    expect(out.report).toMatchObject({ sent: 120, failedCount: 0, transport: 'resend' });
    expect(receivedBy(w.prefix)).toHaveLength(120);

    const status = await cli(['status', SLUG], { cwd: w.dir, env: { NEWSLETTER_DB: w.db } });
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/Campaign 2025-01-02-send-fixture \(through resend\)/);
    expect(status.stdout).toMatch(/recipients {4}sent 120 · failed 0 · queued 0 · skipped 0/);
    expect(status.stdout).toMatch(/deliveries {4}no webhook events yet/);
    // Resend's webhooks report deliveries into the same database; status counts them.
    const store = openStore(w.db);
    ensureWebhookTables(store.db);
    store.db
      .prepare(`INSERT INTO webhook_events (svix_id, type, campaign, email_id, event_at, received_at) VALUES (?, 'email.delivered', ?, ?, ?, ?)`)
      .run('msg_1', SLUG, 'email-1', new Date().toISOString(), new Date().toISOString());
    store.close();
    const withDeliveries = await cli(['status', SLUG], { cwd: w.dir, env: { NEWSLETTER_DB: w.db } });
    expect(withDeliveries.stdout).toMatch(/deliveries {4}delivered 1\n/);
    const json = await cli(['status', SLUG, '--json'], { cwd: w.dir, env: { NEWSLETTER_DB: w.db } });
    expect((JSON.parse(json.stdout) as { campaigns: { recipients: { sent: number } }[] }).campaigns[0]?.recipients.sent).toBe(120);

    // The same command again: nothing to send, exit 0.
    const again = await cli(['send', EDITION, '--to', w.list, '--yes'], { cwd: w.dir, env: resendEnv(w.db) });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/already sent  120/);
    expect(again.stdout).toMatch(/Nothing to send/);
    expect(receivedBy(w.prefix)).toHaveLength(120);
  }, SLOW);

  it('shows the plan first: duplicates, invalid rows with their lines, suppressed; skips the suppressed', async () => {
    const w = workspace(['a1@example.com,가', 'bad-address,나', 'A1@example.com,다', 'b1@example.com,라', 'c1@example.com,마']);
    const store = openStore(w.db);
    suppress(store, { address: 'b1@example.com', reason: 'unsubscribed', source: 'test', at: Date.now() });
    store.close();
    const run = await cli(['send', EDITION, '--to', w.list, '--yes'], { cwd: w.dir, env: resendEnv(w.db) });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/list {10}.*list\.csv: 5 rows → 3 recipients/);
    expect(run.stdout).toMatch(/duplicates {4}1/);
    expect(run.stdout).toMatch(/invalid rows {2}1/);
    expect(run.stdout).toMatch(/list\.csv:3 email: "bad-address" is not an email address/);
    expect(run.stdout).toMatch(/suppressed {4}1/);
    expect(run.stdout).toMatch(/to send {7}2/);
    expect(run.stdout).toMatch(/skipped {7}suppressed 1 · invalid 1 · duplicate 1/);
    expect(server.received.some((r) => r.to[0] === 'b1@example.com')).toBe(false);
  }, SLOW);

  it('to the stored list with --yes, sends while the plan still counts it; the plan comes whole, before the report, and matches it', async () => {
    // 20,000 stored subscribers: the plan's pass over them takes far longer than reading the first batch.
    const w = workspace();
    const prefix = `stored${n}-`;
    const store = openStore(w.db);
    store.db.transaction(() => {
      for (let i = 0; i < 20_000; i++) addSubscriber(store, { email: `${prefix}${i}@example.com`, name: `독자 ${i}`, fields: {} }, { method: 'import', source: 'test: generated' }, Date.now());
    })();
    store.close();
    const { child, exited } = spawnNode(['--import', TSX, CLI, 'send', EDITION, '--yes'], { cwd: w.dir, env: { TSX_TSCONFIG_PATH: join(ROOT, 'tsconfig.json'), ...resendEnv(w.db) } });
    const before = server.requests.length;
    let requestsWhenPlanShown: number | undefined;
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      if (requestsWhenPlanShown === undefined && out.includes('Plan: ')) requestsWhenPlanShown = server.requests.length - before;
    });
    const run = await exited;
    expect(run.code).toBe(0);
    // Sent before the plan was shown: the list's read overlapped the first request.
    expect(requestsWhenPlanShown).toBeGreaterThan(0);
    const lines = run.stdout.split('\n');
    const plan = lines.findIndex((l) => l.startsWith('Plan: '));
    expect(lines.slice(plan, plan + 9).map((l) => l.trim().split(/\s{2,}/)[0])).toEqual(['Plan: 2025-01-02-send-fixture through resend', 'subject', 'list', 'duplicates', 'invalid rows', 'suppressed', 'already sent', 'to send', 'rate']);
    expect(run.stdout).toMatch(/to send {7}20,000\n/);
    expect(run.stdout).toMatch(/Sent 20,000 emails/);
    expect(lines.findIndex((l) => l.startsWith('Sent '))).toBeGreaterThan(plan);
    expect(server.received.filter((r) => r.to[0]?.startsWith(prefix))).toHaveLength(20_000);
  }, SLOW);

  it('to a CSV, the plan ends before the first request even with --yes: a row that cannot be parsed refuses the list, nothing sent', async () => {
    const w = workspace();
    const rows = Array.from({ length: 20_000 }, (_, i) => `${w.prefix}${i}@example.com,독자 ${i}`);
    writeFileSync(w.list, ['email,name', ...rows, `${w.prefix}x@example.com,"unclosed`].join('\n'));
    const run = await cli(['send', EDITION, '--to', w.list, '--yes'], { cwd: w.dir, env: resendEnv(w.db) });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/list\.csv:20002/);
    noStack(run);
    expect(receivedBy(w.prefix)).toHaveLength(0);
  }, SLOW);

  it('--dry-run goes through everything but the transport: nothing sent, nothing journaled', async () => {
    const w = workspace();
    const before = server.requests.length;
    const run = await cli(['send', EDITION, '--to', w.list, '--transport', 'resend', '--dry-run'], { cwd: w.dir, env: resendEnv(w.db) });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Dry run: would send 120 emails/);
    expect(server.requests.length).toBe(before);
    const store = openStore(w.db);
    expect(createJournal(store).campaigns()).toEqual([]);
    store.close();
  }, SLOW);

  it('--test sends only to the given addresses, subject marked, not journaled; a second test send is sent again', async () => {
    const w = workspace();
    const args = ['send', EDITION, '--test', `tester${n}@example.com,Boss${n}@Example.COM`];
    const first = await cli(args, { cwd: w.dir, env: resendEnv(w.db) });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Sent 2 test messages/);
    const got = server.received.filter((r) => r.to[0] === `tester${n}@example.com` || r.to[0] === `Boss${n}@example.com`);
    expect(got).toHaveLength(2);
    expect(got.every((r) => r.subject.startsWith('[테스트] '))).toBe(true);
    const store = openStore(w.db);
    expect(createJournal(store).campaigns()).toEqual([]);
    store.close();

    const second = await cli(args, { cwd: w.dir, env: resendEnv(w.db) });
    expect(second.code).toBe(0);
    expect(server.received.filter((r) => r.to[0] === `tester${n}@example.com`)).toHaveLength(2);
  }, SLOW);

  it('stops on a rejected API key with a clear message, no stack trace, exit 1, and how to resume', async () => {
    const w = workspace();
    const run = await cli(['send', EDITION, '--to', w.list, '--yes'], { cwd: w.dir, env: { ...resendEnv(w.db), RESEND_API_KEY: 'wrong-key' } });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/Stopped: Resend rejected the API key \(401\) — check RESEND_API_KEY/);
    expect(run.stdout).toMatch(/run the same command to resume:\n {2}npx newsletter send .*2025-01-02-send-fixture\.md --to .*list\.csv --yes/);
    noStack(run);
  }, SLOW);

  it('refuses to send through Resend without NEWSLETTER_SECRET and a public URL, naming the variables', async () => {
    const w = workspace();
    const run = await cli(['send', EDITION, '--to', w.list, '--yes'], { cwd: w.dir, env: { RESEND_API_KEY: 're_x', RESEND_BASE_URL: server.url, NEWSLETTER_DB: w.db } });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^Refusing to send through Resend:\n {2}NEWSLETTER_SECRET is not set — .*\n {2}NEWSLETTER_PUBLIC_URL is not set — /);
    noStack(run);
  }, SLOW);

  it('asks for confirmation through Resend: without a terminal it needs --yes, and sends nothing', async () => {
    const w = workspace();
    const before = server.requests.length;
    const run = await cli(['send', EDITION, '--to', w.list], { cwd: w.dir, env: resendEnv(w.db) });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/to send {7}120/);
    expect(run.stderr).toMatch(/Not sending: a send through Resend needs confirmation, and there is no terminal to ask in\. .* --yes\./);
    expect(server.requests.length).toBe(before);
  }, SLOW);

  it('refuses bad input with the file, the line and the fix: a missing list, --schedule for the outbox, a bad --rate', async () => {
    const w = workspace();
    const missing = await cli(['send', EDITION, '--to', join(w.dir, 'nope.csv')], { cwd: w.dir, env: { NEWSLETTER_DB: w.db } });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nope\.csv does not exist — check the path given to --to\./);
    noStack(missing);

    const schedule = await cli(['send', EDITION, '--to', w.list, '--schedule', '2099-01-01T09:00:00+09:00'], { cwd: w.dir, env: { NEWSLETTER_DB: w.db } });
    expect(schedule.code).toBe(2);
    expect(schedule.stderr).toMatch(/--schedule works only through Resend/);

    const rate = await cli(['send', EDITION, '--to', w.list, '--rate', 'fast'], { cwd: w.dir, env: { NEWSLETTER_DB: w.db } });
    expect(rate.code).toBe(2);
    expect(rate.stderr).toMatch(/expected --rate to be a number from 0.1 and up, got `fast`/);

    const strict = workspace(['ok@example.com,가', 'not-an-address,나']);
    const strictRun = await cli(['send', EDITION, '--to', strict.list, '--strict'], { cwd: strict.dir, env: { NEWSLETTER_DB: strict.db } });
    expect(strictRun.code).toBe(1);
    expect(strictRun.stderr).toMatch(/list\.csv:3 email: "not-an-address" is not an email address/);
    expect(readdirSync(strict.dir)).not.toContain('out');
  }, SLOW);

  it('Ctrl-C stops after the batches in flight are recorded, prints how to resume; rerunning completes, nobody twice', async () => {
    const w = workspace(Array.from({ length: 3000 }, (_, i) => `int${i}@example.com,독자`));
    const run = await cli(['send', EDITION, '--to', w.list, '--yes', '--rate', '10'], {
      cwd: w.dir,
      env: resendEnv(w.db),
      onFirstRequest: (child) => setTimeout(() => child.kill('SIGINT'), 250),
    });
    expect(run.code).toBe(130);
    expect(run.stderr).toMatch(/Stopping: the batches in flight finish and are recorded/);
    expect(run.stdout).toMatch(/Interrupted\. Everything sent so far is recorded; run the same command to resume:\n {2}npx newsletter send /);
    const store = openStore(w.db);
    const journal = createJournal(store);
    expect(journal.campaign(SLUG)?.status).toBe('interrupted');
    const sentAtInterrupt = journal.summary(SLUG)?.recipients.sent ?? 0;
    expect(sentAtInterrupt).toBe(receivedBy('int').length);
    expect(sentAtInterrupt).toBeGreaterThan(0);
    expect(sentAtInterrupt).toBeLessThan(3000);

    const resumed = await cli(['send', EDITION, '--to', w.list, '--yes', '--rate', '50'], { cwd: w.dir, env: resendEnv(w.db) });
    expect(resumed.code).toBe(0);
    expect(journal.summary(SLUG)?.recipients.sent).toBe(3000);
    store.close();
    const got = receivedBy('int').map((r) => r.to[0]);
    expect(got).toHaveLength(3000);
    expect(new Set(got).size).toBe(3000);
  }, SLOW);
});
