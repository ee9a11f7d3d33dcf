import { createHash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Store } from '../store/open-store.ts';
import { isSuppressed } from '../store/suppressions.ts';
import type { Recipient } from '../subscribers/schema.ts';

/**
 * The list as CSV files for Resend's contact import (`POST /contacts/imports`), written
 * while the list streams past, never held whole: one row a recipient (the address, then
 * the contact properties of broadcast-content.ts), a new file whenever the next row would
 * pass `maxBytes`. Resend's spec allows 50 MB a file; we stay a little under.
 *
 * Suppressed addresses are left out: the broadcast goes to a segment of this campaign's
 * own, so an address that is not imported is not mailed. No `unsubscribed` column
 * either: an upsert that wrote `unsubscribed=false` would re-subscribe someone who left
 * through Resend's own unsubscribe page a minute ago, before its webhook reached us.
 *
 * The same list gives the same files byte for byte, so a rerun can tell by a file's
 * hash that a part was already imported.
 */

/** Resend's limit for one import file (its OpenAPI document: "Maximum size is 50MB"). */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;
/** What we write at most: a margin for the multipart envelope and a limit counted in MiB or MB. */
export const DEFAULT_PART_BYTES = 48 * 1000 * 1000;

export interface ContactPart {
  /** 1-based. */
  index: number;
  path: string;
  rows: number;
  bytes: number;
  sha256: string;
}

export interface ContactFiles {
  parts: ContactPart[];
  /** Rows written, over all parts. */
  contacts: number;
  /** Left out: on the suppression list. */
  suppressed: number;
  /** The CSV header's columns: `email`, then the properties. */
  columns: string[];
}

export async function writeContactFiles(input: {
  recipients: AsyncIterable<Recipient>;
  properties: readonly string[];
  valuesOf: (recipient: Recipient) => string[];
  store: Store;
  dir: string;
  maxBytes?: number;
  /** Called every 1,000 rows with the rows written so far. */
  onProgress?: (rows: number) => void;
}): Promise<ContactFiles> {
  const { dir, properties } = input;
  const maxBytes = input.maxBytes ?? DEFAULT_PART_BYTES;
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const columns = ['email', ...properties];
  const header = `${columns.map(cell).join(',')}\n`;
  const headerBytes = Buffer.byteLength(header);
  if (headerBytes * 2 > maxBytes) throw new RangeError(`maxBytes ${maxBytes} is too small for the header (${headerBytes} bytes)`);

  const parts: ContactPart[] = [];
  let current: { part: ContactPart; out: WriteStream; hash: ReturnType<typeof createHash> } | undefined;
  let contacts = 0;
  let suppressed = 0;

  const close = async () => {
    if (current === undefined) return;
    const { part, out, hash } = current;
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    part.sha256 = hash.digest('hex');
    parts.push(part);
    current = undefined;
  };
  const open = () => {
    const index = parts.length + 1;
    const path = join(dir, `contacts-${String(index).padStart(3, '0')}.csv`);
    const out = createWriteStream(path);
    const hash = createHash('sha256');
    current = { part: { index, path, rows: 0, bytes: 0, sha256: '' }, out, hash };
    writeTo(current, header, headerBytes);
  };

  for await (const recipient of input.recipients) {
    if (isSuppressed(input.store, recipient.email)) {
      suppressed++;
      continue;
    }
    const line = `${[recipient.email, ...input.valuesOf(recipient)].map(cell).join(',')}\n`;
    const bytes = Buffer.byteLength(line);
    if (headerBytes + bytes > maxBytes) throw new RangeError(`One contact's row is ${bytes} bytes, more than a whole import file may hold (${maxBytes})`);
    if (current !== undefined && current.part.bytes + bytes > maxBytes) await close();
    if (current === undefined) open();
    const c = current as unknown as NonNullable<typeof current>;
    if (!writeTo(c, line, bytes)) await new Promise<void>((resolve) => c.out.once('drain', resolve));
    c.part.rows++;
    contacts++;
    if (contacts % 1000 === 0) input.onProgress?.(contacts);
  }
  await close();
  return { parts, contacts, suppressed, columns };
}

function writeTo(c: { part: ContactPart; out: WriteStream; hash: ReturnType<typeof createHash> }, text: string, bytes: number): boolean {
  c.part.bytes += bytes;
  c.hash.update(text);
  return c.out.write(text);
}

/** RFC 4180 quoting; values go to Resend as they are (no spreadsheet-formula guard: Resend is not a spreadsheet). */
function cell(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
