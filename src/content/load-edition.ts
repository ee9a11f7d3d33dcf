import { readFile } from 'node:fs/promises';
import { basename, relative } from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import type { z } from 'zod';
import { NewsletterError } from '../errors.ts';
import { parseBody, type RawSection } from './parse-body.ts';
import { editionSchema, type Edition } from './schema.ts';

/** `{ok: true, edition}` or every problem at once, each `file:line field: what — fix`. */
export type LoadResult = { ok: true; edition: Edition } | { ok: false; problems: string[] };

/** Loads and validates an edition; throws one NewsletterError listing every problem. */
export async function loadEdition(file: string): Promise<Edition> {
  const result = await readEdition(file);
  if (result.ok) return result.edition;
  const count = result.problems.length;
  throw new NewsletterError(
    'invalid-edition',
    `${displayPath(file)}: ${count} problem${count === 1 ? '' : 's'} in this edition:`,
    result.problems,
  );
}

/** Like loadEdition, but returns the problems instead of throwing (for the preview server). */
export async function readEdition(file: string): Promise<LoadResult> {
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file — check the path (editions live in content/)' : `cannot be read (${code})`;
    return { ok: false, problems: [`${displayPath(file)}: ${why}`] };
  }
  return parseEdition(source, file);
}

/** Parses an edition from its text; `file` names it in messages and gives the slug. */
export function parseEdition(source: string, file: string): LoadResult {
  const where = displayPath(file);
  const text = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const problems: string[] = [];
  const at = (line: number, field: string, message: string) => problems.push(`${where}:${line} ${field}: ${message}`);

  // Front matter: a YAML block between two `---` lines at the very top.
  const match = /^---\n([\s\S]*?)\n---[ \t]*(?:\n|$)/.exec(text);
  if (!match) {
    at(1, 'front matter', 'missing — start the file with a "---" line, the YAML fields (subject, preheader, date, …), and another "---" line');
    return { ok: false, problems };
  }
  const yamlText = match[1] ?? '';
  const lines = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  // Line 1 is the opening `---`, so YAML line n is file line n + 1.
  const yamlLine = (offset: number | undefined) => (offset === undefined ? 1 : lines.linePos(offset).line + 1);
  for (const error of doc.errors) {
    at(yamlLine(error.pos[0]), 'front matter', `${error.message.split('\n')[0]} — fix the YAML syntax`);
  }
  if (doc.errors.length > 0) return { ok: false, problems };

  const frontMatter: unknown = doc.toJS() ?? {};
  // `---`, the YAML lines, `---`: the body's first line comes after them.
  const linesBeforeBody = yamlText.split('\n').length + 2;
  const bodyStart = linesBeforeBody + 1;
  const body = parseBody(text.slice(match[0].length), linesBeforeBody);
  for (const p of body.problems) at(p.line, p.field, p.message);

  const slug = basename(file).replace(/\.md$/i, '');
  const candidate = {
    ...(typeof frontMatter === 'object' && frontMatter !== null ? frontMatter : {}),
    slug,
    intro: body.intro,
    sections: body.sections,
    closing: body.closing,
  };
  // reportInput: an issue keeps the value it is about, so `explain` can tell a missing
  // field from one of the wrong type (`contact: 연락처` where an object belongs).
  const parsed = editionSchema.safeParse(candidate, { reportInput: true });
  if (parsed.success && problems.length === 0) {
    const rules = adRules(parsed.data);
    if (rules) at(lineOfPath(doc.contents, ['subject'], yamlLine), 'subject', rules);
    else return { ok: true, edition: parsed.data };
  }
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.map(String);
      // An unknown key is reported at its own line, under its parent's name.
      const keyPath = issue.code === 'unrecognized_keys' ? [...path, String(issue.keys[0])] : path;
      const line = lineForIssue(keyPath, body.sections, body.closing, (p) => lineOfPath(doc.contents, p, yamlLine), bodyStart);
      at(line, fieldName(path), explain(issue));
    }
  }
  return { ok: false, problems: [...new Set(problems)].sort(byLine) };
}

/**
 * 정보통신망법 §50④: an advertisement's subject must begin with "(광고)". Returns the
 * problem, or undefined when the rule holds.
 */
export function adRules(edition: Pick<Edition, 'advertisement' | 'subject'>): string | undefined {
  if (edition.advertisement && !edition.subject.startsWith('(광고)')) {
    return 'an advertisement must begin its subject with "(광고)" (정보통신망법 §50) — write subject: "(광고) …", or set advertisement: false if it sells nothing';
  }
  return undefined;
}

function explain(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} — check the spelling; the known keys are listed in README.md`;
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    return 'is missing — add it to the front matter';
  }
  return issue.message;
}

function fieldName(path: string[]): string {
  if (path.length === 0) return 'front matter';
  const [head, index, ...rest] = path;
  if ((head === 'sections' || head === 'closing' || head === 'intro') && index !== undefined) {
    const tail = rest.filter((p) => p !== 'children' && !/^\d+$/.test(p));
    return [`${head}[${Number(index) + 1}]`, ...tail].join('.');
  }
  return path.join('.');
}

/** The file line an issue points at: the YAML key, the section, or the block. */
function lineForIssue(
  path: string[],
  sections: RawSection[],
  closing: RawSection[],
  yamlLineOf: (path: string[]) => number,
  bodyStart: number,
): number {
  const [head, index, part, blockIndex] = path;
  if (head === 'sections' || head === 'closing') {
    const section = (head === 'sections' ? sections : closing)[Number(index)];
    if (!section) return bodyStart;
    const block = part === 'blocks' && blockIndex !== undefined ? section.blocks[Number(blockIndex)] : undefined;
    return block?.line ?? section.line;
  }
  if (head === 'intro') return bodyStart;
  if (head === 'slug') return 1;
  return yamlLineOf(path);
}

/** Walks the YAML document to the deepest node that exists on the path. */
function lineOfPath(root: unknown, path: string[], yamlLine: (offset: number | undefined) => number): number {
  let node = root as YamlNode | null | undefined;
  let line = yamlLine(undefined);
  for (const key of path) {
    if (!isMap(node)) break;
    const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
    if (!pair) break;
    line = yamlLine((pair.key as YamlNode).range?.[0]);
    node = pair.value as YamlNode | null;
  }
  return line;
}

function byLine(a: string, b: string): number {
  const line = (s: string) => Number(/:(\d+) /.exec(s)?.[1] ?? 0);
  return line(a) - line(b);
}

function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}
