import type { Browser } from 'playwright-core';
import { checkEmc, severityOf, type Impact } from './check-emc.ts';
import type { Finding } from './finding.ts';
import { CHROMIUM_HINT } from './launch-chromium.ts';
import { MIN_CONTRAST, runAxe, type AxeRun } from './run-axe.ts';

/**
 * Web-page rules that do not fit an email: a client shows the message inside its own page,
 * whose `<main>` holds it, and the EMC's pattern for the message itself is the
 * `role="article"` wrapper (the issue's and MJML 5's). Reported as info, not hidden.
 */
const PAGE_ONLY_RULES = new Set(['landmark-one-main', 'region']);

const CONTRAST_HELP = 'https://www.w3.org/WAI/WCAG22/Understanding/contrast-minimum.html';

/**
 * The accessibility check: axe-core in Chromium at 375 px in light and dark, text contrast
 * (≥ 4.5:1) in light, dark and force-inverted, and the Email Markup Consortium's checks
 * that axe does not make. One finding per rule, naming the modes it fails in and linking
 * its explanation; serious and critical are errors.
 *
 * Without a browser (`browser` undefined) the EMC checks still run, and a warning says how
 * to install Chromium for the rest. `send` never calls this: sending needs no browser.
 */
export async function checkAccessibility(browser: Browser | undefined, html: string, subject: string): Promise<Finding[]> {
  const findings: Finding[] = checkEmc(html, subject).map((f) => ({
    check: 'accessibility',
    severity: severityOf(f.impact),
    message: `${f.message} (${f.impact})`,
    rule: `emc/${f.rule}`,
    url: f.helpUrl,
  }));
  if (!browser) {
    findings.push({ check: 'accessibility', severity: 'warning', message: `axe-core and the contrast checks did not run: no Chromium — ${CHROMIUM_HINT}` });
    return findings;
  }
  return [...findings, ...axeFindings(await runAxe(browser, html))];
}

/** axe's violations merged across modes (one finding per rule), then the contrast probes. */
export function axeFindings(runs: readonly AxeRun[]): Finding[] {
  const byRule = new Map<string, { impact: Impact; help: string; url: string; modes: string[]; targets: string[]; count: number }>();
  for (const run of runs) {
    for (const v of run.violations) {
      const seen = byRule.get(v.rule);
      if (seen) {
        seen.modes.push(run.mode);
        seen.count = Math.max(seen.count, v.count);
      } else byRule.set(v.rule, { impact: v.impact, help: v.help, url: v.helpUrl, modes: [run.mode], targets: v.targets, count: v.count });
    }
  }
  const findings: Finding[] = [...byRule].map(([rule, v]) => ({
    check: 'accessibility',
    severity: PAGE_ONLY_RULES.has(rule) ? 'info' : severityOf(v.impact),
    message: `axe ${rule} (${v.impact}): ${v.help} — ${v.count} element(s) at 375 px in ${v.modes.join(' and ')}, e.g. ${v.targets.join(', ')}${PAGE_ONLY_RULES.has(rule) ? ' (a page rule: the client\'s page holds the email, which is a role="article")' : ''}`,
    rule: `axe/${rule}`,
    url: v.url,
  }));
  for (const run of runs) {
    for (const [mode, low] of [[run.mode, run.lowContrast], ['force-inverted', run.inverted ?? []]] as const) {
      if (low.length === 0) continue;
      const examples = low.slice(0, 3).map((l) => `${l.element} "${l.text}" ${l.ratio}:1 (${l.color} on ${l.background})`);
      findings.push({
        check: 'accessibility',
        severity: 'error',
        message: `${low.length} text element(s) under ${MIN_CONTRAST}:1 contrast in ${mode}: ${examples.join('; ')} — change the colour in emails/theme.ts`,
        rule: 'contrast',
        url: CONTRAST_HELP,
      });
    }
  }
  return findings;
}
