// Rolldown bundles of TypeScript, kept on disk until one of the files they were made from
// changes. The preview loads its own server code (import-server-code.mjs) and, until the
// first template save, the project's templates (render-pipeline.ts) this way: checking a
// bundle is a stat of each of its files (~1 ms), importing it is one native import, and
// building it, when a file changed, ~100–200 ms. Plain JavaScript: boot.mjs runs under
// bare `node`.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Bundles other processes may still load chunks from (a test send's transport) live this long. */
const KEEP_OLD_MS = 60 * 60 * 1000;

/**
 * The entry files of a current bundle named `name` in `cacheDir`, building it with `build`
 * when there is none, it was made for another `key`, or one of its input files changed.
 * Resolves to undefined when `build` fails (a syntax error, a missing file): the caller then
 * loads the code another way, one that reports the error with its file and line.
 *
 * @param {{ cacheDir: string, name: string, key: string, build: () => Promise<Built> }} options
 * @returns {Promise<Record<string, string> | undefined>} entry name → absolute file
 * @typedef {{ files: { fileName: string, code: string }[], entries: Record<string, string>, inputs: Record<string, [number, number]> }} Built
 */
export async function cachedBundle({ cacheDir, name, key, build }) {
  const kept = await cached(cacheDir, name, key).catch(() => undefined);
  if (kept) return kept;
  const built = await build().catch(() => undefined);
  return built ? save(cacheDir, name, key, built) : undefined;
}

/**
 * Bundles `input` (entry name → absolute .ts path) for Node. Packages stay imports,
 * resolved from node_modules at run time (the same instances everything else uses).
 *
 * @param {Record<string, string>} input
 * @returns {Promise<Built>}
 */
export async function bundleForNode(input) {
  return bundle(input, { platform: 'node', external: (id) => !id.startsWith('.') && !isAbsolute(id) && !id.startsWith('\0') }, '[name]-[hash].mjs', '[name].mjs');
}

/**
 * A browser script from one .ts file and what it imports (types stripped).
 *
 * @param {Record<string, string>} input
 * @returns {Promise<Built>}
 */
export async function bundleForBrowser(input) {
  return bundle(input, { platform: 'browser' }, '[name]-[hash].js', '[name].js');
}

/** A short, file-name-safe digest of `text` (a project folder, say). */
export function digest(text) {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

async function bundle(input, options, chunkFileNames, entryFileNames) {
  const { rolldown } = await import('rolldown');
  /** Each file's mtime and size as it was read: one saved while it is bundled looks changed next time. */
  const inputs = {};
  const built = await rolldown({
    input,
    logLevel: 'silent',
    ...options,
    plugins: [
      {
        name: 'note-inputs',
        async load(id) {
          if (!isAbsolute(id)) return undefined;
          const s = await stat(id);
          inputs[id] = [s.mtimeMs, s.size];
          return readFile(id, 'utf8');
        },
      },
      {
        // `new URL('./client.ts', import.meta.url)` must keep meaning the source folder,
        // not the cache's.
        name: 'own-import-meta-url',
        transform(code, id) {
          if (!code.includes('import.meta.')) return undefined;
          return {
            code: code
              .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(id).href))
              .replaceAll('import.meta.filename', JSON.stringify(id))
              .replaceAll('import.meta.dirname', JSON.stringify(dirname(id))),
          };
        },
      },
    ],
  });
  try {
    const { output } = await built.generate({ format: 'esm', entryFileNames, chunkFileNames });
    const files = [];
    const entries = {};
    for (const file of output) {
      files.push({ fileName: file.fileName, code: file.type === 'chunk' ? file.code : file.source });
      if (file.type === 'chunk' && file.isEntry) entries[file.name] = file.fileName;
    }
    return { files, entries, inputs };
  } finally {
    await built.close();
  }
}

async function cached(cacheDir, name, key) {
  const manifest = JSON.parse(await readFile(join(cacheDir, `${name}.json`), 'utf8'));
  if (manifest.key !== key || manifest.node !== process.version) return undefined;
  const same = await Promise.all(
    Object.entries(manifest.inputs).map(async ([file, [mtimeMs, size]]) => {
      const s = await stat(file).catch(() => undefined);
      return s !== undefined && s.mtimeMs === mtimeMs && s.size === size;
    }),
  );
  if (!same.every(Boolean)) return undefined;
  const entries = entryPaths(cacheDir, manifest);
  await Promise.all(Object.values(entries).map((file) => stat(file)));
  return entries;
}

async function save(cacheDir, name, key, built) {
  // A folder of its own, renamed into place: two servers starting at once never see
  // each other's half-written files.
  const dir = `b-${Date.now()}-${randomBytes(4).toString('hex')}`;
  const tmp = join(cacheDir, `.${dir}`);
  await mkdir(tmp, { recursive: true });
  await Promise.all(built.files.map((file) => writeFile(join(tmp, file.fileName), file.code)));
  await rename(tmp, join(cacheDir, dir));
  const manifest = { key, node: process.version, dir, entries: built.entries, inputs: built.inputs };
  const manifestTmp = join(cacheDir, `.${name}-${dir}.json`);
  await writeFile(manifestTmp, JSON.stringify(manifest));
  await rename(manifestTmp, join(cacheDir, `${name}.json`));
  void sweep(cacheDir);
  return entryPaths(cacheDir, manifest);
}

function entryPaths(cacheDir, manifest) {
  return Object.fromEntries(Object.entries(manifest.entries).map(([entry, file]) => [entry, join(cacheDir, manifest.dir, file)]));
}

/**
 * Removes bundles an hour old that no manifest names, and manifests an hour old whose
 * files are gone (the templates of a temporary project).
 */
async function sweep(cacheDir) {
  const names = await readdir(cacheDir).catch(() => []);
  const old = async (name) => {
    const s = await stat(join(cacheDir, name)).catch(() => undefined);
    return s !== undefined && Date.now() - s.mtimeMs > KEEP_OLD_MS;
  };
  const current = new Set();
  for (const name of names) {
    if (!name.endsWith('.json') || name.startsWith('.')) continue;
    const manifest = await readFile(join(cacheDir, name), 'utf8').then(JSON.parse, () => undefined);
    const first = manifest ? Object.keys(manifest.inputs ?? {})[0] : undefined;
    const gone = first === undefined || (await stat(first).then(() => false, () => true));
    // No key: a manifest of the first format, before bundles had names.
    if (!manifest?.key || (gone && (await old(name)))) await rm(join(cacheDir, name), { force: true }).catch(() => {});
    else if (manifest?.dir) current.add(manifest.dir);
  }
  for (const name of names) {
    if (!name.startsWith('b-') || current.has(name)) continue;
    if (await old(name)) await rm(join(cacheDir, name), { recursive: true, force: true }).catch(() => {});
  }
}
