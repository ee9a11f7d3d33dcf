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
