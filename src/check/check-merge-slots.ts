import type { Finding } from './finding.ts';
import type { Locate } from './source-locator.ts';

/** The slots the send step always fills (src/render/email.ts STANDARD_SLOTS). */
const STANDARD = new Set(['greeting', 'name', 'unsubscribe_url', 'web_url']);
const SLOT = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/**
 * Merge slots the send step fills per recipient. A slot that is not one of the standard
 * four is filled from a subscriber-list column of that name, or left empty: a warning,
 * since a typo (`{{nmae}}`) would send an empty string to everyone. Leftover braces that
 * do not form a slot (`{{name}`, `{ {web_url}}`) would go out as they are: an error.
 */
export function checkMergeSlots(parts: { subject: string; html: string; text: string }, locate: Locate): Finding[] {
  const findings: Finding[] = [];
  const custom = new Set<string>();
  for (const part of [parts.subject, parts.html, parts.text]) {
    for (const m of part.matchAll(SLOT)) if (m[1] && !STANDARD.has(m[1])) custom.add(m[1]);
  }
  for (const name of custom) {
    const where = locate(`{{${name}}}`);
    findings.push({
      check: 'merge-slots',
      severity: 'warning',
      message: `{{${name}}} is not a standard merge slot: it is filled from a subscriber-list column named "${name}", and left empty for anyone without one — check the spelling (standard: ${[...STANDARD].map((s) => `{{${s}}}`).join(', ')})`,
      ...(where ? { where } : {}),
    });
  }
  const broken = new Set<string>();
  for (const [label, part] of [['subject', parts.subject], ['text part', parts.text], ['HTML', stripStyles(parts.html)]] as const) {
    const rest = part.replace(SLOT, '');
    for (const m of rest.matchAll(/[^\s<>]{0,16}(\{\{|\}\})[^\s<>]{0,16}/g)) {
      const snippet = m[0].trim();
      if (broken.has(snippet)) continue;
      broken.add(snippet);
      const where = locate(snippet);
      findings.push({
        check: 'merge-slots',
        severity: 'error',
        message: `a broken merge slot in the ${label}: "${snippet}" — write it as {{name}}, with two braces on each side and no spaces inside the braces`,
        ...(where ? { where } : {}),
      });
    }
  }
  return findings;
}

/** CSS may hold `}}` (a rule closing inside an @media block): not a slot. */
function stripStyles(html: string): string {
  return html.replace(/<style[\s\S]*?<\/style>/gi, '');
}
