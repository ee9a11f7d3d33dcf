import type { CsvError } from 'csv-parse';
import { NewsletterError } from '../errors.ts';
import { consentDateProblem, CONSENT_DATE_COLUMNS } from './consent-columns.ts';
import type { InvalidRow, LoadReport } from './load-subscribers.ts';
import { fieldKey, quote, recipientSchema, type Recipient } from './schema.ts';

export interface Columns {
  count: number;
  email: number;
  name: number | undefined;
  fields: { index: number; key: string }[];
}

export function readHeader(file: string, line: number, header: string[], report: LoadReport): Columns {
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

export type RowCheck = { ok: true; recipient: Recipient } | { ok: false; problem: Omit<InvalidRow, 'line'> };

export function checkRow(record: string[], columns: Columns, delimiter: string, now: number): RowCheck {
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
  // Consent dates are checked and written as ISO 8601, so the journal holds a date a
  // reader (or an auditor) can compare, not whatever the spreadsheet printed.
  for (const key of CONSENT_DATE_COLUMNS) {
    const value = cleanFields[key];
    if (value === undefined) continue;
    if (value === '') {
      delete cleanFields[key];
      continue;
    }
    const checked = consentDateProblem(value, now);
    if (typeof checked === 'string') return { ok: false, problem: { field: key, value: value.slice(0, 200), reason: checked } };
    cleanFields[key] = checked.iso;
  }
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
export class LineCounter {
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

export function unparsable(file: string, error: CsvError, lines: LineCounter): NewsletterError {
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