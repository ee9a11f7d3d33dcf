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
 * once, as readers get it (UTM tags included), with the edition line it was written on
 * when it came from the edition.
 *
 * `written` turns a rendered link back into the one the author wrote (the render's UTM
 * tags taken off, render/utm-links.ts `withoutUtm`): that is what is judged — our tags
 * are not the author's, and a slug such as `…-todo` must not make every link a
 * placeholder — and what is looked up in the source.
 */
export function checkLinks(html: ScannedHtml, text: string, locate: Locate, written: (url: string) => string = (url) => url): Finding[] {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  const judge = (url: string): string | undefined => {
    const authored = written(url);
    // The message quotes the link readers click; only a problem the author's own link has counts.
    return urlProblem(authored, 'link') === undefined ? undefined : urlProblem(url, 'link');
  };
  const report = (url: string, problem: string, label: string | undefined) => {
    if (seen.has(url)) return;
    seen.add(url);
    const where = locate(url) ?? locate(written(url));
    findings.push({
      check: 'links',
      severity: 'error',
      message: label ? `${problem} (link text "${label}")` : problem,
      ...(where ? { where } : {}),
    });
  };
  for (const link of html.links) {
    const problem = judge(link.href);
    if (problem) report(link.href, problem, link.text.slice(0, 60));
  }
  for (const match of text.matchAll(TEXT_URL)) {
    const url = match[0].replace(/[.,;:!?'"]+$/, '');
    const problem = judge(url);
    if (problem) report(url, `${problem} — in the plain-text part`, undefined);
  }
  return findings;
}
