import { z } from 'zod';

/**
 * One subscriber, as a row of the list becomes after validation. Everything after the
 * loader trusts these values: the address is syntactically deliverable, and no value
 * holds a control character (CR and LF in a name would otherwise let a row write its
 * own mail headers once the name reaches a `To:` or a subject line).
 *
 * HTML escaping is deliberately not done here: a name is text, and the personalize step
 * escapes it for the HTML part and leaves it as is for the text part.
 */

/** RFC 5321 §4.5.3.1.3: a path is at most 256 octets including the angle brackets. */
export const MAX_ADDRESS_LENGTH = 254;
/** RFC 5321 §4.5.3.1.1. */
const MAX_LOCAL_PART_LENGTH = 64;
export const MAX_NAME_LENGTH = 100;

/** RFC 5322 dot-atom text: the unquoted local parts real lists contain. */
const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const LOCAL_PART = new RegExp(`^${ATOM}(?:\\.${ATOM})*$`);
/** RFC 1035 / 1123 host label. */
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const DOMAIN_LABEL = new RegExp(`^${LABEL}$`);
/** The common case in one test, so a million valid rows cost one regex each. */
const ADDRESS = new RegExp(`^${ATOM}(?:\\.${ATOM})*@(?:${LABEL}\\.)+${LABEL}$`);

/**
 * Why `value` (already trimmed) is not an address we can send to, or undefined if it is.
 * A practical check, not all of RFC 5321: quoted local parts ("john doe"@example.com),
 * address literals (user@[192.0.2.1]) and non-ASCII addresses are refused, because
 * almost no real subscriber has one and most providers reject them anyway.
 */
export function emailProblem(value: string): string | undefined {
  if (value === '') return 'is empty — fill in the address or delete the row';
  if (value.length <= MAX_ADDRESS_LENGTH && ADDRESS.test(value)) {
    const at = value.indexOf('@');
    if (at <= MAX_LOCAL_PART_LENGTH && !/\.[0-9]+$/.test(value)) return undefined;
  }
  const detail = emailDetail(value);
  if (detail === undefined) return undefined;
  return `${quote(value)} is not an email address (${detail}) — fix or delete the row`;
}

function emailDetail(value: string): string | undefined {
  if (/\s/.test(value)) return 'it contains a space';
  if (value.length > MAX_ADDRESS_LENGTH) return `it is ${value.length} characters long; the limit is ${MAX_ADDRESS_LENGTH}`;
  const at = value.indexOf('@');
  if (at === -1) return 'there is no @';
  if (value.indexOf('@', at + 1) !== -1) return 'it has more than one @';
  const local = value.slice(0, at);
  const domain = value.slice(at + 1).toLowerCase();
  if (local === '') return 'nothing before the @';
  if (domain === '') return 'nothing after the @';
  if (local.length > MAX_LOCAL_PART_LENGTH) return `the part before the @ is longer than ${MAX_LOCAL_PART_LENGTH} characters`;
  if (!LOCAL_PART.test(local)) {
    return /[^\x21-\x7e]/.test(local)
      ? 'the part before the @ has characters other than ASCII letters, digits and punctuation'
      : 'the part before the @ has a character that is not allowed there, or a dot at its start, end or twice in a row';
  }
  const labels = domain.split('.');
  if (labels.length < 2) return `the domain ${quote(domain)} has no dot`;
  for (const label of labels) {
    if (label === '') return `the domain ${quote(domain)} has an empty part between dots`;
    if (!DOMAIN_LABEL.test(label)) {
      return /[^\x21-\x7e]/.test(label)
        ? `the domain ${quote(domain)} has non-ASCII characters — write an international domain in its xn-- form`
        : `the domain ${quote(domain)} has a part that is not letters, digits and inner hyphens: ${quote(label)}`;
    }
  }
  if (/^[0-9]+$/.test(labels.at(-1)!)) return `the domain ${quote(domain)} ends in a number, not a top-level domain`;
  return undefined;
}

/** Quote a user value for a message, shortened so one bad cell cannot flood the report. */
export function quote(value: string, max = 60): string {
  return JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value);
}

// Line and paragraph breaks become a space, so "Kim\r\nMinji" reads "Kim Minji".
const BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]+/g;
// Every other C0/C1 control character, and the bidi overrides and isolates that can make
// a name display as something else (Trojan Source, CVE-2021-42574), plus a stray BOM.
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufeff]/g;
const SPACES = / {2,}/g;

/** The text of a cell with control characters removed and runs of spaces collapsed. */
export function cleanText(value: string): string {
  return value.replace(BREAKS, ' ').replace(INVISIBLE, '').replace(SPACES, ' ').trim();
}

// The schemas below use check() and overwrite() rather than transform(): zod 4 runs a
// transform several times slower, and at a million rows that is seconds.

/** Trimmed; the domain lower-cased (the local part is kept, as some servers honour its case). */
export const emailSchema = z
  .string()
  .trim()
  .check((ctx) => {
    const problem = emailProblem(ctx.value);
    if (problem !== undefined) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value });
  })
  .overwrite((value) => {
    const at = value.indexOf('@');
    return `${value.slice(0, at + 1)}${value.slice(at + 1).toLowerCase()}`;
  });

/** Cleaned of control characters. An empty name is no name: the loader leaves it out. */
export const nameSchema = z
  .string()
  .overwrite(cleanText)
  .check((ctx) => {
    const length = [...ctx.value].length;
    if (length > MAX_NAME_LENGTH) {
      ctx.issues.push({
        code: 'custom',
        message: `${quote(ctx.value, 30)} is ${length} characters long; the limit is ${MAX_NAME_LENGTH} — shorten it or delete the row`,
        input: ctx.value,
      });
    }
  });

/**
 * The other columns of the row, keyed by merge field name (see `fieldKey`). Values are
 * cleaned like names, since a merge field may end up in a subject line too.
 */
export const fieldsSchema = z.record(z.string(), z.string().overwrite(cleanText));

export const recipientSchema = z.object({
  email: emailSchema,
  name: nameSchema.optional(),
  fields: fieldsSchema,
});

export type Recipient = z.infer<typeof recipientSchema>;

/**
 * The merge field name of a column header: lower-cased, every character outside
 * [a-z0-9_] replaced by `_`, and a leading digit prefixed with `_`, so that it matches
 * the `{{name}}` slots templates use. Undefined when nothing usable is left (a header
 * written only in Hangul, say), since `{{___}}` would be no name at all.
 */
export function fieldKey(header: string): string | undefined {
  const key = header.trim().toLowerCase().replace(/[^a-z0-9_]/g, '_');
  if (!/[a-z0-9]/.test(key)) return undefined;
  return /^[0-9]/.test(key) ? `_${key}` : key;
}
