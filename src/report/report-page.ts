import { escapeHtml } from '../send/personalize.ts';
import type { CampaignReport } from './campaign-report.ts';
import { funnelChart, linksChart, PALETTE, timelineChart, type ChartSvgs } from './report-charts.ts';

const count = (n: number) => n.toLocaleString('en-US');
const percent = (fraction: number) => `${(fraction * 100).toFixed(1)}%`;
const when = (iso: string | undefined) => (iso === undefined ? '—' : `${iso.slice(0, 16).replace('T', ' ')} UTC`);

function figure(chart: ChartSvgs, caption: string): string {
  const svgs = chart.svgs
    .map(({ scheme, width, svg }) => `<div class="chart scheme-${scheme} w-${width}" role="img" aria-label="${escapeHtml(chart.label)}">${svg.replace(/<svg /, '<svg aria-hidden="true" ')}</div>`)
    .join('');
  return `<figure>${svgs}<figcaption>${escapeHtml(caption)}</figcaption></figure>`;
}

function card(label: string, value: string, note: string): string {
  return `<div class="card"><dt>${escapeHtml(label)}</dt><dd><span class="value">${escapeHtml(value)}</span><span class="note">${escapeHtml(note)}</span></dd></div>`;
}

/**
 * `numeric`: the columns (by index) that hold numbers, kept on one line and right-aligned.
 * `keep`: other short columns kept on one line (a bounce's kind); the rest wrap.
 */
function table(caption: string, head: string[], rows: string[][], empty: string, numeric: number[] = [], keep: number[] = []): string {
  if (rows.length === 0) return `<p class="empty">${escapeHtml(empty)}</p>`;
  const cls = (i: number) => (numeric.includes(i) ? ' class="n"' : keep.includes(i) ? ' class="k"' : '');
  const th = head.map((h, i) => `<th scope="col"${cls(i)}>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${escapeHtml(c)}</td>`).join('')}</tr>`).join('');
  return `<table><caption>${escapeHtml(caption)}</caption><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>`;
}

/**
 * The report as one HTML file: no script, no stylesheet or font from elsewhere, charts as
 * inline SVG (each drawn for light and dark, phone and desktop; CSS shows the one that
 * fits). Every address in it is masked; `report.bounces` and `.complaints` are masked
 * when stored.
 */
export function reportPage(report: CampaignReport): string {
  const r = report;
  const title = `Report: ${r.subject ?? r.campaign}`;
  const quick = r.opened.unique > 0 ? r.opened.within60s / r.opened.unique : 0;
  const cards = [
    card('Sent', count(r.sent), r.sentAt === undefined ? 'not sent yet' : `from ${when(r.sentAt)}`),
    card('Delivered', count(r.delivered), `${percent(r.rates.delivered)} of sent`),
    card('Opened*', count(r.opened.unique), `${percent(r.rates.opened)} of delivered · ${count(r.opened.total)} opens`),
    card('Clicked', count(r.clicked.unique), `${percent(r.rates.clicked)} of delivered · ${count(r.clicked.total)} clicks`),
    card('Bounced', count(r.bounced.total), `${count(r.bounced.hard)} hard · ${count(r.bounced.soft)} soft${r.bounced.undetermined > 0 ? ` · ${count(r.bounced.undetermined)} undetermined` : ''}`),
    card('Complaints', count(r.complained), `${percent(r.rates.complained)} of delivered`),
    card('Unsubscribed', count(r.unsubscribed), `${percent(r.rates.unsubscribed)} of delivered`),
  ].join('');
  const links = table(
    'Every link, most unique clicks first',
    ['Link', 'Unique', 'Clicks'],
    r.links.map((l) => [l.url, count(l.uniqueClicks), count(l.clicks)]),
    'No clicks yet.',
    [1, 2],
  );
  const bounces = table(
    `Bounces${r.bounced.total > r.bounces.length ? ` (the first ${r.bounces.length} of ${count(r.bounced.total)})` : ''}`,
    ['Recipient', 'Kind', 'When', 'Why'],
    r.bounces.map((b) => [b.to, b.kind, when(b.at), b.detail ?? '']),
    'No bounces.',
    [],
    [1],
  );
  const complaints = table(
    `Spam complaints${r.complained > r.complaints.length ? ` (the first ${r.complaints.length} of ${count(r.complained)})` : ''}`,
    ['Recipient', 'When'],
    r.complaints.map((c) => [c.to, when(c.at)]),
    'No complaints.',
  );
  const light = PALETTE.light;
  const dark = PALETTE.dark;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>
:root { color-scheme: light dark; --bg: #ffffff; --fg: ${light.text}; --muted: ${light.muted}; --line: ${light.grid}; --card: #f6f8fa; }
@media (prefers-color-scheme: dark) { :root { --bg: #16181d; --fg: ${dark.text}; --muted: ${dark.muted}; --line: ${dark.grid}; --card: #1f232a; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 16px/1.5 'Noto Sans KR', 'Noto Sans CJK KR', 'Apple SD Gothic Neo', 'Malgun Gothic', system-ui, sans-serif; }
main { max-width: 920px; margin: 0 auto; padding: 24px 16px 48px; }
h1 { font-size: 1.5rem; line-height: 1.3; margin: 0 0 4px; overflow-wrap: anywhere; word-break: keep-all; }
h2 { font-size: 1.15rem; margin: 32px 0 8px; }
.meta, .note, figcaption, .empty, caption { color: var(--muted); font-size: 0.875rem; }
dl.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 8px; margin: 16px 0; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.card dt { font-size: 0.875rem; color: var(--muted); }
.card dd { margin: 0; }
.value { display: block; font-size: 1.5rem; font-weight: 700; font-variant-numeric: tabular-nums; }
.note { display: block; }
.caveat { border-left: 4px solid var(--line); padding: 4px 12px; margin: 16px 0; }
figure { margin: 8px 0 16px; }
.chart svg { display: block; width: 100%; height: auto; }
@media (max-width: 699px) { .w-wide { display: none; } }
@media (min-width: 700px) { .w-narrow { display: none; } }
@media (prefers-color-scheme: dark) { .scheme-light { display: none; } }
@media not (prefers-color-scheme: dark) { .scheme-dark { display: none; } }
table { width: 100%; border-collapse: collapse; font-size: 0.875rem; }
caption { text-align: left; padding-bottom: 4px; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px 6px 0; border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
td.n { white-space: nowrap; text-align: right; font-variant-numeric: tabular-nums; }
th.n { text-align: right; }
th, td.k { white-space: nowrap; overflow-wrap: normal; }
</style>
</head>
<body>
<main lang="en" dir="ltr">
<h1>${escapeHtml(r.subject ?? r.campaign)}</h1>
<p class="meta">Campaign <code>${escapeHtml(r.campaign)}</code> · sent ${escapeHtml(when(r.sentAt))} · report of ${escapeHtml(when(r.generatedAt))}</p>
<dl class="cards">${cards}</dl>
<p class="caveat">* Opens are an upper bound: Apple Mail Privacy Protection and mail scanners fetch the tracking image of every message they receive. ${percent(quick)} of the ${count(r.opened.unique)} who opened did so within 60 seconds of delivery, which is what such machines do. Clicks are the reliable signal.</p>
<h2>Delivery funnel</h2>
${figure(funnelChart(r), 'Unique recipients at each step, and their share of those sent.')}
<h2>Over time</h2>
${figure(timelineChart(r), 'Events per hour since the send started (hour 1 is the first).')}
<h2>Clicks per link</h2>
${r.links.length > 0 ? figure(linksChart(r), 'Unique clicks on the ten most clicked links.') : ''}
${links}
<h2>Bounces and complaints</h2>
${bounces}
${complaints}
</main>
</body>
</html>
`;
}
