// `npm run build` (and `prepare`, so every `npm install` and `npm ci`): compiles the CLI's
// TypeScript (src/, emails/, scripts/ — every file, so a new scripts/*.ts command is built
// with no registration) to dist/ with tsc, and stamps the build. bin/newsletter.js starts
// from dist/ while the stamp is newer than every source file, and from the TypeScript
// through tsx otherwise (see bin/newsletter.js). Plain JavaScript: it runs before anything
// is built.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
let tsc;
try {
  // The package's exports hide bin/; its package.json is exported.
  tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin/tsc');
} catch {
  // `npm install --omit=dev`: no compiler. Not an error: the CLI runs from the TypeScript.
  console.error('newsletter build: typescript is not installed, so dist/ is not built; the CLI runs from the TypeScript sources (slower to start).');
  process.exit(0);
}
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
if (result.status !== 0 || !existsSync(new URL('../dist/scripts/newsletter.js', import.meta.url))) {
  console.error('newsletter build: tsc failed (above); the CLI runs from the TypeScript sources until `npm run build` succeeds.');
  process.exit(result.status ?? 1);
}

// Then one bundle of the CLI with its dependencies, split by command (dist/bundle/), which
// bin/newsletter.js prefers: Node loads a few large files instead of ~600 small ones, and
// `send` makes its first request ~140 ms sooner (0.39–0.44 s after the spawn instead of
// 0.55–0.59 s, bench/cli-send.ts). Left outside: the native SQLite binding, and what loads
// files beside itself or only on some paths (MJML, Chromium's driver, the caniemail data,
// axe-core, Vite). Source maps beside each chunk: the one-line error names the TypeScript
// file and line (scripts/newsletter.ts reads them only then). Without esbuild (a
// production install), dist/scripts/ alone serves.
// zod re-exports all of its ~50 locales as `z.locales` (370 KB of the bundle, on every
// command's path); its messages are English by default and nothing here asks for another.
// In the bundle `z.locales` holds English alone.
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic|core|mini)[\\/]/.test(args.importer) ? { path: join(dirname(args.importer), '../locales/en.js'), namespace: 'zod-locales' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({ contents: `export { default as en } from ${JSON.stringify(args.path)};`, resolveDir: dirname(args.path) }));
  },
};

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  console.error('newsletter build: esbuild is not installed; the CLI starts from dist/scripts/ (a little slower).');
}
if (esbuild !== undefined) {
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: ['scripts/newsletter.ts'],
    outdir: 'dist/bundle',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    tsconfig: 'tsconfig.json',
    external: ['better-sqlite3', 'mjml', 'playwright-core', 'vite', '@jsx-email/doiuse-email', 'axe-core'],
    // React's production build: without this the bundle carries (and, NODE_ENV being unset,
    // runs) React's development build too, 1.6 MB more to parse at every start.
    define: { 'process.env.NODE_ENV': '"production"' },
    // React's renderer for edge runtimes, the same Fizz renderer and the same HTML, but
    // without the node build's AsyncLocalStorage: its first use turns on Node's promise
    // hooks for the rest of the process, a cost on every promise of the send.
    alias: { 'react-dom/server': 'react-dom/server.edge' },
    plugins: [zodEnglishOnly],
    // CommonJS dependencies call require(); an ES module has none of its own.
    banner: { js: "import { createRequire as __newsletterRequire } from 'node:module'; const require = __newsletterRequire(import.meta.url);" },
    logLevel: 'warning',
  });
}
writeFileSync(new URL('../dist/.built', import.meta.url), `${new Date().toISOString()}\n`);
