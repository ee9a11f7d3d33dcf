// Loads the preview server's own TypeScript (start-preview-server.ts and the ~35 files it
// imports) as one bundle, natively, and the page script (client.ts) with its types
// stripped. Through a Vite module runner the same graph took ~1 s of the start: the
// runner fetches and transforms one module at a time, each import awaited before the
// next (a waterfall 35 deep). Rolldown bundles both in ~200 ms, and the bundles are kept
// in node_modules/.cache/newsletter-preview/ until one of their files changes
// (bundle-cache.mjs). Neither needs Vite: the server starts without loading it.
//
// The server's code is never reloaded while it runs (only the templates are, through
// the render pipeline), so nothing is lost by running it natively.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleForBrowser, bundleForNode, cachedBundle } from './bundle-cache.mjs';

const CACHE = fileURLToPath(new URL('../../node_modules/.cache/newsletter-preview/', import.meta.url));

/**
 * Imports `entry` (an absolute .ts path) from a cached bundle, and gives the file of
 * `client` (an absolute .ts path) as a browser script. Returns undefined when they
 * cannot be bundled: the caller then imports the entry through a module runner, which
 * reports the error with its file and line.
 *
 * @param {string} entry
 * @param {string} client
 * @returns {Promise<{ module: any, clientFile: string } | undefined>}
 */
export async function importServerCode(entry, client) {
  const files = await cachedBundle({
    cacheDir: CACHE,
    name: 'server',
    key: JSON.stringify([entry, client]),
    async build() {
      const [server, page] = await Promise.all([bundleForNode({ server: entry }), bundleForBrowser({ client })]);
      return { files: [...server.files, ...page.files], entries: { ...server.entries, ...page.entries }, inputs: { ...server.inputs, ...page.inputs } };
    },
  });
  if (!files?.server || !files.client) return undefined;
  return { module: await import(pathToFileURL(files.server).href), clientFile: files.client };
}
