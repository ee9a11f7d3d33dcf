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
writeFileSync(new URL('../dist/.built', import.meta.url), `${new Date().toISOString()}\n`);
