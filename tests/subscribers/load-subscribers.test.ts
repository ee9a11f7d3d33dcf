import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { NewsletterError } from '../../src/errors.ts';
import { AddressSet } from '../../src/subscribers/address-set.ts';
import {
  describeInvalidRow,
  loadSubscribers,
  readSubscribers,
} from '../../src/subscribers/load-subscribers.ts';

const fixtures = fileURLToPath(new URL('../fixtures/subscribers/', import.meta.url));
const fixture = (name: string) => join(fixtures, name);

// Files whose exact bytes matter (CRLF, UTF-16, CP949) are written here rather than kept
// as fixtures, where a git `autocrlf` setting could rewrite them on checkout.
const temp = mkdtempSync(join(tmpdir(), 'subscribers-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
function tempFile(name: string, content: string | Buffer): string {
  const path = join(temp, name);
  writeFileSync(path, content);
  return path;
}

async function loadError(file: string, options = {}): Promise<NewsletterError> {
  const error = await loadSubscribers(file, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(NewsletterError);
  return error as NewsletterError;
}

describe('loadSubscribers', () => {
  it('loads a plain list: trims, lower-cases the domain only, keeps other columns as fields', async () => {
    const { recipients, report } = await loadSubscribers(fixture('plain.csv'));
    expect(recipients).toEqual([
      { email: 'minji.kim@example.com', name: '김민지', fields: { company: '한빛리테일', sign_up_date: '2025-01-02' } },
      { email: 'Seojun.Lee@example.com', name: '이서준', fields: { company: '푸른마트', sign_up_date: '2025-02-03' } },
      { email: 'jiwoo.park@example.org', fields: { company: '오늘상회, 성수점', sign_up_date: '2025-03-04' } },
    ]);
    expect(report).toMatchObject({ delimiter: ',', rows: 3, valid: 3, duplicates: 0, invalidCount: 0, invalid: [] });
    // A header with no a–z or digits cannot be a merge slot, so the column is dropped with a warning.
    expect(report.warnings).toEqual([
      `${fixture('plain.csv')}:1 column 5 "회사" is ignored: a merge field name needs letters a–z or digits — rename the column (e.g. \`company\`)`,
    ]);
    expect(recipients[2]).not.toHaveProperty('name');
  });

  it('reads a UTF-8 file with a byte order mark; the BOM does not stick to the first header', async () => {
    expect(readFileSync(fixture('bom.csv')).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const { recipients, report } = await loadSubscribers(fixture('bom.csv'));
    expect(recipients.map((r) => r.email)).toEqual(['bom.first@example.com', 'bom.second@example.net']);
    expect(report.valid).toBe(2);
  });

  it('drops duplicates that differ only in case, keeping the first, and counts them', async () => {
    const { recipients, report } = await loadSubscribers(fixture('duplicates.csv'));
    expect(recipients).toEqual([
      { email: 'ana@example.com', name: 'Ana', fields: {} },
      { email: 'bo@example.com', name: 'Bo', fields: {} },
    ]);
    expect(report).toMatchObject({ rows: 5, valid: 2, duplicates: 3, invalidCount: 0 });
  });

  it('reports bad rows with the file line they start on, and skips them', async () => {
    const file = fixture('bad-rows.csv');
    const { recipients, report } = await loadSubscribers(file);
    // Line 2–3 is one row (a quoted name with a line break), line 5 is blank.
    expect(recipients.map((r) => r.email)).toEqual(['good.one@example.com', 'good.three@example.com']);
    expect(recipients[0]!.name).toBe('Kim Minji');
    expect(report).toMatchObject({ rows: 7, valid: 2, duplicates: 0, invalidCount: 5 });
    expect(report.invalid.map((row) => [row.line, row.field, row.value])).toEqual([
      [4, 'email', 'foo@'],
      [6, 'email', ''],
      [7, 'row', 'good.two@example.com,Two,Daegu,extra'],
      [8, 'email', 'not an address'],
      [10, 'email', 'user@localhost'],
    ]);
    expect(report.invalid.map((row) => describeInvalidRow(file, row))).toEqual([
      `${file}:4 email: "foo@" is not an email address (nothing after the @) — fix or delete the row`,
      `${file}:6 email: is empty — fill in the address or delete the row`,
      `${file}:7 row: has 4 cells but the header has 3 — put quotes around a value that contains a comma ("Kim, Minji"), or fix the row`,
      `${file}:8 email: "not an address" is not an email address (it contains a space) — fix or delete the row`,
      `${file}:10 email: "user@localhost" is not an email address (the domain "localhost" has no dot) — fix or delete the row`,
    ]);
  });

  it('keeps line numbers right in a CRLF file with a CRLF inside a quoted cell', async () => {
    // csv-parse 7.0.3 counts a quoted CRLF as two lines; the loader corrects for it.
    const crlf = readFileSync(fixture('bad-rows.csv'), 'utf8').replaceAll('\n', '\r\n');
    const file = tempFile('bad-rows-crlf.csv', crlf);
    const { recipients, report } = await loadSubscribers(file);
    expect(recipients.map((r) => r.email)).toEqual(['good.one@example.com', 'good.three@example.com']);
    expect(report.invalid.map((row) => row.line)).toEqual([4, 6, 7, 8, 10]);
  });

  it('counts lines inside quoted cells holding several line breaks, LF and CRLF mixed', async () => {
    const file = tempFile(
      'multiline.csv',
      'email,name,note\na@example.com,A,"one\ntwo\r\nthree"\nbad,B,x\n"c@example.com",C,"x\n\ny"\nalso bad,D,y',
    );
    const { recipients, report } = await loadSubscribers(file);
    expect(recipients.map((r) => r.email)).toEqual(['a@example.com', 'c@example.com']);
    expect(recipients[0]!.fields).toEqual({ note: 'one two three' });
    expect(report.invalid.map((row) => row.line)).toEqual([5, 9]);
  });

  it('fails with the columns it found when there is no email column', async () => {
    const file = fixture('no-email-column.csv');
    const error = await loadError(file);
    expect(error.code).toBe('subscribers-no-email-column');
    expect(error.message).toBe(
      `${file}:1 has no \`email\` column; the columns found are "address", "name". Name the column holding the addresses \`email\` in the header row.`,
    );
  });

  it('says to add a header when the first line is a subscriber', async () => {
    const error = await loadError(tempFile('headless.csv', 'ana@example.com,Ana\nbo@example.com,Bo\n'));
    expect(error.code).toBe('subscribers-no-email-column');
    expect(error.message).toContain('The first line looks like a subscriber — add a header row such as `email,name` above it.');
  });

  it('matches the email header case-insensitively and trimmed, and refuses two of them', async () => {
    const { recipients } = await loadSubscribers(tempFile('upper.csv', ' EMAIL ,NAME\na@example.com,A\n'));
    expect(recipients).toEqual([{ email: 'a@example.com', name: 'A', fields: {} }]);
    const error = await loadError(tempFile('two-emails.csv', 'email,name,Email\na@example.com,A,b@example.com\n'));
    expect(error.code).toBe('subscribers-duplicate-column');
    expect(error.message).toContain('has 2 `email` columns (columns 1 and 3)');
  });

  it('fails when the list has a header but no rows, or nothing at all', async () => {
    const file = fixture('header-only.csv');
    const error = await loadError(file);
    expect(error.code).toBe('subscribers-no-rows');
    expect(error.message).toBe(`${file} has a header row but no subscribers — add one per line below the header.`);

    const blankRows = await loadError(tempFile('blank-rows.csv', 'email,name\n\n,\n , \n'));
    expect(blankRows.code).toBe('subscribers-no-rows');

    const empty = tempFile('empty.csv', '');
    expect((await loadError(empty)).message).toBe(
      `${empty} is empty — write a header row such as \`email,name\` and one subscriber per line below it.`,
    );
  });

  it('fails clearly when the file does not exist', async () => {
    const file = join(temp, 'nope.csv');
    const error = await loadError(file);
    expect(error.code).toBe('subscribers-missing');
    expect(error.message).toBe(`${file} does not exist — check the path given to --to.`);
  });

  it('fails clearly when the path is a directory', async () => {
    const error = await loadError(temp);
    expect(error.code).toBe('subscribers-unreadable');
    expect(error.message).toBe(`${temp} cannot be read (it is a directory) — give the path of the CSV file.`);
  });

  it('finds the header below leading blank lines and counts from the top of the file', async () => {
    const file = tempFile('leading-blank.csv', '\n\nemail;name\na@example.com;A\nfoo@;B\n');
    const { recipients, report } = await loadSubscribers(file);
    expect(report.delimiter).toBe(';');
    expect(recipients.map((r) => r.email)).toEqual(['a@example.com']);
    expect(report.invalid.map((row) => row.line)).toEqual([5]);
  });

  it('accepts a semicolon-delimited file and reports the delimiter', async () => {
    const { recipients, report } = await loadSubscribers(fixture('semicolon.csv'));
    expect(report.delimiter).toBe(';');
    expect(recipients).toEqual([
      { email: 'ana@example.com', name: 'Ana', fields: { company: 'Kim, Lee & Co' } },
      { email: 'bo@example.com', name: 'Bo', fields: { company: 'Solo' } },
    ]);
  });

  it('accepts a tab-delimited file', async () => {
    const { recipients, report } = await loadSubscribers(fixture('tab.csv'));
    expect(report.delimiter).toBe('\t');
    expect(recipients.map((r) => r.name)).toEqual(['Ana', 'Bo']);
  });

  it('stays comma-delimited when a semicolon only appears inside a quoted header', async () => {
    const { recipients, report } = await loadSubscribers(tempFile('quoted-header.csv', 'email,"a;b"\na@example.com,x;y\n'));
    expect(report.delimiter).toBe(',');
    expect(recipients[0]!.fields).toEqual({ a_b: 'x;y' });
  });

  it('returns markup, quotes and & in names verbatim (escaping is the renderer’s job)', async () => {
    const { recipients } = await loadSubscribers(fixture('tricky-names.csv'));
    expect(recipients.map((r) => r.name)).toEqual([
      '<script>alert(1)</script>',
      `Jane "JJ" O'Neil`,
      'Kim & Lee',
      'Jane "JJ" Doe',
    ]);
  });

  it('strips CR, LF and other control characters from names and fields', async () => {
    const file = tempFile(
      'crlf-names.csv',
      'email,name,title\r\n' +
        'a@example.com,"Kim\r\nBcc: victim@example.net",x\r\n' +
        'b@example.com,"\u0007Lee\u0000 \u202eSeo","\tDr.\r\nNo\u2028"\r\n',
    );
    const { recipients } = await loadSubscribers(file);
    expect(recipients.map((r) => r.name)).toEqual(['Kim Bcc: victim@example.net', 'Lee Seo']);
    expect(recipients[1]!.fields).toEqual({ title: 'Dr. No' });
    for (const r of recipients) expect(r.name).not.toMatch(/[\r\n\u0000-\u001f]/);
  });

  it('reports a name longer than 100 characters as an invalid row', async () => {
    const file = tempFile('long-name.csv', `email,name\na@example.com,${'가'.repeat(101)}\nb@example.com,${'가'.repeat(100)}\n`);
    const { recipients, report } = await loadSubscribers(file);
    expect(recipients.map((r) => r.email)).toEqual(['b@example.com']);
    expect(report.invalid).toHaveLength(1);
    expect(report.invalid[0]).toMatchObject({ line: 2, field: 'name' });
    expect(report.invalid[0]!.reason).toContain('is 101 characters long; the limit is 100 — shorten it or delete the row');
  });

  it('ignores unusable and clashing column names with a warning', async () => {
    const file = tempFile('columns.csv', 'email,First Name,first-name,,2nd\na@example.com,A,B,C,D\n');
    const { recipients, report } = await loadSubscribers(file);
    expect(recipients[0]!.fields).toEqual({ first_name: 'A', _2nd: 'D' });
    expect(report.warnings).toEqual([
      `${file}:1 column 3 "first-name" is ignored: it has the same merge field name \`first_name\` as column "First Name" — rename one of them`,
      `${file}:1 column 4 "" is ignored: it has no name in the header — name it to use it as a merge field`,
    ]);
  });

  it('in strict mode fails at the first invalid row, naming file:line', async () => {
    const file = fixture('bad-rows.csv');
    const error = await loadError(file, { strict: true });
    expect(error.code).toBe('subscribers-invalid-row');
    expect(error.message.split('\n')[0]).toBe(
      `${file}:4 email: "foo@" is not an email address (nothing after the @) — fix or delete the row`,
    );
  });

  it('in strict mode loads a clean list', async () => {
    const { report } = await loadSubscribers(fixture('plain.csv'), { strict: true });
    expect(report.valid).toBe(3);
  });

  it('fails on an unclosed quote with the line it starts after', async () => {
    const file = tempFile('unclosed.csv', 'email,name\na@example.com,A\nb@example.com,"Bo\nc@example.com,C\n');
    const error = await loadError(file);
    expect(error.code).toBe('subscribers-unparsable');
    expect(error.message).toBe(
      `${file}:3 cannot be read as CSV: a quoted value starting on or after this line is never closed — add the closing " or remove the stray one.`,
    );
  });

  it('refuses UTF-16 and non-UTF-8 (CP949) files instead of loading mojibake', async () => {
    const utf16 = tempFile('utf16.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('email\na@example.com\n', 'utf16le')]));
    expect((await loadError(utf16)).code).toBe('subscribers-encoding');
    // "email,name\na@example.com,김" with 김 in CP949 (0xB1 0xE8).
    const cp949 = tempFile('cp949.csv', Buffer.concat([Buffer.from('email,name\na@example.com,'), Buffer.from([0xb1, 0xe8, 0x0a])]));
    const error = await loadError(cp949);
    expect(error.code).toBe('subscribers-encoding');
    expect(error.message).toContain('is not UTF-8');
  });
});

describe('readSubscribers', () => {
  it('streams recipients and fills the report as it goes', async () => {
    const { recipients, report } = readSubscribers(fixture('duplicates.csv'));
    const seen: [string, number][] = [];
    for await (const r of recipients) seen.push([r.email, report.valid]);
    expect(seen).toEqual([
      ['ana@example.com', 1],
      ['bo@example.com', 2],
    ]);
    expect(report.duplicates).toBe(3);
  });

  it('stops cleanly when the consumer breaks early, and refuses a second iteration', async () => {
    const { recipients, report } = readSubscribers(fixture('plain.csv'));
    for await (const r of recipients) {
      expect(r.email).toBe('minji.kim@example.com');
      break;
    }
    expect(report.valid).toBe(1);
    expect(() => recipients[Symbol.asyncIterator]()).toThrow('can be iterated only once');
  });

  it('reads a list twice through one shared table, dropping and counting the same duplicates each time', async () => {
    const seen = new AddressSet(0);
    const reads = [];
    for (let pass = 0; pass < 2; pass++) {
      const { recipients, report } = readSubscribers(fixture('duplicates.csv'), { seen });
      const emails: string[] = [];
      for await (const r of recipients) emails.push(r.email);
      reads.push({ emails, valid: report.valid, duplicates: report.duplicates });
    }
    const alone = await loadSubscribers(fixture('duplicates.csv'));
    const expected = { emails: alone.recipients.map((r) => r.email), valid: 2, duplicates: 3 };
    expect(reads).toEqual([expected, expected]);
    expect(seen.size).toBe(2);
  });

  it('sizes a shared table at the first read and reuses it at the next', async () => {
    const rows = 6000;
    const lines = ['email'];
    for (let i = 0; i < rows; i++) lines.push(`user${i}@example.com`);
    const file = tempFile('shared-table.csv', `${lines.join('\n')}\n`);
    const seen = new AddressSet(0);
    const capacities: number[] = [];
    for (let pass = 0; pass < 2; pass++) {
      for await (const _ of readSubscribers(file, { seen }).recipients);
      capacities.push(seen.capacity);
    }
    // Sized from the file for every row (at most 70% full), not doubled on the way from
    // 16 slots to 16,384; the same table the second time.
    expect(capacities[0]).toBeGreaterThanOrEqual(rows / 0.7);
    expect(capacities[0]).toBeLessThan((1.1 * rows) / 0.7);
    expect(capacities[1]).toBe(capacities[0]);
    expect(seen.size).toBe(rows);
  });

  it('refuses a second read into a shared table while the first is still going, and frees it when the first ends', async () => {
    const seen = new AddressSet(0);
    const first = readSubscribers(fixture('plain.csv'), { seen }).recipients[Symbol.asyncIterator]();
    expect((await first.next()).done).toBe(false);
    const second = readSubscribers(fixture('plain.csv'), { seen }).recipients[Symbol.asyncIterator]();
    await expect(second.next()).rejects.toThrow('the `seen` table is in use by another read');
    await first.return?.(undefined);
    const third = await loadSubscribers(fixture('plain.csv'), { seen });
    expect(third.report.valid).toBeGreaterThan(0);
  });

  it('reads rows, Hangul and quoted line breaks that straddle the boundaries between read chunks', async () => {
    // Thousands of rows of 3-byte characters: the file is read a few KB at a time, so
    // chunk boundaries fall inside characters, cells, quoted multi-line cells and rows.
    const rows = 3000;
    const lines = ['email,name,memo'];
    for (let i = 0; i < rows; i++) {
      const memo = i % 7 === 0 ? `"첫 줄 ${i}\n둘째 줄, 쉼표"` : `메모 ${i}`;
      lines.push(`user${i}@example.com,김서준${'가'.repeat(i % 13)} ${i},${memo}`);
    }
    lines.push('broken@,끝,끝');
    const text = `${lines.join('\n')}\n`;
    expect(Buffer.byteLength(text)).toBeGreaterThan(100 * 1024);
    const { recipients, report } = await loadSubscribers(tempFile('chunks.csv', text));
    expect(recipients).toHaveLength(rows);
    recipients.forEach((r, i) => {
      expect(r.name).toBe(`김서준${'가'.repeat(i % 13)} ${i}`);
      // A line break inside a field is cleaned to a space (see cleanText).
      expect(r.fields.memo).toBe(i % 7 === 0 ? `첫 줄 ${i} 둘째 줄, 쉼표` : `메모 ${i}`);
    });
    // Each quoted memo holds one line break: the last row's line counts them all.
    expect(report.invalid.map((row) => row.line)).toEqual([2 + rows + Math.ceil(rows / 7)]);
  });
});
