import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../src/store/migrate.ts';

// An error the code did not foresee ends the command with one line naming what failed and
// where, and a hint for the stack; DEBUG=newsletter shows the stack.

const ROOT = new URL('../..', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'unexpected-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A journal that claims the current schema but has no tables: `status` trips over it. */
function brokenJournal(): string {
  const file = join(work, 'broken.db');
  const db = new Database(file);
  db.pragma(`user_version = ${SCHEMA_VERSION}`);
  db.close();
  return file;
}

const status = (env: Record<string, string>) =>
  spawnSync(process.execPath, [join(ROOT, 'bin/newsletter.js'), 'status'], { cwd: work, env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' });

describe('an unexpected error', () => {
  it('is one line naming the error and where it was thrown, with the DEBUG hint, exit 70 and no stack trace', () => {
    const run = status({ NEWSLETTER_DB: brokenJournal() });
    expect(run.status).toBe(70);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^newsletter status: unexpected error — SqliteError \(SQLITE_ERROR\): no such table: campaigns in \S+ \((?:dist\/)?src\/store\/journal\.[jt]s:\d+\) \(rerun with DEBUG=newsletter to see the stack trace\)$/);
  }, 30_000);

  it('shows its stack with DEBUG=newsletter', () => {
    const run = status({ NEWSLETTER_DB: brokenJournal(), DEBUG: 'newsletter' });
    expect(run.status).toBe(70);
    expect(run.stderr).toMatch(/^\s+at .*journal\.[jt]s/m);
  }, 30_000);
});
