import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJournal } from '../../src/store/journal.ts';
import { openStore } from '../../src/store/open-store.ts';
import { mulberry32 } from '../support/mulberry32.ts';
import { startResendServer, type ResendServer } from '../support/resend-server.ts';

// Crash safety, for real: `newsletter send` runs as a child process and is killed with
// SIGKILL (no cleanup, no signal handler, a journal transaction possibly half-written)
// at random instants while it sends, then run again, the same command, each time. At the
// end every subscriber has been received by the (local) provider exactly once.

const ROOT = new URL('../..', import.meta.url).pathname;
const EDITION = join(ROOT, 'tests/fixtures/send/2025-01-02-send-fixture.md');
const RECIPIENTS = 4500;
const KILLS = 10;

let server: ResendServer;
let work: string;

beforeAll(async () => {
  // Slow answers widen the moment between "the provider has it" and "the journal knows";
  // dropAfterAccept loses answers on purpose; a few 500s add retries to the mix.
  server = await startResendServer({ ratePerSecond: 10, seed: 11, faults: { slowMs: 60, dropAfterAccept: 0.05, error500: 0.03 } });
  work = mkdtempSync(join(tmpdir(), 'crash-'));
});
afterAll(async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
});


function sendProcess(list: string, db: string): ChildProcess {
  return spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'scripts/newsletter.ts'), 'send', EDITION, '--to', list, '--transport', 'resend', '--yes', '--rate', '10', '--json'],
    {
      cwd: ROOT, // where `--import tsx` resolves
      env: {
        PATH: process.env.PATH,
        RESEND_API_KEY: 're_crash_test',
        RESEND_BASE_URL: server.url,
        NEWSLETTER_SECRET: 'crash-test-secret-0123456789',
        NEWSLETTER_PUBLIC_URL: 'https://news.example.com',
        NEWSLETTER_DB: db,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('crash safety', () => {
  it(`SIGKILLed at ${KILLS} random instants and resumed each time, every recipient is received exactly once`, async () => {
    const list = join(work, 'list.csv');
    const db = join(work, 'newsletter.db');
    writeFileSync(list, ['email,name', ...Array.from({ length: RECIPIENTS }, (_, i) => `reader${i}@example.com,독자 ${i}`)].join('\n'));

    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 100_000);
    const random = mulberry32(seed); // reproducible from the printed seed
    const runs: { first: number; last: number; killedAfterMs?: number }[] = [];

    for (let kill = 0; kill < KILLS; kill++) {
      const before = server.requests.length;
      const child = sendProcess(list, db);
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = once(child, 'exit');
      let done = false;
      void exited.then(() => (done = true));
      // Startup (loading, rendering, the plan) takes seconds; aim the kill at the sending.
      const spawned = Date.now();
      while (server.requests.length === before && !done) await sleep(5);
      if (process.env.CRASH_DEBUG) console.log(`run ${kill + 1}: first request after ${Date.now() - spawned} ms`);
      if (done) throw new Error(`run ${kill + 1} (seed ${seed}) ended before sending anything (exit ${String((await exited)[0])}): ${output}`);
      const delay = Math.floor(random() * 700);
      await sleep(delay);
      child.kill('SIGKILL');
      const [code, signal] = await exited;
      runs.push({ first: before, last: server.requests.length, killedAfterMs: delay });
      // Finished before the kill landed: then there is nothing left to crash (the
      // assertion on the number of kills below fails, naming the seed).
      if (signal !== 'SIGKILL') {
        expect(code, `seed ${seed}`).toBe(0);
        break;
      }
    }

    // The last run, left alone, finishes the campaign.
    const before = server.requests.length;
    const final = sendProcess(list, db);
    let stdout = '';
    final.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    let stderr = '';
    final.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const finalStart = Date.now();
    const [code] = await once(final, 'exit');
    if (process.env.CRASH_DEBUG) {
      console.log(`final run: ${Date.now() - finalStart} ms, ${server.requests.length - before} requests\n${stderr}`);
      console.log(server.requests.slice(before).map((r) => `${r.time % 100000}:${r.status}:${r.fault ?? ''}:${r.replayed ? 'R' : ''}`).join(' '));
    }
    runs.push({ first: before, last: server.requests.length });
    expect(code, `seed ${seed}: ${stdout}`).toBe(0);

    const killed = runs.filter((r) => r.killedAfterMs !== undefined).length;
    expect(killed, `seed ${seed}`).toBeGreaterThanOrEqual(10);

    // Every recipient exactly once, none missing.
    const counts = new Map<string, number>();
    for (const r of server.received) for (const to of r.to) counts.set(to, (counts.get(to) ?? 0) + 1);
    const twice = [...counts].filter(([, n]) => n > 1).map(([to]) => to);
    expect(twice, `seed ${seed}`).toEqual([]);
    expect(counts.size, `seed ${seed}`).toBe(RECIPIENTS);
    expect(server.validationErrors).toEqual([]);

    // Batches in flight at a kill went out again under their key in the next run: the
    // provider answered from the key instead of sending twice.
    const keysOf = (r: { first: number; last: number }) => new Set(server.requests.slice(r.first, r.last).map((q) => q.idempotencyKey));
    const resentAfterKill = runs.slice(1).filter((run, i) => [...keysOf(run)].some((k) => keysOf(runs[i]!).has(k))).length;
    expect(resentAfterKill, `seed ${seed}`).toBeGreaterThan(0);

    const store = openStore(db);
    const summary = createJournal(store).summary('2025-01-02-send-fixture');
    store.close();
    expect(summary?.recipients).toEqual({ queued: 0, sent: RECIPIENTS, failed: 0, skipped: 0 });
    expect(summary?.batches).toMatchObject({ pending: 0, in_flight: 0, failed: 0 });
    expect(summary?.campaign.status).toBe('done');
  }, 240_000);
});
