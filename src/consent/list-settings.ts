import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { LineCounter, parseDocument, isMap, isScalar, type Node as YamlNode } from 'yaml';
import { z } from 'zod';
import { NewsletterError } from '../errors.ts';

const oneLine = (what: string) =>
  z.string().trim().min(1, { message: `is empty — write ${what}` }).refine((v) => !/[\r\n]/.test(v), { message: 'must be one line' });
const address = z.string().trim().regex(/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/, { message: 'must be a bare email address such as newsletter@may-i.io' });

/**
 * `content/list.yaml`: who sends the list, and the consent wording of the sign-up form.
 * The sender's name goes into every consent notice (§50⑦, §50⑧); the wording is shown
 * next to the checkbox and stored, by version, with every consent it collects.
 */
export const listSettingsSchema = z.strictObject({
  sender: z.strictObject({
    name: oneLine("the sender's name readers know, such as 메이아이 (MAY-I)"),
    from: address,
    replyTo: address.optional(),
    url: z.string().trim().regex(/^https:\/\/\S+$/, { message: 'must be an https:// URL' }),
    contact: z.strictObject({
      email: address,
      phone: oneLine('a phone number').optional(),
      address: oneLine('a postal address').optional(),
    }),
  }),
  consent: z.strictObject({
    version: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { message: 'must be a short ASCII label such as "2025-07-01" — bump it whenever the wording changes' }),
    ko: oneLine('the consent wording in Korean: what is sent (광고성 정보), by whom, by email').refine((v) => v.includes('광고'), {
      message: 'must say that what is sent is 광고성 정보 (advertising): a generic "newsletter" tick is not consent to ads (KISA guide)',
    }),
    en: oneLine('the same wording in English'),
  }),
  confirmDays: z.number().int().min(1).max(30).default(7),
});

export type ListSettings = z.infer<typeof listSettingsSchema>;

/** The exact wording a consent record points at: Korean, then English, as the form shows it. */
export function consentWording(settings: ListSettings): string {
  return `${settings.consent.ko}\n${settings.consent.en}`;
}

/** A short fingerprint of the wording, to catch an edit without a version bump. */
export function wordingDigest(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 12);
}

/** Reads and validates the list settings; every problem as `file:line field: what — fix`. */
export async function loadListSettings(file: string): Promise<ListSettings> {
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new NewsletterError(
      'list-settings-missing',
      code === 'ENOENT'
        ? `${file} does not exist — copy content/list.yaml from the newsletter repository and fill in the sender and the consent wording, or point NEWSLETTER_LIST (--list) at yours.`
        : `${file} cannot be read (${code}).`,
    );
  }
  return parseListSettings(source, file);
}

export function parseListSettings(source: string, file: string): ListSettings {
  const lines = new LineCounter();
  const doc = parseDocument(source.replace(/^\uFEFF/, ''), { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const lineOf = (offset: number | undefined) => (offset === undefined ? 1 : lines.linePos(offset).line);
  if (doc.errors.length > 0) {
    throw new NewsletterError(
      'list-settings-invalid',
      `${file}: not valid YAML:`,
      doc.errors.map((e) => `${file}:${lineOf(e.pos[0])} ${e.message.split('\n')[0]} — fix the YAML syntax`),
    );
  }
  const parsed = listSettingsSchema.safeParse(doc.toJS() ?? {});
  if (parsed.success) return parsed.data;
  throw new NewsletterError(
    'list-settings-invalid',
    `${file}: ${parsed.error.issues.length} problem(s) in the list settings:`,
    parsed.error.issues.map((issue) => {
      const path = issue.path.map(String);
      return `${file}:${lineOf(nodeAt(doc.contents, path)?.range?.[0])} ${path.join('.') || '(top)'}: ${issue.message}`;
    }),
  );
}

function nodeAt(node: YamlNode | null | undefined, path: string[]): YamlNode | undefined {
  let current: YamlNode | null | undefined = node;
  let last: YamlNode | undefined;
  for (const key of path) {
    if (!isMap(current)) break;
    const pair = current.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
    if (!pair) break;
    last = (pair.key as YamlNode) ?? last;
    current = pair.value as YamlNode | null;
  }
  return last;
}
