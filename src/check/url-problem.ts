/** A merge slot standing alone, such as `{{unsubscribe_url}}`: filled per recipient at send time. */
export const LONE_SLOT = /^\{\{\s*[A-Za-z_][A-Za-z0-9_]*\s*\}\}$/;

/**
 * Hosts that can never be the real destination: RFC 2606 / 6761 reserved names and the
 * loopback. A link to one of them is a placeholder someone forgot to replace.
 */
const PLACEHOLDER_HOST = /(^|\.)(example\.(com|org|net)|[^.]+\.(test|example|invalid|localhost)|localhost)$|^127\.|^0\.0\.0\.0$|^\[::1\]$/i;

/** Words that mark a URL as not written yet. */
const PLACEHOLDER_WORD = /\b(todo|tbd|fixme|xxx+|placeholder|your ?link|lorem)\b/i;

/**
 * Why `url` cannot go out in an email, or undefined when it can. Allowed: absolute
 * `https://` URLs to a real host, `mailto:` with an address, `tel:`, and a lone merge
 * slot. `kind` names the attribute in the message ("link", "image").
 */
export function urlProblem(url: string, kind: 'link' | 'image'): string | undefined {
  const shown = url.length > 80 ? `${url.slice(0, 77)}…` : url;
  if (url === '') return `the ${kind} has an empty address — write an absolute https:// URL`;
  if (url.startsWith('#')) return `the ${kind} points at "${shown}", a placeholder — write the real https:// URL`;
  if (LONE_SLOT.test(url)) return undefined;
  if (/\{\{|\}\}/.test(url)) {
    return `the ${kind} "${shown}" has a broken or embedded merge slot — a slot must be the whole address, such as {{web_url}}`;
  }
  if (kind === 'link' && /^mailto:/i.test(url)) {
    return /^mailto:[^\s@]+@[^\s@]+\.[^\s@?]+/i.test(url) ? undefined : `the mailto link "${shown}" has no address — write mailto:name@your-domain`;
  }
  if (kind === 'link' && /^tel:\+?[0-9\-(). ]+$/i.test(url)) return undefined;
  if (/^http:\/\//i.test(url)) return `the ${kind} "${shown}" uses http:// — use https:// (mail clients warn about, and some block, plain http)`;
  if (!/^https:\/\//i.test(url)) {
    return `the ${kind} "${shown}" is not an absolute https:// URL — relative and other addresses do not work in a mailbox`;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `the ${kind} "${shown}" is not a valid URL — check for spaces or stray characters`;
  }
  if (PLACEHOLDER_HOST.test(parsed.hostname)) {
    return `the ${kind} "${shown}" points at ${parsed.hostname}, a placeholder host — write the real address`;
  }
  if (PLACEHOLDER_WORD.test(decodeURIComponent(parsed.pathname + parsed.search + parsed.hash).replace(/[-_/]/g, ' '))) {
    return `the ${kind} "${shown}" looks like a placeholder — write the real address`;
  }
  return undefined;
}
