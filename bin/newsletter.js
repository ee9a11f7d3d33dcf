#!/usr/bin/env node
// The `newsletter` command. It starts from the JavaScript that `npm run build` compiled to
// dist/ (run by `prepare`, so by `npm install` and `npm ci`): ~0.1 s to `--help`, where
// loading the TypeScript through tsx took 0.3–0.4 s at every start. When dist/ is missing
// or older than any source file (an edited template or command, a `git pull` without an
// `npm install`), it loads the TypeScript through tsx's loader instead — slower to start,
// never stale — so no build step stands between an edit and `npx newsletter`. tsx caches
// what it compiles, keyed by each file's content.
//
// `dev` always runs from the TypeScript: the preview server loads src/ and emails/ itself
// (Vite's module runner, its worker and boot .mjs files beside the sources).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('..', import.meta.url);
const FROM_SOURCES = new Set(['dev']);

/** The build's stamp is newer than every file it was built from. */
function builtIsFresh() {
  let built;
  try {
    built = statSync(new URL('dist/.built', root)).mtimeMs;
  } catch {
    return false;
  }
  for (const file of ['tsconfig.json', 'tsconfig.build.json', 'package.json']) {
    if (statSync(new URL(file, root)).mtimeMs > built) return false;
  }
  for (const dir of ['src', 'emails', 'scripts']) {
    const base = new URL(`${dir}/`, root);
    for (const entry of readdirSync(base, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !/\.(ts|tsx|mts)$/.test(entry.name)) continue;
      if (statSync(`${entry.parentPath ?? entry.path}/${entry.name}`).mtimeMs > built) return false;
    }
  }
  return true;
}

if (!FROM_SOURCES.has(process.argv[2] ?? '') && process.env.NEWSLETTER_FROM_SOURCES !== '1' && builtIsFresh()) {
  // The bundle when the build made one (scripts/build-cli.mjs), else tsc's output. A
  // DEBUG=newsletter run shows its stack traces in the TypeScript files, through the
  // bundle's source maps (which cost ~50 ms of every start, so only then).
  if (/(^|,)\s*(newsletter|\*)\s*(,|$)/.test(process.env.DEBUG ?? '')) process.setSourceMapsEnabled(true);
  const bundle = new URL('dist/bundle/newsletter.js', root);
  await import((existsSync(bundle) ? bundle : new URL('dist/scripts/newsletter.js', root)).href);
} else {
  // The tsconfig is named explicitly: tsx would otherwise look for one in the current
  // directory, and JSX would compile wrong elsewhere.
  const { register } = await import('tsx/esm/api');
  register({ tsconfig: fileURLToPath(new URL('tsconfig.json', root)) });
  await import('../scripts/newsletter.ts');
}
