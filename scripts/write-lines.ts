import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** Writes lines to a file (or stdout), minding backpressure, so a million rows stay a few MB. */
export async function writeLines(lines: Iterable<string>, file: string | undefined): Promise<number> {
  const out: Writable = file === undefined ? process.stdout : createWriteStream(file);
  let n = 0;
  // Lines go out in ~64 KB writes: one write a line is a syscall a line on a pipe.
  let chunk = '';
  for (const line of lines) {
    n++;
    chunk += `${line}\n`;
    if (chunk.length >= 65_536) {
      const ok = out.write(chunk);
      chunk = '';
      if (!ok) await once(out, 'drain');
    }
  }
  if (chunk !== '') out.write(chunk);
  if (file !== undefined) {
    out.end();
    await once(out, 'finish');
  }
  return n;
}

/** A JSON array, one element a line (`[`, `{…}`, `,{…}`, `]`): streamed, still one valid document. */
export function* jsonArrayLines<T>(items: Iterable<T>, toJson: (item: T) => unknown): Generator<string> {
  yield '[';
  let first = true;
  for (const item of items) {
    yield `${first ? '' : ','}${JSON.stringify(toJson(item))}`;
    first = false;
  }
  yield ']';
}
