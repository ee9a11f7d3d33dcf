import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Edition } from '../content/schema.ts';
import type { Email } from './email.ts';

type Engine = Edition['engine'];

/**
 * The rendered email of an edition, kept across runs and keyed by everything it is made
 * from: the edition as parsed (its front matter and blocks), the engine, and a fingerprint
 * of the code that renders — every file of `emails/` (the templates), `src/render/` and
 * `src/content/`, the lockfile (the versions of React Email, MJML and the rest) and the
 * Node version. Any change to one of them is another key, so an edited template or
 * edition is always rendered afresh. What `build` renders, `send` then finds: it starts
 * without loading React, React Email or MJML at all (a third of its code) and without
 * rendering (~45 ms), which is most of what stands before its first request.
 *
 * Entries live in `node_modules/.cache/newsletter/render/`, the newest 32 kept. A cache
 * that cannot be read or written (a read-only install, a damaged file) is no cache: the
 * edition is rendered, as without one.
 */

/** The newest entries kept. */
const KEEP = 32;

export interface RenderCacheOptions {
  /** Where the entries live. @default <package root>/node_modules/.cache/newsletter/render */
  dir?: string;
  /** The renderer's fingerprint. @default rendererFingerprint(<package root>) */
  fingerprint?: string;
}

/** The package's root: the nearest folder above this file whose package.json is `newsletter`'s. */
function packageRoot(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      if ((JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown }).name === 'newsletter') return dir;
    } catch {}
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

const FINGERPRINTED = ['emails', 'src/render', 'src/content'];

/**
 * sha256 over the files the rendering depends on under `root` (path and bytes of each, in
 * order), the lockfile and the Node version. ~60 files: a few ms.
 */
export function rendererFingerprint(root: string): string {
  const hash = createHash('sha256').update(`node ${process.version}\n`);
  const files: string[] = [];
  for (const dir of FINGERPRINTED) {
    let entries;
    try {
      entries = readdirSync(join(root, dir), { recursive: true, withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) if (entry.isFile()) files.push(join(entry.parentPath, entry.name).slice(root.length + 1));
  }
  files.sort();
  for (const file of [...files, 'package-lock.json']) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(root, file));
    } catch {
      bytes = Buffer.alloc(0);
    }
    hash.update(`${file}\n${bytes.length}\n`).update(bytes);
  }
  return hash.digest('hex');
}

let defaults: { dir: string; fingerprint: string } | undefined | null;

function cacheSetup(options: RenderCacheOptions): { dir: string; fingerprint: string } | undefined {
  if (options.dir !== undefined && options.fingerprint !== undefined) return { dir: options.dir, fingerprint: options.fingerprint };
  if (defaults === undefined) {
    const root = packageRoot();
    defaults = root === undefined ? null : { dir: join(root, 'node_modules/.cache/newsletter/render'), fingerprint: rendererFingerprint(root) };
  }
  if (defaults === null) return undefined;
  return { dir: options.dir ?? defaults.dir, fingerprint: options.fingerprint ?? defaults.fingerprint };
}

/** The key of an edition's rendered email: sha256 of the fingerprint, the engine and the edition. */
export function renderKey(edition: Edition, engine: Engine, fingerprint: string): string {
  return createHash('sha256').update(JSON.stringify({ v: 1, fingerprint, engine, edition })).digest('hex');
}

function isEmail(value: unknown): value is Email {
  const e = value as Email | null;
  return (
    typeof e === 'object' && e !== null &&
    [e.slug, e.subject, e.preheader, e.html, e.text, e.greeting?.named, e.greeting?.anonymous].every((s) => typeof s === 'string')
  );
}

function read(dir: string, key: string): Email | undefined {
  try {
    const entry = JSON.parse(readFileSync(join(dir, `${key}.json`), 'utf8')) as { key?: unknown; email?: unknown };
    return entry.key === key && isEmail(entry.email) ? entry.email : undefined;
  } catch {
    return undefined;
  }
}

function write(dir: string, key: string, email: Email): void {
  try {
    mkdirSync(dir, { recursive: true });
    // Written whole under a temporary name, then renamed: a reader never sees half an entry.
    const file = join(dir, `${key}.json`);
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify({ key, email }));
    renameSync(temp, file);
    const entries = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => ({ f, t: statSync(join(dir, f)).mtimeMs }));
    if (entries.length > KEEP) for (const { f } of entries.sort((a, b) => b.t - a.t).slice(KEEP)) rmSync(join(dir, f), { force: true });
  } catch {
    // No cache this time.
  }
}

/**
 * `renderEmail(edition, { engine })`, from the cache when this edition was rendered before
 * by the same code. `cached` says which. The renderer (React, React Email, MJML) is loaded
 * only on a miss.
 */
export async function renderEmailCached(edition: Edition, engine: Engine = edition.engine, options: RenderCacheOptions = {}): Promise<{ email: Email; cached: boolean }> {
  const setup = cacheSetup(options);
  const key = setup === undefined ? undefined : renderKey(edition, engine, setup.fingerprint);
  if (setup !== undefined && key !== undefined) {
    const hit = read(setup.dir, key);
    if (hit !== undefined) return { email: hit, cached: true };
  }
  const { renderEmail } = await import('./render-email.ts');
  const email = await renderEmail(edition, { engine });
  if (setup !== undefined && key !== undefined) write(setup.dir, key, email);
  return { email, cached: false };
}

/** Keeps an email rendered elsewhere (`build`), so that a later `send` of the same edition finds it. */
export function rememberRender(edition: Edition, engine: Engine, email: Email, options: RenderCacheOptions = {}): void {
  const setup = cacheSetup(options);
  if (setup !== undefined) write(setup.dir, renderKey(edition, engine, setup.fingerprint), email);
}
