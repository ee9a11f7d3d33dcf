import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { MAX_INVALID_REPORTED, readSubscribers } from '../../src/subscribers/load-subscribers.ts';

const temp = mkdtempSync(join(tmpdir(), 'subscribers-large-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

it('streams a 200,000-row list with duplicates and invalid rows, counting each kind', async () => {
  const rows = 200_000;
  const lines = ['email,name,city'];
  let expectedInvalid = 0;
  let expectedDuplicates = 0;
  for (let i = 0; i < rows; i++) {
    if (i % 97 === 0) {
      lines.push(`bad${i}@,Bad ${i},Seoul`);
      expectedInvalid++;
    } else if (i % 50 === 0) {
      lines.push(`User1@EXAMPLE.com,Again ${i},Seoul`); // row 1 is valid, so this is a duplicate
      expectedDuplicates++;
    } else {
      lines.push(`user${i}@example.com,"Name ${i}",Seoul`);
    }
  }
  const file = join(temp, 'large.csv');
  writeFileSync(file, `${lines.join('\n')}\n`);

  const { recipients, report } = readSubscribers(file);
  let count = 0;
  let first: string | undefined;
  let last: string | undefined;
  for await (const r of recipients) {
    count++;
    first ??= r.email;
    last = r.email;
  }

  const expectedValid = rows - expectedInvalid - expectedDuplicates;
  expect(expectedInvalid).toBeGreaterThan(MAX_INVALID_REPORTED);
  expect(count).toBe(expectedValid);
  expect(first).toBe('user1@example.com');
  expect(last).toBe('user199999@example.com');
  expect(report).toMatchObject({
    rows,
    valid: expectedValid,
    duplicates: expectedDuplicates,
    invalidCount: expectedInvalid,
  });
  // The stored list stops at the cap; the count goes on. Row i is on line i + 2.
  expect(report.invalid).toHaveLength(MAX_INVALID_REPORTED);
  expect(report.invalid[0]!.line).toBe(2);
  expect(report.invalid.at(-1)!.line).toBe(97 * (MAX_INVALID_REPORTED - 1) + 2);
  // About 1.2 s alone on a 2-core machine; the timeout leaves room for a loaded CI box.
}, 20_000);
