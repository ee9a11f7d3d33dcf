/**
 * Memory: peak RSS while streaming a generated subscriber list of 100,000 and of
 * 1,000,000 rows through `readSubscribers`, each in a fresh child process so neither
 * run inherits the other's heap. Goal (issue 3): under 300 MB, and flat from one to the
 * other — only the de-duplication table grows with the list (8 bytes a slot, at most
 * 70% full: 11.4 MB at a million rows).
 *
 *   npx tsx bench/subscribers-memory.ts            # 100,000 and 1,000,000 rows
 *   npx tsx bench/subscribers-memory.ts 50000      # other sizes
 *
 * Prints one JSON line per size ({ rows, valid, duplicates, invalid, maxRssMB, seconds })
 * and one with the ratio of the largest run's peak to the smallest's.
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { readSubscribers } from '../src/subscribers/load-subscribers.ts';

const GOAL_MB = 300;

interface Run {
  rows: number;
  valid: number;
  duplicates: number;
  invalid: number;
  maxRssMB: number;
  seconds: number;
}

/** Child: stream the list, touch every recipient, report the process's peak RSS. */
async function child(file: string): Promise<void> {
  const started = performance.now();
  const { recipients, report } = readSubscribers(file);
  let bytes = 0;
  for await (const r of recipients) bytes += r.email.length + (r.name?.length ?? 0);
  if (bytes === 0) throw new Error('no recipients read');
  const run: Run = {
    rows: report.rows,
    valid: report.valid,
    duplicates: report.duplicates,
    invalid: report.invalidCount,
    // maxRSS is in kilobytes.
    maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    seconds: Number(((performance.now() - started) / 1000).toFixed(2)),
  };
  process.stdout.write(`${JSON.stringify(run)}\n`);
}

/**
 * A list shaped like a real one: a Hangul name, a company with a comma (quoted), mixed
 * case; every 100th row repeats an earlier address in upper case, every 250th is broken.
 */
async function generate(file: string, rows: number): Promise<{ valid: number }> {
  const out = createWriteStream(file);
  out.write('email,name,company,signed_up\n');
  let valid = 0;
  const surnames = ['김', '이', '박', '최', '정', '강', '조', '윤'];
  for (let i = 0; i < rows; i++) {
    let line: string;
    if (i % 250 === 0) line = `broken${i}@,이름 ${i},회사,2025-01-01`;
    else if (i % 100 === 0) line = `SUBSCRIBER${i - 1}@EXAMPLE.COM,${surnames[i % 8]}민지,"한빛, ${i}",2025-01-01`;
    else {
      line = `Subscriber${i}@Example.com,${surnames[i % 8]}서준 ${i},"푸른마트, 지점 ${i % 97}",2025-0${(i % 9) + 1}-1${i % 10}`;
      valid++;
    }
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return { valid };
}

async function main(): Promise<void> {
  const sizes = process.argv.slice(2).map(Number);
  const rowsList = sizes.length > 0 ? sizes : [100_000, 1_000_000];
  const dir = mkdtempSync(join(tmpdir(), 'subscribers-bench-'));
  const runs: Run[] = [];
  try {
    for (const rows of rowsList) {
      const file = join(dir, `list-${rows}.csv`);
      const { valid } = await generate(file, rows);
      const output = execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', file], {
        encoding: 'utf8',
      });
      const run = JSON.parse(output) as Run;
      if (run.valid !== valid) throw new Error(`expected ${valid} valid recipients from ${rows} rows, read ${run.valid}`);
      runs.push(run);
      console.log(JSON.stringify({ bench: 'subscribers-memory', ...run, goalMB: GOAL_MB, ok: run.maxRssMB < GOAL_MB }));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const smallest = runs[0]!;
  const largest = runs.at(-1)!;
  console.log(
    JSON.stringify({
      bench: 'subscribers-memory',
      ratio: Number((largest.maxRssMB / smallest.maxRssMB).toFixed(2)),
      rows: [smallest.rows, largest.rows],
      maxRssMB: [smallest.maxRssMB, largest.maxRssMB],
    }),
  );
  if (runs.some((run) => run.maxRssMB >= GOAL_MB)) process.exitCode = 1;
}

if (process.argv[2] === '--child') await child(process.argv[3]!);
else await main();
