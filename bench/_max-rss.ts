import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnNode } from '../tests/support/spawn-node.ts';

/**
 * Preloaded into a benchmark's child (`--import MAX_RSS_HOOK`): on exit, the process's
 * peak RSS (maxRSS, in KB) goes to the file named by BENCH_MAX_RSS_FILE. Peak, not a
 * sample: polling /proc would miss a spike between two polls, and the kernel's
 * high-water mark is gone once the process exits.
 */
export const MAX_RSS_HOOK =
  'data:text/javascript,' +
  encodeURIComponent(
    `import { writeFileSync } from 'node:fs';
     process.on('exit', () => writeFileSync(process.env.BENCH_MAX_RSS_FILE, String(process.resourceUsage().maxRSS)));`,
  );

/**
 * Runs `node --import MAX_RSS_HOOK bin/newsletter.js …args` in `cwd` with only PATH and
 * `env` in its environment: wall time, when it started (ms since the epoch), its peak
 * RSS and its stdout. A non-zero exit throws with the end of its stderr.
 */
export async function runCli(args: string[], options: { cwd: string; env: Record<string, string> }): Promise<{ wallMs: number; startedAt: number; maxRssMb: number; stdout: string }> {
  const bin = new URL('../bin/newsletter.js', import.meta.url).pathname;
  const rssFile = join(options.cwd, `rss-${Math.random().toString(36).slice(2)}`);
  const startedAt = Date.now();
  const t = performance.now();
  const { stdout, stderr, code } = await spawnNode(['--import', MAX_RSS_HOOK, bin, ...args], { cwd: options.cwd, env: { BENCH_MAX_RSS_FILE: rssFile, ...options.env } }).exited;
  const wallMs = performance.now() - t;
  if (code !== 0) throw new Error(`newsletter ${args[0] ?? ''} exited ${String(code)}: ${stderr.slice(-2000)}`);
  return { wallMs, startedAt, maxRssMb: Math.round(Number(readFileSync(rssFile, 'utf8')) / 1024), stdout };
}
