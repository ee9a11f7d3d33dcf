import { open, type FileHandle } from 'node:fs/promises';
import { CsvError, parse } from 'csv-parse';
import { NewsletterError } from '../errors.ts';
import { AddressSet } from './address-set.ts';
import { fieldKey, quote, recipientSchema, type Recipient } from './schema.ts';

/**
 * Reads a subscriber list (CSV with a header row) as a stream, so a list of a million
 * rows runs in bounded memory: rows are parsed, validated and handed on one at a time,
 * and the only thing kept per row is an 8-byte hash for de-duplication.
 */

export interface InvalidRow {
  /** 1-based line of the file where the row starts (the first line of the file is 1). */
  line: number;
  /** `email`, `name`, a merge field name, or `row` when the row itself is malformed. */
  field: string;
  value: string;
  /** What is wrong and what to do, e.g. `"foo@" is not an email address (…) — fix or delete the row`. */
  reason: string;
}

export interface LoadReport {
  file: string;
  /** The field delimiter, detected from the header line: `,`, `;` or `\t`. */
  delimiter: string;
  /** Data rows read, blank rows not counted. rows = valid + duplicates + invalidCount. */
  rows: number;
  /** Recipients yielded: valid and not seen before. */
  valid: number;
  duplicates: number;
  invalidCount: number;
  /** The first MAX_INVALID_REPORTED invalid rows, in file order. */
  invalid: InvalidRow[];
  /** Columns that were ignored, and why (`list.csv:1 column "회사" is ignored: …`). */
  warnings: string[];
}

export interface ReadOptions {
  /** Fail the load at the first invalid row instead of skipping it. @default false */
  strict?: boolean;
  /**
   * The de-duplication table, for a caller that reads the same list more than once (the
   * send command: the plan, then the send). The read clears it and makes room for the
   * list in it, so the passes share one table — 11.4 MB at a million rows — instead of
   * each allocating its own, the first still waiting for the garbage collector while the
   * second fills. One read at a time. @default a table of the read's own
   */
  seen?: AddressSet;
}

/** Invalid rows past this many are counted but not stored, so a garbage file cannot fill memory. */
export const MAX_INVALID_REPORTED = 1000;

/** How much of the file is read up front to pick the delimiter and check the encoding. */
const SNIFF_BYTES = 64 * 1024;
/** The most rows the de-duplication table is sized for up front (23 MB); it grows past that. */
const MAX_ESTIMATED_ROWS = 2_000_000;
/**
 * Bytes read from the file at a time: about 120 rows of a typical list. The parser turns
 * a whole chunk into records at once, and they wait in its buffer until the loop below
 * takes them. With Node's default 64 KB (about 1,000 rows), in the send loop — which
 * allocates some 60 KB a recipient personalizing, so V8 collects its young generation
 * every ~200 rows — most of a chunk's records outlived two of those collections and were
 * promoted: garbage filling the old generation at ~7 MB/s until a full collection (seen
 * with --trace-gc), so the longer the list, the higher the peak. At 8 KB the used heap
 * after each young collection stays flat; the loader alone takes about as long either
 * way (1,000,000 rows in ~5 s).
 */
const READ_CHUNK_BYTES = 8 * 1024;

/** `list.csv:17 email: "foo@" is not an email address (…) — fix or delete the row` */
export function describeInvalidRow(file: string, row: InvalidRow): string {
  return `${file}:${row.line} ${row.field}: ${row.reason}`;
}

/**
 * Streams the valid, de-duplicated recipients of `file` in file order. `report` fills in
 * while iterating and is complete when iteration ends. Whole-file problems (missing
 * file, no `email` column, no rows, broken quoting) reject the iteration with a
 * NewsletterError; so does the first invalid row when `strict` is set.
 *
 * The iterable can be iterated once. Strict mode stops at the first invalid row rather
 * than after reading the whole list, but rows before it have been yielded by then, so
 * a caller that must not act on a list with bad rows (the send command) should read it
 * through once — the plan does — before sending.
 */
export function readSubscribers(
  file: string,
  options: ReadOptions = {},
): { recipients: AsyncIterable<Recipient>; report: LoadReport } {
  const report: LoadReport = {
    file,
    delimiter: ',',
    rows: 0,
    valid: 0,
    duplicates: 0,
    invalidCount: 0,
    invalid: [],
    warnings: [],
  };
  let iterated = false;
  const recipients: AsyncIterable<Recipient> = {
    [Symbol.asyncIterator]() {
      if (iterated) throw new Error(`readSubscribers(${quote(file)}): the recipients can be iterated only once`);
      iterated = true;
      return streamRecipients(file, options.strict === true, options.seen, report);
    },
  };
  return { recipients, report };
}

/** The whole list in memory, for small lists and tests. */
export async function loadSubscribers(
  file: string,
  options: ReadOptions = {},
): Promise<{ recipients: Recipient[]; report: LoadReport }> {
  const { recipients, report } = readSubscribers(file, options);
  const all: Recipient[] = [];
  for await (const recipient of recipients) all.push(recipient);
  return { recipients: all, report };
}

/** The shared tables (ReadOptions.seen) a read is filling right now. */
const tablesInUse = new WeakSet<AddressSet>();

async function* streamRecipients(
  file: string,
  strict: boolean,
  shared: AddressSet | undefined,
  report: LoadReport,
): AsyncGenerator<Recipient> {
  if (shared !== undefined) {
    // Two reads filling one table would each drop the other's addresses as duplicates.
    if (tablesInUse.has(shared)) {
      throw new Error(`readSubscribers(${quote(file)}): the \`seen\` table is in use by another read; finish that read first`);
    }
    tablesInUse.add(shared);
  }
  let handle: FileHandle | undefined;
  let input: ReturnType<FileHandle['createReadStream']> | undefined;
  let parser: ReturnType<typeof parse> | undefined;
  try {
    handle = await openList(file);
    const sniffed = await sniffList(file, handle);
    report.delimiter = sniffed.delimiter;
    // autoClose off: the handle is closed below, once, however the iteration ends.
    input = handle.createReadStream({ start: 0, autoClose: false, highWaterMark: READ_CHUNK_BYTES });
    parser = parse({
      delimiter: report.delimiter,
      bom: true,
      // A row with too many or too few cells is reported as an invalid row below, not thrown.
      relax_column_count: true,
      // A quote inside an unquoted cell (Jane "JJ" Doe) is kept as text: hand-made lists have them.
      relax_quotes: true,
      // Blank lines come through as [''] and are skipped below, so that every line of the
      // file passes the line counter. (No `info: true` either: copying it for every record
      // cost a sixth of the load time.)
      skip_empty_lines: false,
    });
    // .pipe() does not forward a read error; without this the parser would wait forever.
    input.on('error', (error) => parser?.destroy(error));
    input.pipe(parser);

    const lines = new LineCounter();
    let seen: AddressSet;
    if (shared === undefined) {
      seen = new AddressSet(sniffed.estimatedRows);
    } else {
      seen = shared;
      seen.clear();
      seen.reserve(sniffed.estimatedRows);
    }
    let columns: Columns | undefined;

    try {
      for await (const record of parser as AsyncIterable<string[]>) {
        const line = lines.next(record);
        // Rows of empty cells (",,," as spreadsheets export trailing rows) count as blank lines.
        if (record.every((cell) => cell.trim() === '')) continue;
        if (columns === undefined) {
          columns = readHeader(file, line, record, report);
          continue;
        }
        report.rows++;

        const checked = checkRow(record, columns, report.delimiter);
        if (!checked.ok) {
          const invalid: InvalidRow = { line, ...checked.problem };
          if (strict) {
            throw new NewsletterError(
              'subscribers-invalid-row',
              `${describeInvalidRow(file, invalid)}\n` +
                'Stopped at this row because the load is strict: fix it, or load without strict mode to skip and report invalid rows.',
            );
          }
          report.invalidCount++;
          if (report.invalid.length < MAX_INVALID_REPORTED) report.invalid.push(invalid);
          continue;
        }
        if (!seen.add(checked.recipient.email)) {
          report.duplicates++;
          continue;
        }
        report.valid++;
        yield checked.recipient;
      }
    } catch (error) {
      if (error instanceof CsvError) throw unparsable(file, error, lines);
      throw error;
    }

    if (columns === undefined) {
      throw new NewsletterError(
        'subscribers-empty',
        `${file} is empty — write a header row such as \`email,name\` and one subscriber per line below it.`,
      );
    }
    if (report.rows === 0) {
      throw new NewsletterError(
        'subscribers-no-rows',
        `${file} has a header row but no subscribers — add one per line below the header.`,
      );
    }
  } finally {
    // Also runs when the consumer stops early (break) or a row fails strict mode.
    parser?.destroy();
    input?.destroy();
    if (shared !== undefined) tablesInUse.delete(shared);
    await handle?.close();
  }
}

async function openList(file: string): Promise<FileHandle> {
  try {
    return await open(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new NewsletterError('subscribers-missing', `${file} does not exist — check the path given to --to.`);
    }
    throw unreadable(file, error);
  }
}

function unreadable(file: string, error: unknown): NewsletterError {
  const code = (error as NodeJS.ErrnoException).code;
  const why = code === 'EISDIR' ? 'it is a directory' : (code ?? String(error));
  return new NewsletterError('subscribers-unreadable', `${file} cannot be read (${why}) — give the path of the CSV file.`);
}

/**
 * Reads the head of the file to pick the delimiter from the header line: a spreadsheet
 * set to a European or Korean locale may save "CSV" with semicolons, and "Unicode text"
 * is tab-separated. Commas win whenever the header has one outside quotes. Also refuses
 * UTF-16 and non-UTF-8 files, which would otherwise load as mojibake (Excel on Korean
 * Windows saves CSV as CP949), and estimates the number of rows from the file size.
 */
async function sniffList(file: string, handle: FileHandle): Promise<{ delimiter: string; estimatedRows: number }> {
  const buffer = Buffer.alloc(SNIFF_BYTES);
  let bytesRead: number;
  let size: number;
  try {
    [{ bytesRead }, { size }] = await Promise.all([handle.read(buffer, 0, SNIFF_BYTES, 0), handle.stat()]);
  } catch (error) {
    throw unreadable(file, error);
  }
  const head = buffer.subarray(0, bytesRead);
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    throw new NewsletterError(
      'subscribers-encoding',
      `${file} is UTF-16 text — save it as "CSV UTF-8 (comma delimited)" and load that file.`,
    );
  }
  let text: string;
  try {
    // stream: true keeps a character cut off at the end of the sample from counting as an error.
    text = new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
  } catch {
    throw new NewsletterError(
      'subscribers-encoding',
      `${file} is not UTF-8 (a spreadsheet on Korean Windows saves CP949) — save it as "CSV UTF-8 (comma delimited)" and load that file.`,
    );
  }
  const sampleLines = text.split('\n').length;
  const estimatedRows = Math.min(MAX_ESTIMATED_ROWS, Math.ceil((size / Math.max(1, bytesRead)) * sampleLines));

  const firstLine = text.replace(/^\ufeff/, '').split(/\r\n|\r|\n/).find((line) => line.trim() !== '') ?? '';
  const headerLine = firstLine.replace(/"[^"]*"/g, '');
  const semicolons = headerLine.split(';').length - 1;
  const tabs = headerLine.split('\t').length - 1;
  const delimiter = headerLine.includes(',') || (semicolons === 0 && tabs === 0) ? ',' : semicolons >= tabs ? ';' : '\t';
  return { delimiter, estimatedRows };
}

interface Columns {
  count: number;
  email: number;
  name: number | undefined;
  fields: { index: number; key: string }[];
}

function readHeader(file: string, line: number, header: string[], report: LoadReport): Columns {
  const names = header.map((cell) => cell.trim());
  const lower = names.map((name) => name.toLowerCase());
  const found = names.map((name) => quote(name, 40)).join(', ');
  const emails = indexesOf(lower, 'email');
  if (emails.length === 0) {
    const looksLikeData = names.some((name) => name.includes('@'));
    throw new NewsletterError(
      'subscribers-no-email-column',
      `${file}:${line} has no \`email\` column; the columns found are ${found}. ` +
        (looksLikeData
          ? 'The first line looks like a subscriber — add a header row such as `email,name` above it.'
          : 'Name the column holding the addresses `email` in the header row.'),
    );
  }
  const namesCols = indexesOf(lower, 'name');
  for (const [column, indexes] of [['email', emails], ['name', namesCols]] as const) {
    if (indexes.length > 1) {
      throw new NewsletterError(
        'subscribers-duplicate-column',
        `${file}:${line} has ${indexes.length} \`${column}\` columns (columns ${indexes.map((i) => i + 1).join(' and ')}) — keep one and rename or delete the others.`,
      );
    }
  }

  const fields: Columns['fields'] = [];
  const keys = new Map<string, string>();
  names.forEach((name, index) => {
    if (index === emails[0] || index === namesCols[0]) return;
    const ignored = (why: string) => report.warnings.push(`${file}:${line} column ${index + 1} ${quote(name, 40)} is ignored: ${why}`);
    if (name === '') return ignored('it has no name in the header — name it to use it as a merge field');
    const key = fieldKey(name);
    if (key === undefined) {
      return ignored('a merge field name needs letters a–z or digits — rename the column (e.g. `company`)');
    }
    const other = keys.get(key);
    if (other !== undefined) {
      return ignored(`it has the same merge field name \`${key}\` as column ${quote(other, 40)} — rename one of them`);
    }
    keys.set(key, name);
    fields.push({ index, key });
  });
  return { count: header.length, email: emails[0]!, name: namesCols[0], fields };
}

function indexesOf(values: string[], wanted: string): number[] {
  return values.flatMap((value, index) => (value === wanted ? [index] : []));
}

type RowCheck = { ok: true; recipient: Recipient } | { ok: false; problem: Omit<InvalidRow, 'line'> };

function checkRow(record: string[], columns: Columns, delimiter: string): RowCheck {
  if (record.length !== columns.count) {
    const named = delimiter === ',' ? 'comma' : delimiter === ';' ? 'semicolon' : 'tab';
    const example = delimiter === '\t' ? '' : ` ("Kim${delimiter} Minji")`;
    return {
      ok: false,
      problem: {
        field: 'row',
        value: record.join(delimiter).slice(0, 200),
        reason:
          `has ${record.length} cells but the header has ${columns.count} — ` +
          `put quotes around a value that contains a ${named}${example}, or fix the row`,
      },
    };
  }
  const fields: Record<string, string> = {};
  for (const { index, key } of columns.fields) fields[key] = record[index]!;
  const result = recipientSchema.safeParse({
    email: record[columns.email]!,
    name: columns.name === undefined ? undefined : record[columns.name]!,
    fields,
  });
  if (!result.success) {
    // Report the first problem; email is checked before name, so it comes first.
    const issue = result.error.issues[0]!;
    const field = issue.path[0] === 'fields' ? String(issue.path[1]) : String(issue.path[0]);
    const value = field === 'email' ? record[columns.email]! : field === 'name' ? record[columns.name!]! : '';
    return { ok: false, problem: { field, value: value.slice(0, 200), reason: issue.message } };
  }
  const { email, name, fields: cleanFields } = result.data;
  // No name and an empty one read the same to the greeting; leave the key out for both.
  return { ok: true, recipient: name === undefined || name === '' ? { email, fields: cleanFields } : { email, name, fields: cleanFields } };
}

/**
 * The line each record starts on. Every line reaches the loader as a record (blank lines
 * too), so a record starts where the previous one ended, and spans one line more than
 * the line breaks inside its quoted cells. csv-parse's own `info.lines` is not used: it
 * counts a CRLF inside a quoted cell as two lines (csv-parse 7.0.3), which a test with a
 * multi-line cell in a CRLF file would catch.
 */
class LineCounter {
  /** The line the next record starts on. */
  line = 1;

  next(record: string[]): number {
    const start = this.line;
    this.line += 1;
    for (const cell of record) {
      if (cell.includes('\n') || cell.includes('\r')) this.line += (cell.match(/\r\n|\r|\n/g) ?? []).length;
    }
    return start;
  }
}

function unparsable(file: string, error: CsvError, lines: LineCounter): NewsletterError {
  // The row at fault starts after the last one read.
  const line = lines.line;
  const what =
    error.code === 'CSV_QUOTE_NOT_CLOSED'
      ? 'a quoted value starting on or after this line is never closed — add the closing " or remove the stray one'
      : error.code === 'CSV_MAX_RECORD_SIZE'
        ? 'a row is longer than 128,000 characters, most likely because of an unclosed " — check the quotes from here on'
        : `${error.message} — fix the quotes on this row`;
  return new NewsletterError('subscribers-unparsable', `${file}:${line} cannot be read as CSV: ${what}.`);
}
