import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJournal } from '../../src/store/journal.ts';
import { openStore } from '../../src/store/open-store.ts';
import { startResendServer, type ResendServer } from '../support/resend-server.ts';

// Two `newsletter send` processes of one campaign against one journal, as a marketer who
// runs the command twice (or an overlapping cron job) makes them; and a holder killed with
// SIGKILL whose lease the next run takes over.

const ROOT = new URL('../..', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/newsletter.js');
const EDITION = join(ROOT, 'tests/fixtures/send/2025-01-02-send-fixture.md');
const SLUG = '2025-01-02-send-fixture';
const RECIPIENTS = 2000;

let server: ResendServer;
let work: string;
let n = 0;
beforeAll(async () => {
  server = await startResendServer({ ratePerSecond: 10 });
  work = mkdtempSync(join(tmpdir(), 'send-lease-'));
});
afterAll(async () => {
  expect(server.validationErrors).toEqual([]);
  await server.close();
  rmSync(work, { recursive: true, force: true });
});

function campaignFiles() {
  const dir = join(work, `w${++n}`);
  const list = join(work, `list${n}.csv`);
  writeFileSync(list, ['email,name', ...Array.from({ length: RECIPIENTS }, (_, i) => `lease${n}-${i}@example.com,독자 ${i}`)].join('\n'));
  return { list, db: join(dir, 'newsletter.db'), prefix: `lease${n}-` };
}

interface Run {
  child: ChildProcess;
  exited: Promise<[number | null, NodeJS.Signals | null]>;
  output: () => string;
  stderr: () => string;
}

/** `rate`: --rate (none: auto); the first of two runs goes slowly, so it is still sending when the second starts. */
function send(list: string, db: string, rate?: number): Run {
  const child = spawn(process.execPath, [BIN, 'send', EDITION, '--to', list, '--transport', 'resend', '--yes', ...(rate === undefined ? [] : ['--rate', String(rate)])], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      RESEND_API_KEY: 're_lease_test',
      RESEND_BASE_URL: server.url,
      NEWSLETTER_SECRET: 'lease-test-secret-0123456789',
      NEWSLETTER_PUBLIC_URL: 'https://news.example.com',
      NEWSLETTER_DB: db,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  return { child, exited: once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>, output: () => stdout + stderr, stderr: () => stderr };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the server has seen a request for this campaign's list (its first batch left). */
async function firstRequestOf(prefix: string, run: Run): Promise<void> {
  let done = false;
  void run.exited.then(() => (done = true));
  while (!server.received.some((r) => r.to[0]?.startsWith(prefix))) {
    if (done) throw new Error(`the run ended before sending: ${run.output()}`);
    await sleep(5);
  }
}

function receivedCounts(prefix: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of server.received) for (const to of r.to) if (to.startsWith(prefix)) counts.set(to, (counts.get(to) ?? 0) + 1);
  return counts;
}

describe('two runs of one campaign', () => {
  it('the second run says who holds the campaign and since when, and exits 1 without a stack trace; the first finishes', async () => {
    const { list, db, prefix } = campaignFiles();
    const first = send(list, db, 3);
    await firstRequestOf(prefix, first);
    const second = send(list, db);
    const [secondCode] = await second.exited;
    const [firstCode] = await first.exited;

    expect(secondCode, second.output()).toBe(1);
    expect(second.stderr()).toMatch(new RegExp(`campaign ${SLUG} is being sent by another run — pid ${first.child.pid} on \\S+, since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z \\(\\d+ s ago`));
    expect(second.stderr()).not.toMatch(/^\s+at /m);
    expect(second.stderr()).not.toMatch(/SqliteError|is not open/);
    expect(firstCode, first.output()).toBe(0);

    const counts = receivedCounts(prefix);
    expect(counts.size).toBe(RECIPIENTS);
    expect([...counts.values()].every((c) => c === 1)).toBe(true);
    const store = openStore(db);
    expect(store.db.prepare('SELECT count(*) FROM campaign_leases').pluck().get()).toBe(0); // given back
    store.close();
  }, 120_000);

  it('a holder killed with SIGKILL is taken over at once by the next run, which finishes the campaign: everyone once', async () => {
    const { list, db, prefix } = campaignFiles();
    const victim = send(list, db);
    await firstRequestOf(prefix, victim);
    await sleep(300);
    victim.child.kill('SIGKILL');
    const [, signal] = await victim.exited;
    expect(signal).toBe('SIGKILL');

    const nextFrom = server.requests.length;
    const next = send(list, db);
    const [code] = await next.exited;
    expect(code, next.output()).toBe(0);
    expect(next.output()).toContain(`Took over campaign ${SLUG} from pid ${victim.child.pid}`);
    expect(next.output()).toContain(`pid ${victim.child.pid} no longer runs`);
    // No --rate: the plan says auto, the report what it learned.
    expect(next.output()).toMatch(/^  rate {10}auto: the team's limit, from Resend's ratelimit-limit header/m);
    expect(next.output()).toMatch(/^  rate {10}10 requests\/s, learned from Resend's ratelimit-limit$/m);
    // (A retry is possible: a batch the victim had in flight may still be in progress at the server, a 409 to wait out.)
    expect(server.requests.slice(nextFrom).filter((r) => r.status === 429)).toEqual([]);

    const counts = receivedCounts(prefix);
    expect(counts.size).toBe(RECIPIENTS);
    expect([...counts].filter(([, c]) => c > 1)).toEqual([]);
    const store = openStore(db);
    const summary = createJournal(store).summary(SLUG);
    store.close();
    expect(summary?.recipients).toEqual({ queued: 0, sent: RECIPIENTS, failed: 0, skipped: 0 });
    expect(summary?.campaign.status).toBe('done');
  }, 120_000);
});
