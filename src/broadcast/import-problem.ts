import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { NewsletterError } from '../errors.ts';
import { maskAddress } from '../subscribers/mask-address.ts';
import type { ContactPart } from './contact-files.ts';

/**
 * When Resend refuses an import file and names rows (`row 17`, `rows 3, 9`), the rows
 * as a person can find them: the file, its line, and the address on it (masked). The
 * file's row 1 is the first contact; its line 2 (line 1 is the header).
 */
export async function importLineProblem(error: unknown, part: ContactPart): Promise<NewsletterError | undefined> {
  if (!(error instanceof NewsletterError) || error.code !== 'resend-api') return undefined;
  const rows = [...error.message.matchAll(/\brows?\s+((?:\d+(?:\s*(?:,|and)\s*)?)+)/gi)].flatMap((m) => (m[1] as string).split(/\s*(?:,|and)\s*/).map(Number)).filter((n) => Number.isInteger(n) && n >= 1);
  if (rows.length === 0) return undefined;
  const wanted = new Set(rows.slice(0, 20).map((row) => row + 1));
  const found = new Map<number, string>();
  let line = 0;
  const lines = createInterface({ input: createReadStream(part.path), crlfDelay: Infinity });
  for await (const text of lines) {
    line++;
    if (wanted.has(line)) found.set(line, text.split(',')[0] ?? '');
    if (found.size === wanted.size) break;
  }
  lines.close();
  return new NewsletterError(
    'import-rows',
    `${error.message} — nothing was sent. In ${part.path}:`,
    [...wanted].map((l) => `line ${l}: ${found.has(l) ? maskAddress(found.get(l) as string) : '(no such line)'} — fix or remove this subscriber in the list, then run the same command again`),
  );
}
