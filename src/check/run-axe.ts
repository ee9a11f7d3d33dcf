import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AxeResults, ImpactValue } from 'axe-core';
import type { Browser } from 'playwright-core';
import { invertedContrastProbe, type LowContrast } from './inverted-contrast.ts';

/** The colour schemes a reader's client may show: its own light or dark, or a forced inversion. */
export type ColourMode = 'light' | 'dark';

export interface AxeViolation {
  /** axe's rule id, such as `color-contrast`. */
  rule: string;
  impact: NonNullable<ImpactValue>;
  /** axe's one-line summary of the rule. */
  help: string;
  /** The rule's explanation on Deque University. */
  helpUrl: string;
  /** CSS selectors of the failing elements (the first few). */
  targets: string[];
  /** How many elements fail. */
  count: number;
}

export interface AxeRun {
  mode: ColourMode;
  violations: AxeViolation[];
  /** Ids of the rules that passed (e.g. `page-has-heading-one`). */
  passes: string[];
  /** Text under 4.5:1 as shown in this mode (axe allows 3:1 for large text; the issue asks 4.5 of all). */
  lowContrast: LowContrast[];
  /** Text under 4.5:1 once a client force-inverts the light version (light only; axe cannot see CSS filters). */
  inverted?: LowContrast[];
}

/** WCAG 1.4.3's ratio for body text, asked here of all text. */
export const MIN_CONTRAST = 4.5;

/** The phone width the checks run at: where most email is read, and where layouts break. */
export const AXE_WIDTH = 375;

let axeSource: Promise<string> | undefined;
function loadAxeSource(): Promise<string> {
  // From node_modules, never from a CDN: the check runs offline.
  axeSource ??= readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
}

/**
 * Runs axe-core over an email's HTML in Chromium at 375 px, once per colour scheme (the
 * email's own `prefers-color-scheme: dark` styles apply in `dark`). Every request the
 * page makes is refused, so remote images and links never reach the network; axe reads
 * `alt`, roles and computed colours, which need no image bytes.
 */
export async function runAxe(browser: Browser, html: string, modes: readonly ColourMode[] = ['light', 'dark']): Promise<AxeRun[]> {
  const source = await loadAxeSource();
  const runs: AxeRun[] = [];
  for (const mode of modes) {
    const context = await browser.newContext({ viewport: { width: AXE_WIDTH, height: 800 }, colorScheme: mode });
    try {
      await context.route('**/*', (route) => route.abort());
      const page = await context.newPage();
      await page.setContent(html, { waitUntil: 'domcontentloaded' });
      await page.addScriptTag({ content: source });
      // tsx and vitest compile with esbuild's keepNames, which wraps functions in a
      // `__name(…)` helper; the probe's source is sent to the page, where it is undefined.
      await page.evaluate('globalThis.__name ??= (f) => f');
      const results = await page.evaluate(() => (globalThis as unknown as { axe: { run: (c: Document, o: object) => Promise<AxeResults> } }).axe.run(document, { resultTypes: ['violations'] }));
      const run: AxeRun = {
        mode,
        violations: results.violations.map((v) => ({
          rule: v.id,
          impact: v.impact ?? 'minor',
          help: v.help,
          helpUrl: v.helpUrl,
          targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
          count: v.nodes.length,
        })),
        passes: results.passes.map((p) => p.id),
        lowContrast: await page.evaluate(invertedContrastProbe, { minimum: MIN_CONTRAST, invert: false }),
      };
      if (mode === 'light') run.inverted = await page.evaluate(invertedContrastProbe, { minimum: MIN_CONTRAST, invert: true });
      runs.push(run);
    } finally {
      await context.close();
    }
  }
  return runs;
}
