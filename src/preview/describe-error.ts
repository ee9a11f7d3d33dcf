import { readFileSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { stripVTControlCharacters } from 'node:util';

/** A template or pipeline failure, as the preview shows it. */
export interface DescribedError {
  /** The error's message, without terminal colours. */
  message: string;
  /** `emails/components/footer.tsx:26:16`, relative to the project, when known. */
  where?: string;
  /** The lines around `where`, the failing one marked with `>`. */
  frame?: string;
  /** The first lines of the stack, for a bug deeper than the template. */
  stack?: string[];
}

interface TransformError {
  id?: string;
  loc?: { file?: string; line: number; column: number };
  message?: string;
}

/**
 * Turns whatever a render threw into file, line and a code frame in the project:
 * - a syntax error (Vite's transform: `errors[0]` has `id` and a 0-based `loc.column`);
 * - a failed import ("Failed to load url ./x.tsx … in /path/importer.tsx");
 * - a throw while rendering: the first stack frame inside the project and outside
 *   node_modules (stacks are source-mapped by the module runner, so lines are the
 *   .tsx file's own).
 */
export function describeError(error: unknown, root: string): DescribedError {
  if (!(error instanceof Error)) return { message: String(error) };
  const first = (error as Error & { errors?: TransformError[] }).errors?.[0];
  if (first?.loc && (first.loc.file ?? first.id)) {
    const message = clean(first.message ?? error.message).split('\n')[0] ?? error.message;
    return located(message, root, (first.loc.file ?? first.id) as string, first.loc.line, first.loc.column + 1);
  }
  const message = clean(error.message);
  const importer = /Failed to load url (\S+) .*? in (\/\S+?)\. Does the file exist\?/.exec(message);
  if (importer?.[2]) {
    const { where } = located(message, root, importer[2]);
    return { message: `${importer[1]} cannot be imported: the file does not exist — check the import path in ${where}`, ...(where ? { where } : {}) };
  }
  const stack = (error.stack ?? '').split('\n').slice(1).map((l) => l.trim()).filter((l) => l.startsWith('at '));
  for (const line of stack) {
    const m = /\(?((?:file:\/\/)?\/[^():]+):(\d+):(\d+)\)?$/.exec(line);
    if (!m?.[1]) continue;
    const file = m[1].replace(/^file:\/\//, '');
    if (file.includes('/node_modules/') || !inside(root, file)) continue;
    return { ...located(message, root, file, Number(m[2]), Number(m[3])), stack: stack.slice(0, 8) };
  }
  return { message, stack: stack.slice(0, 8) };
}

function located(message: string, root: string, file: string, line?: number, column?: number): DescribedError {
  const shown = inside(root, file) ? relative(root, file) : file;
  if (line === undefined) return { message, where: shown };
  const described: DescribedError = { message, where: `${shown}:${line}${column === undefined ? '' : `:${column}`}` };
  const frame = codeFrame(file, line, column);
  if (frame) described.frame = frame;
  return described;
}

function codeFrame(file: string, line: number, column: number | undefined): string | undefined {
  let lines: string[];
  try {
    lines = readFileSync(file, 'utf8').split(/\r?\n/);
  } catch {
    return undefined;
  }
  const from = Math.max(1, line - 2);
  const to = Math.min(lines.length, line + 2);
  const width = String(to).length;
  const out: string[] = [];
  for (let n = from; n <= to; n++) {
    out.push(`${n === line ? '>' : ' '} ${String(n).padStart(width)} | ${lines[n - 1] ?? ''}`);
    if (n === line && column !== undefined) out.push(`  ${' '.repeat(width)} | ${' '.repeat(Math.max(0, column - 1))}^`);
  }
  return out.join('\n');
}

function inside(root: string, file: string): boolean {
  const rel = relative(root, file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

function clean(text: string): string {
  return stripVTControlCharacters(text).replace(/^Transform failed with \d+ errors?:\s*/, '').trim();
}
