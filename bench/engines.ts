/**
 * The two template engines on the sample edition (issue 6): render time (median of 50
 * renders in this one process, after a warm-up), HTML size, and caniemail errors for
 * Gmail, Apple Mail and Outlook.
 *
 *   npx tsx bench/engines.ts
 *   npx tsx bench/engines.ts --edition content/2025-07-08-ai-issues-2025-h1.md --runs 50
 *
 * Prints one JSON line per engine.
 */
import { parseArgs } from 'node:util';
import { loadEdition } from '../src/content/load-edition.ts';
import { ENGINES, renderEmail, type Engine } from '../src/render/render-email.ts';

const { values } = parseArgs({
  options: {
    edition: { type: 'string', default: 'content/2025-07-08-ai-issues-2025-h1.md' },
    runs: { type: 'string', default: '50' },
  },
});
const RUNS = Number(values.runs);
const WARM_UP = 5;
/** caniemail's client families, as doiuse-email globs them. */
const FAMILIES = { gmail: 'gmail.*', appleMail: 'apple-mail.*', outlook: 'outlook.*' } as const;

const edition = await loadEdition(values.edition ?? '');
const doiuse = await loadDoiuse();

for (const engine of ENGINES) {
  const times = await timeRenders(engine);
  const email = await renderEmail(edition, { engine });
  console.log(
    JSON.stringify({
      bench: 'engines',
      edition: edition.slug,
      engine,
      runs: RUNS,
      renderMsMedian: round(quantile(times, 0.5)),
      renderMsMin: round(Math.min(...times)),
      renderMsP90: round(quantile(times, 0.9)),
      htmlBytes: Buffer.byteLength(email.html),
      textBytes: Buffer.byteLength(email.text),
      caniemail: doiuse ? caniemail(doiuse, email.html) : 'not measured: @jsx-email/doiuse-email is not installed',
    }),
  );
}

/**
 * One engine's renders back to back, after its own warm-up, as a build or a preview
 * would run them. (Taking turns render by render was tried: it slows both, React Email
 * about threefold, as each evicts the other's compiled code and caches.)
 */
async function timeRenders(engine: Engine): Promise<number[]> {
  for (let i = 0; i < WARM_UP; i++) await renderEmail(edition, { engine });
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await renderEmail(edition, { engine });
    times.push(performance.now() - started);
  }
  return times;
}

type DoIUseEmail = typeof import('@jsx-email/doiuse-email').doIUseEmail;

/** Optional: another part of the project installs it; without it the bench still runs. */
async function loadDoiuse(): Promise<DoIUseEmail | undefined> {
  try {
    return (await import('@jsx-email/doiuse-email')).doIUseEmail;
  } catch {
    return undefined;
  }
}

/**
 * Per client family: `errors` as doiuse-email counts them (one per use of an unsupported
 * feature per client of the family, so it grows with the HTML), and `features`, the
 * distinct features some client of the family does not support at all.
 */
function caniemail(check: DoIUseEmail, html: string): Record<keyof typeof FAMILIES, { errors: number; features: string[] }> {
  const entries = Object.entries(FAMILIES).map(([family, glob]) => {
    const result = check(html, { emailClients: [glob] });
    const errors = result.success ? [] : result.errors;
    const features = [...new Set(errors.map((e) => /^`(.+)` is not supported by/.exec(e)?.[1] ?? e))].sort();
    return [family, { errors: errors.length, features }] as const;
  });
  return Object.fromEntries(entries) as Record<keyof typeof FAMILIES, { errors: number; features: string[] }>;
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (at - low);
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
