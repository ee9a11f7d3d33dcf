// Loads the preview server's own TypeScript (start-preview-server.ts and the ~35 files it
// imports) as one bundle, natively. Through a Vite module runner the same graph took ~1 s
// of the start: the runner fetches and transforms one module at a time, each import
// awaited before the next (a waterfall 35 deep). Rolldown (Vite's own bundler, already
// loaded with Vite) bundles it in ~200 ms, and the bundle is kept in
// node_modules/.cache/newsletter-preview/ until one of its files changes: then the start
// only stats them (~1 ms) and imports one file.
//
// The server's code is never reloaded while it runs (only the templates are, through
// the render pipeline's runner), so nothing is lost by running it natively.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const CACHE = fileURLToPath(new URL('../../node_modules/.cache/newsletter-preview/', import.meta.url));
/** Bundles other processes may still load chunks from (a test send's transport) live this long. */
const KEEP_OLD_MS = 60 * 60 * 1000;

/**
 * Imports `entry` (an absolute .ts path) from a cached bundle, building it when a file
 * of it changed. Returns undefined when it cannot be bundled: the caller then imports it
 * through the module runner, which reports the error with its file and line.
 */
export async function importServerCode(entry) {
  const kept = await cached(entry).catch(() => undefined);
  if (kept) return import(pathToFileURL(kept).href);
  const built = await build(entry).catch(() => undefined);
  return built ? import(pathToFileURL(built).href) : undefined;
}

async function cached(entry) {
  const manifest = JSON.parse(await readFile(join(CACHE, 'current.json'), 'utf8'));
  if (manifest.entry !== entry || manifest.node !== process.version) return undefined;
  const same = await Promise.all(
    Object.entries(manifest.inputs).map(async ([file, [mtimeMs, size]]) => {
      const s = await stat(file).catch(() => undefined);
      return s !== undefined && s.mtimeMs === mtimeMs && s.size === size;
    }),
  );
  if (!same.every(Boolean)) return undefined;
  const file = join(CACHE, manifest.dir, manifest.file);
  await stat(file);
  return file;
}

async function build(entry) {
  const { rolldown } = await import('rolldown');
  const bundle = await rolldown({
    input: entry,
    platform: 'node',
    logLevel: 'silent',
    // Packages stay imports, resolved from node_modules as before (the same Vite instance).
    external: (id) => !id.startsWith('.') && !isAbsolute(id) && !id.startsWith('\0'),
    plugins: [
      {
        // `new URL('./client.ts', import.meta.url)` must keep meaning the source folder,
        // not the cache's.
        name: 'own-import-meta-url',
        transform(code, id) {
          if (!code.includes('import.meta.url')) return undefined;
          return { code: code.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(id).href)) };
        },
      },
    ],
  });
  const { output } = await bundle.generate({ format: 'esm', entryFileNames: '[name].mjs', chunkFileNames: '[name]-[hash].mjs' });
  await bundle.close();

  const inputs = {};
  for (const chunk of output) {
    if (chunk.type !== 'chunk') continue;
    for (const id of chunk.moduleIds) {
      if (!isAbsolute(id)) continue;
      const s = await stat(id).catch(() => undefined);
      if (s) inputs[id] = [s.mtimeMs, s.size];
    }
  }
  // A folder of its own, renamed into place: two servers starting at once never see
  // each other's half-written files.
  const dir = `b-${Date.now()}-${randomBytes(4).toString('hex')}`;
  const tmp = join(CACHE, `.${dir}`);
  await mkdir(tmp, { recursive: true });
  await Promise.all(output.map((file) => writeFile(join(tmp, file.fileName), file.type === 'chunk' ? file.code : file.source)));
  await rename(tmp, join(CACHE, dir));
  const entryChunk = output.find((file) => file.type === 'chunk' && file.isEntry);
  const manifestTmp = join(CACHE, `.current-${dir}.json`);
  await writeFile(manifestTmp, JSON.stringify({ entry, node: process.version, dir, file: entryChunk.fileName, inputs }));
  await rename(manifestTmp, join(CACHE, 'current.json'));
  void sweep(dir);
  return join(CACHE, dir, entryChunk.fileName);
}

/** Removes bundles an hour old that are no longer current. */
async function sweep(current) {
  for (const name of await readdir(CACHE).catch(() => [])) {
    if (!name.startsWith('b-') || name === current) continue;
    const s = await stat(join(CACHE, name)).catch(() => undefined);
    if (s && Date.now() - s.mtimeMs > KEEP_OLD_MS) await rm(join(CACHE, name), { recursive: true, force: true }).catch(() => {});
  }
}
