import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { NewsletterError } from '../errors.ts';
import { migrate } from './migrate.ts';

/** An open journal database. Pass it to `createJournal` and the suppression functions. */
export interface Store {
  readonly db: Database.Database;
  /** The file, or `:memory:`. */
  readonly file: string;
  close(): void;
}

/**
 * Opens (creating when missing) the SQLite journal and brings its schema up to date.
 *
 * - WAL: the unsubscribe/webhook server reads and writes suppressions while a send runs.
 * - busy_timeout: the other writer holds the lock for milliseconds; wait, don't fail.
 * - synchronous=FULL: a transaction that returned is on disk, so after a crash (or a
 *   power cut) the journal never claims less than was sent. Two or three fsyncs per
 *   batch of 100 is nothing next to a 100 ms rate interval.
 */
export function openStore(file: string): Store {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  let db: Database.Database;
  try {
    db = new Database(file);
  } catch (error) {
    throw new NewsletterError(
      'journal-open',
      `${file}: cannot open the journal (${(error as Error).message}) — check the path, or set NEWSLETTER_DB to a writable file such as data/newsletter.db.`,
    );
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    migrate(db, file);
  } catch (error) {
    db.close();
    if (error instanceof NewsletterError) throw error;
    // "file is not a database", a read-only file, a full disk…
    throw new NewsletterError(
      'journal-open',
      `${file}: cannot use the journal (${(error as Error).message}) — is NEWSLETTER_DB the newsletter's SQLite journal? Point it at the right file, or at a new one such as data/newsletter.db.`,
    );
  }
  return {
    db,
    file,
    close: () => {
      if (db.open) db.close();
    },
  };
}
