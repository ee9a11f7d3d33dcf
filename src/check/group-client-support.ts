import type { ClientSupport, Finding } from './finding.ts';

/** The clients our readers use, as caniemail names them, and how the panel says them. */
export const CLIENTS: Readonly<Record<string, string>> = {
  'gmail.desktop-webmail': 'Gmail (web)',
  'gmail.ios': 'Gmail (iOS)',
  'gmail.android': 'Gmail (Android)',
  'gmail.mobile-webmail': 'Gmail (mobile web)',
  'apple-mail.macos': 'Apple Mail (macOS)',
  'apple-mail.ios': 'Apple Mail (iOS)',
  'outlook.windows': 'Outlook (Windows)',
  'outlook.windows-mail': 'Outlook (Windows Mail)',
  'outlook.macos': 'Outlook (macOS)',
  'outlook.ios': 'Outlook (iOS)',
  'outlook.android': 'Outlook (Android)',
  'yahoo.desktop-webmail': 'Yahoo (web)',
  'yahoo.ios': 'Yahoo (iOS)',
  'yahoo.android': 'Yahoo (Android)',
};
/** doiuse-email's globs for the four families. */
export const CLIENT_GLOBS: readonly string[] = ['gmail.*', 'apple-mail.*', 'outlook.*', 'yahoo.*'];

/** What doiuse-email says: one line per client per use of a feature. */
export interface DoiuseOutput {
  errors: string[];
  warnings: string[];
  notes: string[];
}

const NOT_SUPPORTED = /^`(.+)` is not supported by `([^`]+)`$/;
const PARTIAL = /^`(.+)` is only partially supported by `([^`]+)`$/;
const NOTE = /^Note about `(.+)` support for `([^`]+)`: ([\s\S]*)$/;

/**
 * doiuse-email's lines grouped by feature: one finding per feature, naming every client
 * that lacks it, instead of one line per client per use, which runs to thousands of
 * lines for an ordinary newsletter. A feature some client does not support at all is a
 * warning; one only partly supported is info. None is an error: a newsletter uses
 * features progressively (dark-mode styles that Gmail ignores), and only a person can
 * tell whether the fallback is acceptable. `links` maps a feature to its caniemail page.
 */
export function groupClientSupport(output: DoiuseOutput, links: ReadonlyMap<string, string>): Finding[] {
  const groups = new Map<string, ClientSupport & { noteClients: Map<string, Set<string>>; uses: Map<string, number> }>();
  const group = (feature: string) => {
    let g = groups.get(feature);
    if (!g) {
      const url = links.get(feature);
      g = { feature, ...(url ? { url } : {}), unsupported: [], partial: [], notes: [], occurrences: 0, noteClients: new Map(), uses: new Map() };
      groups.set(feature, g);
    }
    return g;
  };
  const take = (lines: string[], pattern: RegExp, list: 'unsupported' | 'partial') => {
    for (const line of lines) {
      const m = pattern.exec(line);
      if (!m) continue;
      const g = group(m[1] ?? '');
      const client = m[2] ?? '';
      addOnce(g[list], label(client));
      g.uses.set(client, (g.uses.get(client) ?? 0) + 1);
    }
  };
  take(output.errors, NOT_SUPPORTED, 'unsupported');
  take(output.warnings, PARTIAL, 'partial');
  for (const line of output.notes) {
    const m = NOTE.exec(line);
    const g = m ? groups.get(m[1] ?? '') : undefined;
    if (!m || !g) continue;
    const note = m[3] ?? '';
    const clients = g.noteClients.get(note) ?? new Set<string>();
    clients.add(label(m[2] ?? ''));
    g.noteClients.set(note, clients);
  }

  const findings: Finding[] = [];
  for (const g of groups.values()) {
    const { noteClients, uses, ...support } = g;
    support.notes = [...noteClients].map(([note, clients]) => `${[...clients].join(', ')}: ${note}`);
    // doiuse reports each use once per client; one client's count is the number of uses.
    support.occurrences = Math.max(0, ...uses.values());
    const parts = [];
    if (support.unsupported.length > 0) parts.push(`not supported in ${byFamily(support.unsupported)}`);
    if (support.partial.length > 0) parts.push(`partly supported in ${byFamily(support.partial)}`);
    const none = support.unsupported.length > 0;
    findings.push({
      check: 'clients',
      severity: none ? 'warning' : 'info',
      message: `${g.feature} (used ${support.occurrences}×): ${parts.join('; ')} — ${none ? 'check that the email still reads well where it is missing' : 'see the notes for what is missing'}`,
      support,
    });
  }
  return findings.sort(
    (a, b) => (b.support?.unsupported.length ?? 0) - (a.support?.unsupported.length ?? 0) || (b.support?.partial.length ?? 0) - (a.support?.partial.length ?? 0),
  );
}

function label(client: string): string {
  return CLIENTS[client] ?? client;
}

/** "Gmail (web), Gmail (iOS), Outlook (Windows)" → "Gmail (web, iOS), Outlook (Windows)"; a whole family → "Gmail (all)". */
function byFamily(labels: string[]): string {
  const families = new Map<string, string[]>();
  for (const l of labels) {
    const m = /^(.+?) \((.+)\)$/.exec(l);
    const [family, variant] = m ? [m[1] ?? l, m[2] ?? ''] : [l, ''];
    families.set(family, [...(families.get(family) ?? []), variant]);
  }
  const size = (family: string) => Object.values(CLIENTS).filter((l) => l.startsWith(`${family} (`)).length;
  return [...families]
    .map(([family, variants]) => (variants.length === size(family) ? `${family} (all)` : `${family} (${variants.join(', ')})`))
    .join(', ');
}

function addOnce(list: string[], value: string): void {
  if (!list.includes(value)) list.push(value);
}

/**
 * The HTML with its text (outside <style>) removed. What doiuse-email reports depends on
 * the tags, attributes and CSS, not on the words, so results can be kept by this key and
 * an edit to the prose reuses them.
 */
export function structureOf(html: string): string {
  return html
    .split(/(<style[\s\S]*?<\/style>)/i)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/>[^<]+</g, '><')))
    .join('');
}
