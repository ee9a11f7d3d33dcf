/**
 * The whole command, start to exit, as a user runs it: `node bin/newsletter.js send` (what
 * `npx newsletter send` runs once npm's own ~1 s start is over) of 5,000 and 20,000
 * generated recipients through the real Resend transport to the local Resend-compatible
 * server (in its own process, warm) at 10 and at 5 requests/s, with no --rate: the CLI
 * learns the limit (rate auto). Each run starts cold, a fresh process and a fresh journal,
 * as the CLI does. Goal (issue 17): emails/s over the ceiling (the limit × 100 emails a
 * batch) ≥ 0.90 at 5,000 and ≥ 0.95 at 20,000, no 429; `--help` < 0.15 s.
 *
 *   npx tsx bench/cli-send.ts [--runs 1] [--sizes 5000,20000] [--rates 10,5] [--from-sources] [--cold-render] [--stored]
 *
 * `--stored`: the same recipients imported into the stored list first (`subscribers
 * import`, not timed; each run gets a copy of that journal), and sent with no --to: the
 * plan of a stored list is counted beside the first requests (scripts/send-plan.ts),
 * where a CSV's plan ends before them.
 *
 * First it builds the edition, as a user does before sending (`npm start` too), which leaves
 * its rendered email in the render cache (src/render/render-cache.ts), so each send starts
 * from it. `--cold-render` empties the cache before every send instead: rendered afresh.
 *
 * `firstRequestMs`: from the spawn to the server's first request. `startup.helpS`: the
 * median of 5 `node bin/newsletter.js --help`. Run it after `npm run build`: without a
 * fresh dist/ the command starts from the TypeScript through tsx (`fromDist` says which).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { forkResendServer } from '../tests/support/fork-resend-server.ts';
import { spawnNode } from '../tests/support/spawn-node.ts';
import { benchEdition } from './_edition.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/newsletter.js');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '1' }, sizes: { type: 'string', default: '5000,20000' }, rates: { type: 'string', default: '10,5' }, 'from-sources': { type: 'boolean', default: false }, 'cold-render': { type: 'boolean', default: false }, stored: { type: 'boolean', default: false } } });
const STORED = values.stored === true;
const COLD_RENDER = values['cold-render'] === true;
const RENDER_CACHE = join(ROOT, 'node_modules/.cache/newsletter/render');
// --from-sources: the command as it started before the build step (TypeScript through tsx), for a side-by-side figure.
const FROM_SOURCES = values['from-sources'] === true;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
let fromDist = false;
try {
  fromDist = statSync(join(ROOT, 'dist/.built')).isFile();
} catch {}

const help: number[] = [];
for (let i = 0; i < 5; i++) {
  const t = performance.now();
  spawnSync(process.execPath, [BIN, '--help'], { stdio: 'ignore' });
  help.push((performance.now() - t) / 1000);
}
console.log(JSON.stringify({ bench: 'cli-send', startup: { helpS: Number(median(help).toFixed(3)), min: Number(Math.min(...help).toFixed(3)), max: Number(Math.max(...help).toFixed(3)), goal: 0.15, fromDist } }));

const work = mkdtempSync(join(tmpdir(), 'bench-cli-send-'));
const EDITION = benchEdition(work);
const built = spawnSync(process.execPath, [BIN, 'build', EDITION, '--out', join(work, 'out')], { cwd: work, stdio: 'ignore' });
if (built.status !== 0) throw new Error(`build of the bench edition exited ${String(built.status)}`);
try {
  for (let run = 0; run < Number(values.runs); run++) {
    for (const size of values.sizes.split(',').map(Number)) {
      const list = join(work, `list-${size}.csv`);
      const rows = ['email,name,company'];
      for (let i = 0; i < size; i++) rows.push(`reader${i}@example.com,독자 ${i},회사 ${i % 97}`);
      writeFileSync(list, `${rows.join('\n')}\n`);
      const storedDb = join(work, `stored-${size}.db`);
      if (STORED) {
        const imported = spawnSync(process.execPath, [BIN, 'subscribers', 'import', list, '--consent-source', 'bench: generated list'], { cwd: work, env: { PATH: process.env.PATH ?? '', NEWSLETTER_DB: storedDb }, stdio: 'ignore' });
        if (imported.status !== 0) throw new Error(`subscribers import exited ${String(imported.status)}`);
      }
      for (const rate of values.rates.split(',').map(Number)) {
        const server = await forkResendServer({ ratePerSecond: rate, warm: true });
        const db = join(work, `run-${run}-${size}-${rate}.db`);
        if (COLD_RENDER) rmSync(RENDER_CACHE, { recursive: true, force: true });
        if (STORED) copyFileSync(storedDb, db);
        const started = performance.now();
        const listArgs = STORED ? [] : ['--to', list, '--consent-source', 'bench: generated list'];
        const { exited } = spawnNode([BIN, 'send', EDITION, ...listArgs, '--transport', 'resend', '--yes', '--json'], {
          cwd: work,
          env: {
            RESEND_API_KEY: 're_bench_cli',
            RESEND_BASE_URL: server.url,
            NEWSLETTER_SECRET: 'bench-secret-0123456789abcdef',
            NEWSLETTER_PUBLIC_URL: 'https://news.example.com',
            NEWSLETTER_DB: db,
            ...(FROM_SOURCES ? { NEWSLETTER_FROM_SOURCES: '1' } : {}),
          },
        });
        const startedAtEpoch = Date.now() - (performance.now() - started);
        const { code, stdout, stderr } = await exited;
        const wallMs = performance.now() - started;
        const stats = await server.stats();
        const requests = await server.requests();
        await server.close();
        if (code !== 0) throw new Error(`send exited ${String(code)}: ${stderr.slice(-2000)}`);
        const report = (JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { report?: { rate?: unknown; elapsedMs?: number } }).report;
        const ceiling = rate * 100;
        console.log(
          JSON.stringify({
            bench: 'cli-send',
            run: run + 1,
            fromDist: fromDist && !FROM_SOURCES,
            renderCache: COLD_RENDER ? 'cold' : 'warm',
            list: STORED ? 'stored' : 'csv',
            recipients: size,
            serverRate: rate,
            everyRecipientOnce: stats.received === size && stats.distinct === size,
            rateLimited429: stats.rateLimited429,
            // Which requests (by arrival) were refused, to tell the first second from the rest.
            refusedAt: requests.flatMap((r, i) => (r.status === 429 ? [i] : [])),
            rate: report?.rate,
            firstRequestMs: Math.round((requests[0]?.time ?? NaN) - startedAtEpoch),
            // The first second of sending, from the first request: how many went (the limit at best).
            inFirstSecond: requests.filter((r) => r.time < (requests[0]?.time ?? 0) + 1000).length,
            firstGapsMs: requests.slice(0, 6).map((r, i) => (i === 0 ? 0 : r.time - (requests[i - 1] as { time: number }).time)),
            sendLoopMs: Math.round(report?.elapsedMs ?? NaN),
            wallMs: Math.round(wallMs),
            emailsPerSecond: Math.round((size * 1000) / wallMs),
            ceiling,
            ratio: Number((size * 1000 / wallMs / ceiling).toFixed(3)),
            goal: size >= 20_000 ? 0.95 : 0.9,
          }),
        );
      }
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
