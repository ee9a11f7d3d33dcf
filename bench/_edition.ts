import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SAMPLE = new URL('../content/2025-07-08-ai-issues-2025-h1.md', import.meta.url).pathname;

/**
 * The sample edition is an advertisement without the sender's phone and address (the seed
 * gives none), which a Resend send refuses: benchmarks send a copy with placeholders,
 * written into `dir`. Returns its path.
 */
export function benchEdition(dir: string): string {
  const file = join(dir, 'bench-edition.md');
  writeFileSync(file, readFileSync(SAMPLE, 'utf8').replace(/^contact: .*$/m, 'contact: { email: contact@may-i.io, phone: 02-000-0000, address: 서울특별시 (bench placeholder) }'));
  return file;
}
