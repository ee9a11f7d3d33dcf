import { fromMarkdown } from 'mdast-util-from-markdown';
import { cjkFriendlyExtension } from 'micromark-extension-cjk-friendly';
import { toString } from 'mdast-util-to-string';
import type { PhrasingContent, RootContent } from 'mdast';
import type { Inline } from './schema.ts';

/** A problem found while reading the Markdown, before the schema runs. */
export interface BodyProblem {
  line: number;
  field: string;
  message: string;
}

/** Blocks and sections as plain data; the schema validates them afterwards. */
export interface RawBlock {
  type: string;
  line: number;
  [key: string]: unknown;
}
export interface RawSection {
  line: number;
  heading: string;
  id: string;
  blocks: RawBlock[];
  more?: { label: string; url: string };
}
export interface RawBody {
  intro: RawBlock[];
  sections: RawSection[];
  closing: RawSection[];
  problems: BodyProblem[];
}

/**
 * Parses an edition body with mdast-util-from-markdown (micromark: CommonMark-exact, with
 * source positions, which is what lets every error name its line; chosen over marked and
 * markdown-it for those positions and a typed tree).
 *
 * Shape: paragraphs before the first `##` are the intro; each `##` opens a numbered
 * issue; after a thematic break (`---`) the `##` sections are the closing, not numbered.
 * `lineOffset` is the number of lines before the body (the front matter).
 */
export function parseBody(markdown: string, lineOffset: number): RawBody {
  // CommonMark does not close `**90%**를` (punctuation before `**`, a Hangul letter after);
  // the CJK-friendly extension fixes emphasis next to Hangul, as Korean authors expect.
  const tree = fromMarkdown(markdown, { extensions: [cjkFriendlyExtension()] });
  const body: RawBody = { intro: [], sections: [], closing: [], problems: [] };
  let current: RawSection | undefined;
  let inClosing = false;
  const usedIds = new Set<string>();
  const lineOf = (node: RootContent | PhrasingContent) => (node.position?.start.line ?? 1) + lineOffset;

  for (const node of tree.children) {
    const line = lineOf(node);
    switch (node.type) {
      case 'heading': {
        if (node.depth !== 2) {
          body.problems.push({
            line,
            field: 'heading',
            message: `a level-${node.depth} heading is not supported — start each issue with "## " (two hashes)`,
          });
          continue;
        }
        const heading = toString(node).trim();
        current = { line, heading, id: uniqueId(heading, usedIds), blocks: [] };
        (inClosing ? body.closing : body.sections).push(current);
        continue;
      }
      case 'thematicBreak':
        if (inClosing) {
          body.problems.push({ line, field: 'body', message: 'a second "---" break — only one separates the issues from the closing' });
        }
        inClosing = true;
        current = undefined;
        continue;
      case 'paragraph': {
        const lone = node.children.length === 1 ? node.children[0] : undefined;
        if (lone?.type === 'image') {
          push({ type: 'image', line, src: lone.url, alt: lone.alt ?? '' });
          continue;
        }
        push({ type: 'paragraph', line, children: inlines(node.children) });
        continue;
      }
      case 'list':
        push({
          type: 'list',
          line,
          ordered: node.ordered === true,
          items: node.children.map((item) =>
            item.children.flatMap((child) => (child.type === 'paragraph' ? inlines(child.children) : [])),
          ),
        });
        continue;
      case 'definition':
        continue;
      default:
        body.problems.push({
          line,
          field: 'body',
          message: `${describe(node.type)} is not supported in an edition — use paragraphs, "- " lists, links, **bold** and images`,
        });
    }
  }

  // A section whose last paragraph is a lone link gets it as its "read more" link.
  for (const section of [...body.sections, ...body.closing]) {
    const last = section.blocks.at(-1);
    const children = last?.type === 'paragraph' ? (last['children'] as Inline[]) : [];
    const only = children.length === 1 ? children[0] : undefined;
    if (only?.type === 'link' && section.blocks.length > 1) {
      section.more = { label: plain(only.children), url: only.url };
      section.blocks.pop();
    }
  }
  return body;

  function push(block: RawBlock) {
    if (current) current.blocks.push(block);
    else if (!inClosing) body.intro.push(block);
    else body.problems.push({ line: block.line, field: 'body', message: 'text after "---" must sit under a "## " heading' });
  }

  function inlines(nodes: PhrasingContent[]): Inline[] {
    const out: Inline[] = [];
    for (const node of nodes) {
      switch (node.type) {
        case 'text':
          out.push({ type: 'text', value: node.value.replace(/\s*\n\s*/g, ' ') });
          break;
        case 'strong':
          out.push({ type: 'strong', children: inlines(node.children) });
          break;
        case 'emphasis':
          out.push({ type: 'emphasis', children: inlines(node.children) });
          break;
        case 'inlineCode':
          out.push({ type: 'code', value: node.value });
          break;
        case 'break':
          out.push({ type: 'break' });
          break;
        case 'link':
          out.push({ type: 'link', url: node.url, children: inlines(node.children) });
          break;
        default:
          body.problems.push({
            line: lineOf(node),
            field: 'body',
            message: `${describe(node.type)} inside a paragraph is not supported — put an image in its own paragraph, and write text instead of HTML`,
          });
      }
    }
    return out;
  }
}

/** Plain text of inline content, for text parts, ids and labels. */
export function plain(nodes: readonly Inline[]): string {
  return nodes
    .map((n) => (n.type === 'text' || n.type === 'code' ? n.value : n.type === 'break' ? '\n' : plain(n.children)))
    .join('');
}

function uniqueId(heading: string, used: Set<string>): string {
  const base =
    heading
      .normalize('NFKC')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, '-')
      .replace(/^-|-$/g, '') || 'section';
  let id = base;
  for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
  used.add(id);
  return id;
}

function describe(type: string): string {
  const names: Record<string, string> = {
    html: 'raw HTML',
    code: 'a code block',
    blockquote: 'a block quote',
    table: 'a table',
    image: 'an image',
    imageReference: 'an image reference',
    linkReference: 'a reference link',
  };
  return names[type] ?? `a "${type}" node`;
}
