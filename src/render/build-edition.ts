import { MERGE_SLOT, type Edition } from '../content/schema.ts';
import { STANDARD_SLOTS, type Email } from './email.ts';
import { renderEmail, renderHtml, type Engine } from './render-email.ts';
import { withUtmLinks } from './utm-links.ts';

/** Gmail clips a message whose HTML passes about 102 KB; Hangul is 3 bytes a character. */
export const GMAIL_CLIP_BYTES = 102 * 1024;

export interface BuiltEdition {
  email: Email;
  /** The standalone web version ("웹에서 보기"): no merge slots, no recipient data. */
  web: string;
  htmlBytes: number;
  textBytes: number;
  warnings: string[];
}

export interface BuildOptions {
  /** Where the web version will live, e.g. https://news.example.com/archive/<slug>. */
  webUrl?: string;
  /** @default edition.engine */
  engine?: Engine;
}

/** Renders the email (with merge slots) and the web version, and measures them. */
export async function buildEdition(edition: Edition, options: BuildOptions = {}): Promise<BuiltEdition> {
  const engine = options.engine ?? edition.engine;
  const email = await renderEmail(edition, { engine });
  const refusal = `mailto:${edition.replyTo ?? edition.from.email}?subject=${encodeURIComponent('수신거부')}`;
  // The web version carries the email's links, UTM tags included: most of its readers
  // come from the email's 웹에서 보기 (the archive's other visitors count as the
  // campaign's too). Its own 웹에서 보기 and 수신거부 links are slots, never tagged.
  const web = await renderHtml(withUtmLinks(edition), engine, {
    greeting: edition.greeting.anonymous,
    webUrl: options.webUrl ?? edition.publisher.url,
    unsubscribeUrl: refusal,
  });
  const htmlBytes = Buffer.byteLength(email.html);
  const textBytes = Buffer.byteLength(email.text);
  return { email, web, htmlBytes, textBytes, warnings: warningsFor(email, htmlBytes) };
}

function warningsFor(email: Email, htmlBytes: number): string[] {
  const warnings: string[] = [];
  if (htmlBytes > GMAIL_CLIP_BYTES) {
    warnings.push(`the HTML is ${htmlBytes} bytes: Gmail clips past ~${GMAIL_CLIP_BYTES} and hides the footer (and its unsubscribe link) — shorten the edition`);
  } else if (htmlBytes > GMAIL_CLIP_BYTES / 2) {
    warnings.push(`the HTML is ${htmlBytes} bytes, past half of Gmail's ~${GMAIL_CLIP_BYTES}-byte clip — personalization adds more per recipient`);
  }
  const known = new Set<string>(STANDARD_SLOTS);
  const custom = new Set<string>();
  for (const m of `${email.html}\n${email.text}\n${email.subject}`.matchAll(MERGE_SLOT)) {
    if (m[1] && !known.has(m[1])) custom.add(m[1]);
  }
  for (const slot of custom) {
    warnings.push(`merge slot {{${slot}}} is not a standard one: it is filled from a subscriber-list column of that name, or left empty`);
  }
  return warnings;
}
