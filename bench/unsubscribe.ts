/**
 * The unsubscribe endpoint under load, on loopback, with autocannon.
 * Goal (issue 5): ≥ 2,000 requests/s with p99 < 50 ms on this 2-core machine.
 *
 *   npx tsx bench/unsubscribe.ts [--duration 10] [--connections 50]
 *   npm run bench -- unsubscribe
 *
 * The server runs in its own process (as `newsletter serve` does), over a fresh SQLite
 * journal in a temp directory (WAL, synchronous=FULL: every 200 is on disk), writing its
 * JSON log lines to /dev/null; autocannon drives it from this process, so each has a core.
 * Scenarios:
 *   one-click-new      RFC 8058 POSTs, each for a new address: a real INSERT and commit
 *   one-click-repeat   the same POSTs again for addresses already suppressed (a mail
 *                      client retrying): answered from a read
 *   confirm-page       GET /u/TOKEN, the page a reader sees
 * After the run, every 200 of one-click-new must be a row in the suppression list.
 * Prints one JSON line per scenario.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { unsubscribeToken } from '../src/send/unsubscribe-token.ts';

const SECRET = 'bench-secret-0123456789abcdef';
const CAMPAIGN = '2025-07-08-ai-issues-2025-h1';
const GOAL = { rps: 2000, p99Ms: 50 };

// autocannon ships no types; this is the part of its API used here.
interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; max: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
  '2xx': number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;

if (process.argv[2] === '--serve') {
  await serveForBench(process.argv[3] as string);
} else {
  await main();
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { duration: { type: 'string', default: '10' }, connections: { type: 'string', default: '50' } } });
  const duration = Number(values.duration);
  const connections = Number(values.connections);
  const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

  const dir = mkdtempSync(join(tmpdir(), 'newsletter-bench-'));
  const dbPath = join(dir, 'newsletter.db');
  // BENCH_CPU_PROF=<dir> writes the server's CPU profile there.
  const profile = process.env['BENCH_CPU_PROF'];
  const execArgv = ['--import', 'tsx', ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [])];
  const child = fork(fileURLToPath(import.meta.url), ['--serve', dbPath], { execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.once('message', (m) => resolve(m as string));
      child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
    });

    // Enough fresh tokens for any rate this machine can reach; HMACs cost ~2 µs each.
    const tokens = Array.from({ length: 40_000 * duration }, (_, i) => unsubscribeToken(SECRET, CAMPAIGN, `reader-${i}@example.com`));
    let next = 0;
    const fresh = () => `/u/${tokens[next++ % tokens.length]}`;
    const post = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' };

    // Warm up (JIT, connections, page cache) and throw the figures away.
    await autocannon({ url, connections, duration: 2, ...post, requests: [{ setupRequest: (r: object) => ({ ...r, path: `/u/${unsubscribeToken(SECRET, 'warmup', `w-${next++}@example.com`)}` }) }] });
    next = 0;

    const results: Record<string, unknown>[] = [];
    const run = async (scenario: string, options: Record<string, unknown>, seconds: number) => {
      const r = await autocannon({ url, connections, duration: seconds, ...options });
      const line = {
        bench: 'unsubscribe',
        scenario,
        connections,
        seconds: Math.round(r.duration * 10) / 10,
        requests: r.requests.total,
        rps: Math.round(r.requests.average),
        p50Ms: r.latency.p50,
        p99Ms: r.latency.p99,
        maxMs: r.latency.max,
        ok: r['2xx'],
        non2xx: r.non2xx,
        errors: r.errors,
        timeouts: r.timeouts,
        goal: GOAL,
        meetsGoal: r.requests.average >= GOAL.rps && r.latency.p99 < GOAL.p99Ms && r.non2xx === 0 && r.errors === 0,
      };
      results.push(line);
      console.log(JSON.stringify(line));
      return r;
    };

    const newRun = await run('one-click-new', { ...post, requests: [{ setupRequest: (r: object) => ({ ...r, path: fresh() }) }] }, duration);
    const sentNew = next;
    // The same addresses again, now all suppressed.
    let again = 0;
    await run('one-click-repeat', { ...post, requests: [{ setupRequest: (r: object) => ({ ...r, path: `/u/${tokens[again++ % Math.max(1, sentNew)]}` }) }] }, Math.max(3, duration / 2));
    let page = 0;
    await run('confirm-page', { method: 'GET', requests: [{ setupRequest: (r: object) => ({ ...r, path: `/u/${tokens[page++ % tokens.length]}` }) }] }, Math.max(3, duration / 2));

    // Nothing lost: every 200 of one-click-new is a row. Requests still in flight when
    // autocannon stopped may have been committed too, so rows lie between the two.
    child.send('count');
    const count = await new Promise<{ suppressions: number; integrity: string }>((resolve) => child.once('message', (m) => resolve(m as never)));
    const noLostWrites = count.suppressions >= newRun['2xx'] && count.suppressions <= sentNew && count.integrity === 'ok';
    console.log(JSON.stringify({ bench: 'unsubscribe', check: 'no-lost-writes', answered200: newRun['2xx'], sent: sentNew, rows: count.suppressions, integrity: count.integrity, pass: noLostWrites }));
    if (!noLostWrites) process.exitCode = 1;
    if (!results.every((r) => r['non2xx'] === 0 && r['errors'] === 0)) process.exitCode = 1;
  } finally {
    await stop(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The child: `newsletter serve` as scripts/serve.ts builds it, on port 0. */
async function serveForBench(dbPath: string): Promise<void> {
  const { createApp } = await import('../src/server/create-app.ts');
  const { jsonLog } = await import('../src/server/json-log.ts');
  const { startServer } = await import('../src/server/start-server.ts');
  const { openStore } = await import('../src/store/open-store.ts');
  const store = openStore(dbPath);
  // stdout is /dev/null: the log lines are built and written, as in production.
  const app = createApp({ store, secret: SECRET, contentDir: 'content', now: Date.now, log: jsonLog((line) => process.stdout.write(line), Date.now) });
  const server = await startServer(app, { port: 0, host: '127.0.0.1' });
  process.on('message', (m) => {
    if (m === 'count') {
      const suppressions = store.db.prepare(`SELECT count(*) FROM suppressions WHERE campaign = ?`).pluck().get(CAMPAIGN) as number;
      const integrity = store.db.pragma('integrity_check', { simple: true }) as string;
      process.send?.({ suppressions, integrity });
    }
  });
  // If the parent dies (Ctrl-C, a closed pipe), do not linger as an orphan server.
  process.once('disconnect', () => process.exit(0));
  process.once('SIGTERM', () => {
    void server.close(1000).then(() => {
      store.close();
      process.exit(0);
    });
  });
  process.send?.(server.url);
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
