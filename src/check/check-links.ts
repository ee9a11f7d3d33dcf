import type { Finding } from './finding.ts';
import type { ScannedHtml } from './scan-html.ts';
import type { Locate } from './source-locator.ts';
import { urlProblem } from './url-problem.ts';

/** URLs written out in the plain-text part, up to the first space or closing bracket. */
const TEXT_URL = /\b(?:https?:\/\/|mailto:)[^\s)>\]]+/gi;

/**
 * Every link of the HTML part and every URL of the text part must reach a real page:
 * an absolute https URL (or mailto:, or a merge slot the send step fills in), and no
 * placeholder (example.com, "#", TODO) left from drafting. Each bad address is reported
 * once, with the edition line it was written on when it came from the edition.
 */
export function checkLinks(html: ScannedHtml, text: string, locate: Locate): Finding[] {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  const report = (url: string, problem: string, label: string | undefined) => {
    if (seen.has(url)) return;
    seen.add(url);
    const where = locate(url);
    findings.push({
      check: 'links',
      severity: 'error',
      message: label ? `${problem} (link text "${label}")` : problem,
      ...(where ? { where } : {}),
    });
  };
  for (const link of html.links) {
    const problem = urlProblem(link.href, 'link');
    if (problem) report(link.href, problem, link.text.slice(0, 60));
  }
  for (const match of text.matchAll(TEXT_URL)) {
    const url = match[0].replace(/[.,;:!?'"]+$/, '');
    const problem = urlProblem(url, 'link');
    if (problem) report(url, `${problem} — in the plain-text part`, undefined);
  }
  return findings;
}
