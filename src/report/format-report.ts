import type { CampaignReport } from './campaign-report.ts';

const count = (n: number) => n.toLocaleString('en-US');
const percent = (fraction: number) => `${(fraction * 100).toFixed(1)}%`;

/** The report in a terminal: the headline figures and the top links, one per line. */
export function formatReport(r: CampaignReport): string[] {
  const quick = r.opened.unique > 0 ? r.opened.within60s / r.opened.unique : 0;
  const lines = [
    `${r.campaign}  ${r.subject ?? ''}`.trimEnd(),
    `  sent          ${count(r.sent)}${r.sentAt === undefined ? '' : `  from ${r.sentAt.slice(0, 16).replace('T', ' ')} UTC`}`,
    `  delivered     ${count(r.delivered)}  ${percent(r.rates.delivered)} of sent${r.delayed > 0 ? ` · ${count(r.delayed)} delayed on the way` : ''}`,
    `  bounced       ${count(r.bounced.total)}  ${count(r.bounced.hard)} hard · ${count(r.bounced.soft)} soft${r.bounced.undetermined > 0 ? ` · ${count(r.bounced.undetermined)} undetermined` : ''}`,
    `  complained    ${count(r.complained)}  ${percent(r.rates.complained)} of delivered`,
    `  opened*       ${count(r.opened.unique)}  ${percent(r.rates.opened)} of delivered · ${count(r.opened.total)} opens · ${percent(quick)} within 60 s of delivery`,
    `  clicked       ${count(r.clicked.unique)}  ${percent(r.rates.clicked)} of delivered · ${count(r.clicked.total)} clicks · ${percent(r.rates.clickToOpen)} of openers`,
    `  unsubscribed  ${count(r.unsubscribed)}  ${percent(r.rates.unsubscribed)} of delivered`,
  ];
  if (r.failed > 0 || r.suppressed > 0) lines.push(`  not sent      ${count(r.failed)} failed · ${count(r.suppressed)} on Resend's suppression list`);
  for (const [i, link] of r.links.slice(0, 5).entries()) lines.push(`  ${i === 0 ? 'top links' : ''.padEnd(9)}     ${count(link.uniqueClicks)} (${count(link.clicks)})  ${link.url}`);
  lines.push('  * opens are an upper bound: Apple Mail Privacy Protection and scanners open every message; clicks are the reliable signal');
  return lines;
}
