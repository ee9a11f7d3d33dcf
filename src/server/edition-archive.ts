import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readEdition } from '../content/load-edition.ts';
import type { Edition } from '../content/schema.ts';
import { buildEdition } from '../render/build-edition.ts';
import type { Store } from '../store/open-store.ts';

/**
 * Which editions `/archive` shows:
 * - `sent` (the default): an edition of the content directory whose campaign has gone
 *   out through Resend to at least one recipient — the journal holds a campaign with the
 *   edition's slug as its id (outbox runs are `<slug>@outbox` and do not count) and a
 *   recipient in state `sent`. The archive link is in every email, so the page appears
 *   with the first message, not when the campaign finishes.
 * - `all`: every valid edition of the directory, for previewing the archive locally.
 */
export type ArchiveMode = 'sent' | 'all';

export interface ArchiveEntry {
  slug: string;
  subject: string;
  date: string;
}

export interface EditionArchive {
  /** Newest first. */
  list(): Promise<ArchiveEntry[]>;
  /** The web version of one edition, or undefined if it is not in the archive. */
  page(slug: string): Promise<string | undefined>;
}

export interface ArchiveOptions {
  store: Store;
  contentDir: string;
  mode: ArchiveMode;
  /** Base of the pages' own link (`<publicUrl>/archive/<slug>`); without it the publisher's URL. */
  publicUrl?: string | undefined;
  /** Told once per file and version about an edition that does not load. */
  onInvalid?: (file: string, problems: string[]) => void;
}

/**
 * The web versions are rendered by `buildEdition` — the same render as the email,
 * without merge slots and without any recipient's data — once per file version, and
 * kept in memory: a popular link costs a map lookup, not a React render.
 */
export function createEditionArchive(options: ArchiveOptions): EditionArchive {
  const { store, contentDir, mode } = options;
  const parsed = new Map<string, { mtimeMs: number; edition: Edition | undefined }>();
  const rendered = new Map<string, { mtimeMs: number; html: Promise<string> }>();
  const sent = store.db.prepare(
    `SELECT 1 FROM campaigns c WHERE c.id = ?
     AND EXISTS (SELECT 1 FROM recipients r WHERE r.campaign = c.id AND r.state = 'sent')`,
  ).pluck();

  /** Every valid edition in the directory, with its file's mtime. */
  const editions = async (): Promise<{ edition: Edition; mtimeMs: number }[]> => {
    let names: string[];
    try {
      names = (await readdir(contentDir)).filter((n) => n.endsWith('.md')).sort();
    } catch {
      return []; // No content directory: an empty archive, not a crashed server.
    }
    const found: { edition: Edition; mtimeMs: number }[] = [];
    for (const name of names) {
      const file = join(contentDir, name);
      const mtimeMs = await stat(file).then((s) => s.mtimeMs, () => undefined);
      if (mtimeMs === undefined) continue;
      let entry = parsed.get(file);
      if (entry === undefined || entry.mtimeMs !== mtimeMs) {
        const result = await readEdition(file);
        if (!result.ok) options.onInvalid?.(file, result.problems);
        entry = { mtimeMs, edition: result.ok ? result.edition : undefined };
        parsed.set(file, entry);
      }
      if (entry.edition !== undefined) found.push({ edition: entry.edition, mtimeMs });
    }
    return found;
  };

  const included = (slug: string) => mode === 'all' || sent.get(slug) !== undefined;

  return {
    async list() {
      return (await editions())
        .filter(({ edition }) => included(edition.slug))
        .map(({ edition }) => ({ slug: edition.slug, subject: edition.subject, date: edition.date }))
        .sort((a, b) => (a.date === b.date ? b.slug.localeCompare(a.slug) : b.date.localeCompare(a.date)));
    },
    async page(slug) {
      // The slug comes from the URL: only the shape a slug can have, and only one that
      // names a file we listed ourselves — never a path built from the request.
      if (!/^[a-z0-9][a-z0-9-]{0,200}$/.test(slug) || !included(slug)) return undefined;
      const match = (await editions()).find(({ edition }) => edition.slug === slug);
      if (match === undefined) return undefined;
      let entry = rendered.get(slug);
      if (entry === undefined || entry.mtimeMs !== match.mtimeMs) {
        const webUrl = options.publicUrl === undefined ? undefined : `${options.publicUrl}/archive/${slug}`;
        const html = buildEdition(match.edition, webUrl === undefined ? {} : { webUrl }).then((b) => b.web);
        entry = { mtimeMs: match.mtimeMs, html };
        rendered.set(slug, entry);
        // A failed render is not cached: the next request tries again.
        html.catch(() => rendered.delete(slug));
      }
      return entry.html;
    },
  };
}
