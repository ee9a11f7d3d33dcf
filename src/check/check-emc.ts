import type { Finding } from './finding.ts';
import { scanStructure } from './scan-structure.ts';

/** axe's impact scale, used for these checks too so that one rule decides what is an error. */
export type Impact = 'minor' | 'moderate' | 'serious' | 'critical';

export interface EmcFinding {
  rule: string;
  impact: Impact;
  message: string;
  helpUrl: string;
}

/** Link text that says nothing of where it goes, on its own (WCAG 2.4.4; the EMC's "link text" check). */
const VAGUE = /^(자세히\s*보기|자세히|더\s*보기|더\s*알아보기|여기|여기를\s*클릭|클릭|바로\s*가기|링크|click\s*here|here|read\s*more|more|learn\s*more|link)\s*[→>»›]?$/i;

const HELP = {
  lang: 'https://www.w3.org/WAI/WCAG22/Understanding/language-of-parts.html',
  dir: 'https://parcel.io/blog/accessibility-checker-updates',
  h1: 'https://www.w3.org/WAI/WCAG22/Understanding/info-and-relationships.html',
  order: 'https://www.w3.org/WAI/WCAG22/Techniques/general/G141',
  title: 'https://www.w3.org/WAI/WCAG22/Understanding/page-titled.html',
  table: 'https://www.w3.org/WAI/WCAG22/Techniques/failures/F46',
  link: 'https://www.w3.org/WAI/WCAG22/Understanding/link-purpose-in-context.html',
} as const;

/**
 * The Email Markup Consortium's checks that axe-core does not make, over an email's HTML
 * (no browser needed):
 * - lang and dir on every element child of `<body>`: webmail clients drop `<html>`'s, so
 *   a screen reader would read Korean with an English voice (EMC 2026: 95.7% lack lang,
 *   97.4% dir);
 * - one `<h1>`, headings that go down one level at a time;
 * - a `<title>`, equal to the subject (what a screen reader announces on opening);
 * - layout tables marked `role="presentation"` (or they are read out as data tables);
 * - no link whose accessible name is only "자세히 보기", "click here" and the like.
 */
export function checkEmc(html: string, subject: string): EmcFinding[] {
  const s = scanStructure(html);
  const found: EmcFinding[] = [];
  const add = (rule: string, impact: Impact, message: string, helpUrl: string) => found.push({ rule, impact, message, helpUrl });

  if (s.bodyChildren.length === 0) add('body-lang', 'serious', 'nothing inside <body> carries lang="ko" — wrap the content in <div lang="ko" dir="ltr">', HELP.lang);
  for (const child of s.bodyChildren) {
    if (!child.lang?.trim()) add('body-lang', 'serious', `a <${child.tag}> directly inside <body> has no lang — webmail drops <html lang>; give it lang="ko" (or move it into the wrapper that has one)`, HELP.lang);
    if (!child.dir?.trim()) add('body-dir', 'serious', `a <${child.tag}> directly inside <body> has no dir — give it dir="ltr" (or move it into the wrapper that has one)`, HELP.dir);
  }

  const h1s = s.headings.filter((h) => h.level === 1);
  if (h1s.length === 0) add('one-h1', 'moderate', 'the email has no <h1> — its title should be the one level-one heading', HELP.h1);
  if (h1s.length > 1) add('one-h1', 'moderate', `the email has ${h1s.length} <h1>s (${h1s.map((h) => `"${h.text}"`).join(', ')}) — keep one, the title, and make the others <h2>`, HELP.h1);
  let previous = 0;
  for (const h of s.headings) {
    if (previous > 0 && h.level > previous + 1) add('heading-order', 'moderate', `<h${h.level}> "${h.text}" follows an <h${previous}> — headings go down one level at a time`, HELP.order);
    previous = h.level;
  }

  if (!s.title) add('title', 'serious', 'the email has no <title> — give it one equal to the subject', HELP.title);
  else if (s.title !== subject.trim()) add('title', 'minor', `the <title> "${s.title}" is not the subject "${subject}" — screen readers announce the title on opening`, HELP.title);

  const layout = s.tables.filter((t) => !t.data && t.role !== 'presentation' && t.role !== 'none');
  if (layout.length > 0) add('presentation-table', 'serious', `${layout.length} layout table(s) without role="presentation" — screen readers read them as data tables, cell by cell; add role="presentation"`, HELP.table);

  for (const link of s.links) {
    if (link.name === '') add('link-name', 'serious', `a link to ${link.href || '(no href)'} has no text — give it text or an aria-label saying where it goes`, HELP.link);
    else if (VAGUE.test(link.name)) add('link-text', 'serious', `the link "${link.name}" to ${link.href} does not say where it goes — add an aria-label naming it (e.g. "${link.name.replace(/\s*[→>»›]$/, '')}: <the issue's headline>")`, HELP.link);
  }
  return found;
}

/** serious and critical block (`check` exits 1), moderate is worth a look, minor is context. */
export function severityOf(impact: Impact): Finding['severity'] {
  return impact === 'serious' || impact === 'critical' ? 'error' : impact === 'moderate' ? 'warning' : 'info';
}
