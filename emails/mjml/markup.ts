import { NewsletterError } from '../../src/errors.ts';

/**
 * A piece of MJML (or of the HTML inside an `<mj-text>`) that is safe to concatenate.
 * Only `h` and `Markup.literal` make one, so text can reach the template only through
 * `h`'s children or attributes, which escape it. A class rather than a branded string:
 * a brand vanishes at run time, and a plain string must never be mistaken for markup.
 */
export class Markup {
  private constructor(readonly source: string) {}

  /** For constant markup written in this directory, never for edition text. */
  static literal(source: string): Markup {
    return new Markup(source);
  }

  toString(): string {
    return this.source;
  }
}

/**
 * Text (escaped; a newline becomes a space, which HTML shows the same, so no text ever
 * holds a newline — render-mjml.ts's whitespace trim relies on it), markup (as is),
 * nothing, or a list of those.
 */
export type Child = Markup | string | number | null | undefined | false | readonly Child[];

/** Attribute values; `undefined`, `null` and `false` leave the attribute out. */
export type Attrs = Readonly<Record<string, string | number | null | undefined | false>>;

type MjmlTag =
  | 'mjml'
  | 'mj-head'
  | 'mj-title'
  | 'mj-preview'
  | 'mj-breakpoint'
  | 'mj-attributes'
  | 'mj-all'
  | 'mj-class'
  | 'mj-text'
  | 'mj-style'
  | 'mj-raw'
  | 'mj-body'
  | 'mj-section'
  | 'mj-column'
  | 'mj-image'
  | 'mj-button'
  | 'mj-divider'
  | 'mj-table';

type HtmlTag = 'meta' | 'p' | 'h1' | 'h2' | 'div' | 'span' | 'a' | 'strong' | 'em' | 'code' | 'br' | 'tr' | 'td';

/** Tags whose children are MJML elements: one per line, so MJML's error lines point somewhere. */
const STRUCTURAL = new Set<string>(['mjml', 'mj-head', 'mj-attributes', 'mj-body', 'mj-section', 'mj-column']);
const VOID_HTML = new Set<string>(['meta', 'br']);

/** `&`, `<`, `>` and `"`: enough for text and for double-quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * One element. Text children and every attribute value are escaped; `href` must be an
 * absolute https URL, a mailto: address or a merge slot, and `src` an https URL — the
 * loader already checked the edition, this keeps a template bug from shipping a
 * `javascript:` or relative link.
 */
export function h(tag: MjmlTag | HtmlTag, attrs: Attrs | null, ...children: Child[]): Markup {
  const attributes = Object.entries(attrs ?? {})
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined && entry[1] !== null && entry[1] !== false)
    .map(([name, value]) => ` ${name}="${escapeHtml(checked(tag, name, String(value)))}"`)
    .join('');
  const inner = flatten(children).join(STRUCTURAL.has(tag) ? '\n' : '');
  if (inner === '' && (VOID_HTML.has(tag) || tag.startsWith('mj-'))) return Markup.literal(`<${tag}${attributes} />`);
  if (VOID_HTML.has(tag)) throw new Error(`<${tag}> cannot have children`);
  return Markup.literal(`<${tag}${attributes}>${inner}</${tag}>`);
}

/** Several pieces side by side, with no element around them. */
export function fragment(...children: Child[]): Markup {
  return Markup.literal(flatten(children).join('\n'));
}

/** A style attribute from an object: `{ 'font-size': '16px' }` → `font-size:16px`. */
export function css(style: Readonly<Record<string, string | number | undefined>>): string {
  return Object.entries(style)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([property, value]) => `${property}:${value}`)
    .join(';');
}

function flatten(children: readonly Child[]): string[] {
  const out: string[] = [];
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (child instanceof Markup) out.push(child.source);
    else if (Array.isArray(child)) out.push(...flatten(child));
    else out.push(escapeHtml(String(child).replace(/\r?\n/g, ' ')));
  }
  return out;
}

const SAFE_HREF = /^(?:https:\/\/[^\s/]+\.\S+|mailto:\S+@\S+|\{\{\s*[A-Za-z_]\w*\s*\}\})$/;
const SAFE_SRC = /^https:\/\/[^\s/]+\.\S+$/;

function checked(tag: string, name: string, value: string): string {
  if (name === 'href' && !SAFE_HREF.test(value)) {
    throw new NewsletterError('unsafe-link', `<${tag} href="${value}"> is not an absolute https:// URL, a mailto: address or a merge slot such as {{web_url}} — fix the link in the edition or the template`);
  }
  if (name === 'src' && !SAFE_SRC.test(value)) {
    throw new NewsletterError('unsafe-link', `<${tag} src="${value}"> is not an absolute https:// URL — images must be hosted at an https:// address`);
  }
  return value;
}
