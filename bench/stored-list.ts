/**
 * The stored list at scale (issue 13): `subscribers import` of a generated CSV, `send
 * --dry-run` to the stored list, and `consent due`, each the whole command in a fresh
 * child process, at 100,000 and at 1,000,000 subscribers side by side. Goals: peak RSS
 * under 300 MB and flat from one size to the other; `consent due` over 1,000,000 in < 2 s.
 *
 *   npx tsx bench/stored-list.ts              # 100,000 and 1,000,000
 *   npx tsx bench/stored-list.ts 200000       # other sizes
 *
 * One JSON line per command and size ({ step, rows, maxRssMB, seconds }), then the ratios.
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
const DUE_GOAL_S = 2;
const EDITION = 'content/2025-07-08-ai-issues-2025-h1.md';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The `--at` of `consent due`: consents are spread over 2023-01-01 … 2024-12-31, so ~1/20 are due. */
const AT = '2025-03-01T00:00:00Z';


async function generate(file: string, rows: number): Promise<void> {
  const out = createWriteStream(file);
  out.write('email,name,consented_at,company\n');
  const surnames = ['김', '이', '박', '최', '정', '강', '조', '윤'];
  const start = Date.UTC(2023, 0, 1);
  const span = Date.UTC(2024, 11, 31) - start;
  for (let i = 0; i < rows; i++) {
    const consented = new Date(start + Math.floor(((i * 7919) % rows) / rows * span)).toISOString().slice(0, 10);
    const line = `reader${i}@example.com,${surnames[i % 8]}서준 ${i},${consented},"푸른마트, 지점 ${i % 97}"`;
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

interface Step {
  step: string;
  rows: number;
  maxRssMB: number;
  seconds: number;
}

async function step(name: string, rows: number, dir: string, args: string[]): Promise<{ result: Step; stdout: string }> {
  const rssFile = join(dir, `rss-${name}-${rows}`);
  const started = performance.now();
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', MAX_RSS_HOOK, 'bin/newsletter.js', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
    env: { ...process.env, NEWSLETTER_DB: join(dir, `journal-${rows}.db`), NEWSLETTER_OUTBOX: join(dir, 'outbox'), BENCH_MAX_RSS_FILE: rssFile, RESEND_API_KEY: '' },
  });
  const seconds = (performance.now() - started) / 1000;
  return { result: { step: name, rows, maxRssMB: Math.round(Number(readFileSync(rssFile, 'utf8')) / 1024), seconds: Number(seconds.toFixed(2)) }, stdout };
}

const sizes = process.argv.slice(2).map(Number);
const rowsList = sizes.length > 0 ? sizes : [100_000, 1_000_000];
const dir = mkdtempSync(join(tmpdir(), 'stored-list-bench-'));
const all: Step[] = [];
try {
  for (const rows of rowsList) {
    const list = join(dir, `list-${rows}.csv`);
    await generate(list, rows);
    const imported = await step('import', rows, dir, ['subscribers', 'import', list, '--consent-source', 'bench']);
    if (!imported.stdout.includes(`${rows.toLocaleString('en-US')} added`.replace(/^/, '')) && !imported.stdout.includes(`${rows} added`)) {
      throw new Error(`import did not add ${rows}: ${imported.stdout}`);
    }
    const dry = await step('send --dry-run', rows, dir, ['send', EDITION, '--dry-run', '--json']);
    const sent = (JSON.parse(dry.stdout.trim().split('\n').findLast((l) => l.startsWith('{')) ?? '{}') as { report?: { sent: number } }).report?.sent;
    if (sent !== rows) throw new Error(`the dry run reached ${sent} of ${rows}`);
    const due = await step('consent due', rows, dir, ['consent', 'due', '--at', AT, '--json']);
    const dueCount = (JSON.parse(due.stdout) as unknown[]).length;
    for (const s of [imported.result, dry.result, { ...due.result, due: dueCount }]) {
      all.push(s);
      console.log(JSON.stringify({ bench: 'stored-list', ...s, goalMB: GOAL_MB, ok: s.maxRssMB < GOAL_MB && (s.step !== 'consent due' || s.seconds < DUE_GOAL_S) }));
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
for (const name of ['import', 'send --dry-run', 'consent due']) {
  const runs = all.filter((s) => s.step === name);
  const [a, b] = [runs[0]!, runs.at(-1)!];
  console.log(JSON.stringify({ bench: 'stored-list', step: name, rows: [a.rows, b.rows], maxRssMB: [a.maxRssMB, b.maxRssMB], rssRatio: Number((b.maxRssMB / a.maxRssMB).toFixed(2)), seconds: [a.seconds, b.seconds] }));
}
if (all.some((s) => s.maxRssMB >= GOAL_MB)) process.exitCode = 1;
