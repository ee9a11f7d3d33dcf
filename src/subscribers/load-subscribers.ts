import type { FileHandle } from 'node:fs/promises';
import { CsvError, parse } from 'csv-parse';
import { NewsletterError } from '../errors.ts';
import { AddressSet } from './address-set.ts';
import { openList, sniffList } from './csv-file.ts';
import { checkRow, LineCounter, readHeader, unparsable, type Columns } from './csv-rows.ts';
import { quote, type Recipient } from './schema.ts';

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
  /** Valid rows the caller's `filter` left out. */
  filtered: number;
  /** Columns that were ignored, and why (`list.csv:1 column "회사" is ignored: …`). */
  warnings: string[];
}

export interface ReadOptions {
  /** Fail the load at the first invalid row instead of skipping it. @default false */
  strict?: boolean;
  /**
   * The clock (ms since the epoch) a `consented_at` or `transaction_ended_at` date must not
   * be later than. @default Date.now()
   */
  now?: number;
  /**
   * Sees each valid, de-duplicated row with its line; returning false leaves the row out
   * (counted in `report.filtered`). The send command's consent gate. @default keep every row
   */
  filter?: (recipient: Recipient, line: number) => boolean;
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
    filtered: 0,
    warnings: [],
  };
  let iterated = false;
  const recipients: AsyncIterable<Recipient> = {
    [Symbol.asyncIterator]() {
      if (iterated) throw new Error(`readSubscribers(${quote(file)}): the recipients can be iterated only once`);
      iterated = true;
      return streamRecipients(file, options.strict === true, options.seen, report, options.now ?? Date.now(), options.filter);
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
  now: number,
  filter: ReadOptions['filter'],
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

        const checked = checkRow(record, columns, report.delimiter, now);
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
        if (filter !== undefined && !filter(checked.recipient, line)) {
          report.filtered++;
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

