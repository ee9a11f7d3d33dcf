import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** Writes lines to a file (or stdout), minding backpressure, so a million rows stay a few MB. */
export async function writeLines(lines: Iterable<string>, file: string | undefined): Promise<number> {
  const out: Writable = file === undefined ? process.stdout : createWriteStream(file);
  let n = 0;
  for (const line of lines) {
    n++;
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  }
  if (file !== undefined) {
    out.end();
    await once(out, 'finish');
  }
  return n;
}
