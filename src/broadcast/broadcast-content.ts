import { MERGE_SLOT } from '../content/schema.ts';
import { NewsletterError } from '../errors.ts';
import type { Email } from '../render/email.ts';
import { oneLine } from '../send/personalize.ts';
import type { Recipient } from '../subscribers/schema.ts';
import { filledPartsOf } from '../transport/filled-text.ts';
import type { Message } from '../transport/transport.ts';

/**
 * One rendered edition as a Resend Broadcast: the html, text and subject with our merge
 * slots turned into Resend's merge tags, and, per recipient, the contact properties
 * those tags read.
 *
 * Resend's tags are triple-brace (`{{{contact.KEY}}}`): Mustache semantics, the value
 * goes in unescaped. So nothing raw ever goes into the html: each slot the html uses
 * reads its own property, `nl_<slot>_html`, which holds the value already HTML-escaped,
 * and the text part and the subject read `nl_<slot>`, the plain value on one line. The
 * values are the batch sender's own: each recipient is run through the same
 * personalizer (src/send/personalize.ts) and its slot values are read off the message,
 * so the greeting without a name, the signed unsubscribe link and the escaping are
 * exactly what a batch send puts there (a test holds the two side by side).
 *
 * A slot whose value is the same for everyone (`web_url`) is written into the template
 * instead: one property less on each of a million contacts.
 */

/** Our properties on Resend's contacts, apart from anyone else's. */
export const PROPERTY_PREFIX = 'nl_';
/** Resend: alphanumeric and underscore, at most 50 characters. */
const MAX_PROPERTY_KEY = 50;
const CONSTANT_SLOTS = new Set(['web_url']);

export interface BroadcastContent {
  html: string;
  text: string;
  subject: string;
  /** The contact properties the tags read, in CSV column order. */
  properties: string[];
  /** One recipient's property values, in `properties` order. */
  valuesOf(recipient: Recipient): string[];
}

export function broadcastContent(email: Email, personalize: (recipient: Recipient) => Message): BroadcastContent {
  // The personalizer numbers slot names in order of first appearance: html, then text,
  // then subject. Its values arrays are indexed by that table.
  const names: string[] = [];
  const scan = (template: string) => {
    for (const m of template.matchAll(new RegExp(MERGE_SLOT.source, 'g'))) if (!names.includes(m[1] as string)) names.push(m[1] as string);
  };
  scan(email.html);
  scan(email.text);
  scan(email.subject);
  const inHtml = new Set<string>();
  for (const m of email.html.matchAll(new RegExp(MERGE_SLOT.source, 'g'))) inHtml.add(m[1] as string);

  for (const name of names) {
    const key = `${PROPERTY_PREFIX}${name}_html`;
    if (key.length > MAX_PROPERTY_KEY || !/^[A-Za-z0-9_]+$/.test(key)) {
      throw new NewsletterError(
        'broadcast-merge-field',
        `The merge field {{${name}}} cannot be a Resend contact property: its key ${key} must be at most ${MAX_PROPERTY_KEY} ASCII letters, digits and underscores. Rename the column (at most ${MAX_PROPERTY_KEY - PROPERTY_PREFIX.length - 5} characters).`,
      );
    }
  }

  // What the constant slots are, from any one recipient.
  const sample = slotValues(personalize({ email: 'sample@example.com', fields: {} }), names.length);
  const constant = (name: string) => CONSTANT_SLOTS.has(name);
  const plainTag = (name: string) => `{{{contact.${PROPERTY_PREFIX}${name}}}}`;
  const htmlTag = (name: string) => `{{{contact.${PROPERTY_PREFIX}${name}_html}}}`;
  const replace = (template: string, tag: (name: string) => string, constantValue: (k: number) => string) =>
    template.replace(new RegExp(MERGE_SLOT.source, 'g'), (_, name: string) => {
      const k = names.indexOf(name);
      return constant(name) ? constantValue(k) : tag(name);
    });

  const html = replace(email.html, htmlTag, (k) => sample.escaped[k] as string);
  const text = replace(email.text, plainTag, (k) => sample.plain[k] as string);
  const subject = replace(email.subject, plainTag, (k) => oneLine(sample.plain[k] as string));

  // Columns: each variable slot's plain value, and its escaped one when the html uses it.
  const columns: { key: string; index: number; escaped: boolean }[] = [];
  names.forEach((name, index) => {
    if (constant(name)) return;
    columns.push({ key: `${PROPERTY_PREFIX}${name}`, index, escaped: false });
    if (inHtml.has(name)) columns.push({ key: `${PROPERTY_PREFIX}${name}_html`, index, escaped: true });
  });

  return {
    html,
    text,
    subject,
    properties: columns.map((c) => c.key),
    valuesOf(recipient) {
      const v = slotValues(personalize(recipient), names.length);
      return columns.map((c) => (c.escaped ? (v.escaped[c.index] as string) : oneLine(v.plain[c.index] as string)));
    },
  };
}

/** The personalizer's values for each slot name: plain (text part) and HTML-escaped. */
function slotValues(message: Message, count: number): { plain: readonly string[]; escaped: readonly string[] } {
  const parts = filledPartsOf(message);
  if (parts === undefined || parts.text.values.length !== count || parts.html.values.length !== count) {
    // The personalizer's message no longer carries its parts as this module reads them.
    throw new NewsletterError('broadcast-internal', 'Could not read the merge values of a personalized message (src/send/personalize.ts changed?).');
  }
  return { plain: parts.text.values, escaped: parts.html.values };
}
