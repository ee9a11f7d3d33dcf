// `npm run bench`: runs every benchmark in bench/ one after another, each in its own
// process (so one's memory or warm caches never colour another's figures), and prints
// their JSON lines. `npm run bench -- personalize engines` runs only those.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const only = process.argv.slice(2);
const benches = readdirSync(new URL('.', import.meta.url))
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
  .map((f) => f.replace(/\.ts$/, ''))
  .filter((name) => only.length === 0 || only.includes(name))
  .sort();

let failed = 0;
for (const name of benches) {
  console.log(`\n## bench/${name}.ts`);
  const started = Date.now();
  const result = spawnSync(process.execPath, ['--import', 'tsx', `bench/${name}.ts`], { stdio: 'inherit' });
  console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s, exit ${result.status})`);
  if (result.status !== 0) failed++;
}
process.exitCode = failed === 0 ? 0 : 1;
