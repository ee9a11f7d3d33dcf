/**
 * Memory of a whole dry run: peak RSS of `newsletter send <edition> --to <list> --dry-run`
 * over a generated list of 100,000 and of 1,000,000 rows, each in a fresh child process
 * with a journal of its own. Goal (issue 3): under 300 MB, and flat from one size to the
 * other. The dry run reads the list twice (the plan, then the send loop) and personalizes
 * every recipient in batches, so anything kept per recipient along that path shows here as
 * growth. What may grow: the de-duplication table, shared by both passes (8 bytes a slot,
 * 11.4 MB at a million rows). What also grows, and is not kept: garbage V8 promotes to its
 * old generation — anything that outlives two young-generation collections, which the
 * personalization's ~60 KB a recipient brings round every ~200 rows — until a full
 * collection; a longer run gives it longer to pile up. Node flags after `--` go to the
 * child, e.g. `--trace-gc` to watch that, or a V8 setting to try.
 *
 *   npx tsx bench/send-memory.ts                 # 100,000 and 1,000,000 rows
 *   npx tsx bench/send-memory.ts 200000          # other sizes
 *   npx tsx bench/send-memory.ts 1000000 -- --no-allocation-site-pretenuring
 *
 * Prints one JSON line per size ({ rows, maxRssMB, seconds, usPerRow }) and one with the
 * largest run's peak over the smallest's.
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { MAX_RSS_HOOK } from './_max-rss.ts';

const GOAL_MB = 300;
const EDITION = 'content/2025-07-08-ai-issues-2025-h1.md';
const ROOT = fileURLToPath(new URL('..', import.meta.url));


/** A list shaped like a real one (as bench/subscribers-memory.ts): Hangul names, a quoted company. */
async function generate(file: string, rows: number): Promise<void> {
  const out = createWriteStream(file);
  out.write('email,name,company\n');
  const surnames = ['김', '이', '박', '최', '정', '강', '조', '윤'];
  for (let i = 0; i < rows; i++) {
    const line = `reader${i}@example.com,${surnames[i % 8]}서준 ${i},"푸른마트, 지점 ${i % 97}"`;
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

interface Run {
  rows: number;
  sent: number;
  maxRssMB: number;
  seconds: number;
  usPerRow: number;
}

async function run(dir: string, rows: number): Promise<Run> {
  const list = join(dir, `list-${rows}.csv`);
  await generate(list, rows);
  const rssFile = join(dir, `rss-${rows}`);
  const started = performance.now();
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [...nodeFlags, '--import', MAX_RSS_HOOK, 'bin/newsletter.js', 'send', EDITION, '--to', list, '--dry-run', '--json', '--consent-source', 'bench: generated list'],
    {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      env: {
        ...process.env,
        NEWSLETTER_DB: join(dir, `journal-${rows}.db`),
        NEWSLETTER_OUTBOX: join(dir, 'outbox'),
        BENCH_MAX_RSS_FILE: rssFile,
        RESEND_API_KEY: '',
      },
    },
  );
  const seconds = (performance.now() - started) / 1000;
  // The report is the last JSON line (with --trace-gc, GC lines come and go around it).
  const json = JSON.parse(stdout.trim().split('\n').findLast((line) => line.startsWith('{')) ?? '{}') as { report?: { sent: number } };
  const sent = json.report?.sent ?? 0;
  if (sent !== rows) throw new Error(`expected a dry run to ${rows} recipients, the report says ${sent}: ${stdout.slice(0, 500)}`);
  return {
    rows,
    sent,
    maxRssMB: Math.round(Number(readFileSync(rssFile, 'utf8')) / 1024),
    seconds: Number(seconds.toFixed(1)),
    usPerRow: Number(((seconds * 1e6) / rows).toFixed(1)),
  };
}

const args = process.argv.slice(2);
const dashes = args.indexOf('--');
const nodeFlags = dashes === -1 ? [] : args.slice(dashes + 1);
const sizes = (dashes === -1 ? args : args.slice(0, dashes)).map(Number);
const rowsList = sizes.length > 0 ? sizes : [100_000, 1_000_000];
const dir = mkdtempSync(join(tmpdir(), 'send-memory-bench-'));
const runs: Run[] = [];
try {
  for (const rows of rowsList) {
    const r = await run(dir, rows);
    runs.push(r);
    console.log(JSON.stringify({ bench: 'send-memory', ...r, goalMB: GOAL_MB, ok: r.maxRssMB < GOAL_MB }));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const smallest = runs[0] as Run;
const largest = runs.at(-1) as Run;
console.log(
  JSON.stringify({
    bench: 'send-memory',
    rows: [smallest.rows, largest.rows],
    maxRssMB: [smallest.maxRssMB, largest.maxRssMB],
    ratio: Number((largest.maxRssMB / smallest.maxRssMB).toFixed(2)),
    seconds: [smallest.seconds, largest.seconds],
  }),
);
if (runs.some((r) => r.maxRssMB >= GOAL_MB)) process.exitCode = 1;
