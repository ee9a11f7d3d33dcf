import { DoIUseEmail, doIUseEmail } from '@jsx-email/doiuse-email';
import type { ClientSupport, Finding } from './finding.ts';

/** The clients our readers use, as caniemail names them, and how the panel says them. */
const CLIENTS: Record<string, string> = {
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
const CLIENT_GLOBS = ['gmail.*', 'apple-mail.*', 'outlook.*', 'yahoo.*'];

const NOT_SUPPORTED = /^`(.+)` is not supported by `([^`]+)`$/;
const PARTIAL = /^`(.+)` is only partially supported by `([^`]+)`$/;
const NOTE = /^Note about `(.+)` support for `([^`]+)`: ([\s\S]*)$/;

/**
 * What caniemail says of the email's HTML and CSS in Gmail, Apple Mail, Outlook and
 * Yahoo, grouped by feature (one finding per feature, naming every client that lacks it)
 * instead of doiuse-email's one line per client per use, which runs to thousands of
 * lines for an ordinary newsletter. A feature some client does not support at all is a
 * warning; one only partly supported is info. None is an error: a newsletter uses
 * features progressively (dark-mode styles that Gmail ignores), and only a person can
 * tell whether the fallback is acceptable.
 */
export function checkClientSupport(html: string): Finding[] {
  const key = structureOf(html);
  const cached = cache.get(key);
  if (cached) return cached;
  const result = doIUseEmail(html, { emailClients: CLIENT_GLOBS });
  const groups = new Map<string, ClientSupport & { noteClients: Map<string, Set<string>> }>();
  const group = (feature: string) => {
    let g = groups.get(feature);
    if (!g) {
      const url = featureUrls().get(feature);
      g = { feature, ...(url ? { url } : {}), unsupported: [], partial: [], notes: [], occurrences: 0, noteClients: new Map() };
      groups.set(feature, g);
    }
    return g;
  };
  const uses = new Map<string, number>();
  const count = (feature: string, client: string) => {
    const k = `${feature}\n${client}`;
    uses.set(k, (uses.get(k) ?? 0) + 1);
  };
  for (const line of result.success ? [] : result.errors) {
    const m = NOT_SUPPORTED.exec(line);
    if (!m) continue;
    const [, feature = '', client = ''] = m;
    addOnce(group(feature).unsupported, label(client));
    count(feature, client);
  }
  for (const line of result.warnings) {
    const m = PARTIAL.exec(line);
    if (!m) continue;
    const [, feature = '', client = ''] = m;
    addOnce(group(feature).partial, label(client));
    count(feature, client);
  }
  for (const line of result.notes) {
    const m = NOTE.exec(line);
    if (!m) continue;
    const [, feature = '', client = '', note = ''] = m;
    const g = groups.get(feature);
    if (!g) continue;
    const clients = g.noteClients.get(note) ?? new Set<string>();
    clients.add(label(client));
    g.noteClients.set(note, clients);
  }

  const findings: Finding[] = [];
  for (const g of groups.values()) {
    const { noteClients, ...support } = g;
    support.notes = [...noteClients].map(([note, clients]) => `${[...clients].join(', ')}: ${note}`);
    // doiuse reports each use once per client; one client's count is the number of uses.
    support.occurrences = Math.max(0, ...[...uses].filter(([k]) => k.startsWith(`${g.feature}\n`)).map(([, n]) => n));
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
  findings.sort((a, b) => (b.support?.unsupported.length ?? 0) - (a.support?.unsupported.length ?? 0) || (b.support?.partial.length ?? 0) - (a.support?.partial.length ?? 0));
  remember(key, findings);
  return findings;
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

let urls: Map<string, string> | undefined;
/**
 * Feature title → caniemail page. doiuse-email exposes the links only through
 * getSupportedFeatures(), which lists what every given client supports; asked one
 * client at a time, the union covers each feature some client of ours supports — all
 * the ones worth a finding (a feature none supports is missing from no one's view).
 */
function featureUrls(): Map<string, string> {
  if (!urls) {
    urls = new Map();
    for (const client of Object.keys(CLIENTS)) {
      for (const f of new DoIUseEmail({ emailClients: [client] }).getSupportedFeatures()) urls.set(f.name, f.link);
    }
  }
  return urls;
}

/**
 * doiuse-email takes ~200 ms on a 27 KB newsletter, too slow to run on every keystroke
 * save in the preview. What it reports depends on the tags, attributes and CSS, not on
 * the words, so results are kept by the HTML with its text (outside <style>) removed: an
 * edit to the prose reuses them. Bounded, so a long session cannot grow it.
 */
const cache = new Map<string, Finding[]>();
const CACHE_SIZE = 16;

function structureOf(html: string): string {
  return html
    .split(/(<style[\s\S]*?<\/style>)/i)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/>[^<]+</g, '><')))
    .join('');
}

function remember(key: string, findings: Finding[]): void {
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(key, findings);
}
