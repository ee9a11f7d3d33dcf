import type { Block, Edition, Inline, Section } from '../content/schema.ts';

/**
 * UTM tags on the edition's outgoing links, so the site's analytics can tell the visits
 * each campaign brought: `utm_source=newsletter&utm_medium=email&utm_campaign=<slug>`,
 * the slug being the campaign's id everywhere else (the `campaign` tag of every message,
 * the journal, the unsubscribe token).
 *
 * Applied to the edition before any engine renders it (renderEmail, buildEdition), so
 * React Email, MJML and the text part carry the same links. What it never touches:
 * - the footer's 수신거부 and 웹에서 보기 links: they are the template's merge slots
 *   (`{{unsubscribe_url}}`, `{{web_url}}`), not part of the edition, and filled per
 *   recipient after rendering (src/send/personalize.ts);
 * - any address holding a merge slot, written in the edition (`[웹에서 보기]({{web_url}})`);
 * - `mailto:` and anything else that is not http(s);
 * - image addresses (they are fetched, not clicked).
 */

export const UTM_SOURCE = 'newsletter';
export const UTM_MEDIUM = 'email';

/** The three tags, in the order they are appended. */
function tags(campaign: string): [name: string, value: string][] {
  return [
    ['utm_source', UTM_SOURCE],
    ['utm_medium', UTM_MEDIUM],
    ['utm_campaign', campaign],
  ];
}

/** Filled per recipient, or by Resend's broadcast (`{{{contact.…}}}`): never ours to edit. */
const HOLDS_SLOT = /\{\{|\}\}/;

/**
 * `url` with the UTM tags it lacks appended to its query, before any `#fragment`.
 * A tag the author set (`?utm_source=blog`, any letter case) is left as written, and
 * only the missing ones are added. The rest of the URL is kept byte for byte (no
 * `new URL()` normalisation), so `check` can still find the link on its edition line.
 * Not http(s), or holding a merge slot: returned as it is.
 */
export function withUtm(url: string, campaign: string): string {
  if (!/^https?:\/\//i.test(url) || HOLDS_SLOT.test(url)) return url;
  const hashAt = url.indexOf('#');
  const base = hashAt < 0 ? url : url.slice(0, hashAt);
  const fragment = hashAt < 0 ? '' : url.slice(hashAt);
  const queryAt = base.indexOf('?');
  const present = new Set(queryAt < 0 ? [] : base.slice(queryAt + 1).split('&').map(paramName));
  const missing = tags(campaign).filter(([name]) => !present.has(name));
  if (missing.length === 0) return url;
  const added = missing.map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('&');
  const separator = queryAt < 0 ? '?' : base.endsWith('?') || base.endsWith('&') ? '' : '&';
  return `${base}${separator}${added}${fragment}`;
}

/**
 * The inverse of `withUtm` for the checks: `url` without the tags `withUtm` appended for
 * `campaign` (only from the end of the query, and only with our values), which is the
 * link as the author wrote it, give or take a trailing `?` or `&`. A link check judges
 * that (a slug such as `…-placeholder-link` must not make every link a "placeholder")
 * and looks it up in the edition's source.
 */
export function withoutUtm(url: string, campaign: string): string {
  const hashAt = url.indexOf('#');
  let base = hashAt < 0 ? url : url.slice(0, hashAt);
  const fragment = hashAt < 0 ? '' : url.slice(hashAt);
  for (const [name, value] of tags(campaign).reverse()) {
    const pair = `${name}=${encodeURIComponent(value)}`;
    if (base.endsWith(`&${pair}`) || base.endsWith(`?${pair}`)) base = base.slice(0, -(pair.length + 1));
  }
  return base + fragment;
}

/** The campaign an edition's links are tagged with, or undefined under `utm: false`. */
export function utmCampaign(edition: Pick<Edition, 'slug' | 'utm'>): string | undefined {
  return edition.utm === false ? undefined : edition.slug;
}

/**
 * The edition with `withUtm` applied to every link a reader can click: the masthead's
 * `publisher.url`, the `cta`, each section's "read more" and every link in the intro,
 * sections and closing. Returns the edition itself under `utm: false`; never mutates it.
 */
export function withUtmLinks(edition: Edition): Edition {
  const campaign = utmCampaign(edition);
  if (campaign === undefined) return edition;
  const tag = (url: string) => withUtm(url, campaign);
  const inline = (nodes: Inline[]): Inline[] =>
    nodes.map((node) => {
      switch (node.type) {
        case 'link':
          return { ...node, url: tag(node.url), children: inline(node.children) };
        case 'strong':
        case 'emphasis':
          return { ...node, children: inline(node.children) };
        default:
          return node;
      }
    });
  const block = (b: Block): Block => {
    switch (b.type) {
      case 'paragraph':
        return { ...b, children: inline(b.children) };
      case 'list':
        return { ...b, items: b.items.map(inline) };
      case 'image':
        return b;
    }
  };
  const section = (s: Section): Section => ({
    ...s,
    blocks: s.blocks.map(block),
    ...(s.more ? { more: { ...s.more, url: tag(s.more.url) } } : {}),
  });
  return {
    ...edition,
    publisher: { ...edition.publisher, url: tag(edition.publisher.url) },
    ...(edition.cta ? { cta: { ...edition.cta, url: tag(edition.cta.url) } } : {}),
    intro: edition.intro.map(block),
    sections: edition.sections.map(section),
    closing: edition.closing.map(section),
  };
}

/** A query parameter's name, decoded and lower-cased (`UTM_Source` is the author's too). */
function paramName(pair: string): string {
  const raw = pair.split('=', 1)[0] ?? '';
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' ')).toLowerCase();
  } catch {
    return raw.toLowerCase();
  }
}
