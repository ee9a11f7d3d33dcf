import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadEdition, parseEdition } from '../../src/content/load-edition.ts';

const MINIMAL = readFileSync(fileURLToPath(new URL('../fixtures/editions/minimal.md', import.meta.url)), 'utf8');
const FILE = 'content/2025-01-02-test.md';

/** The minimal edition with one line replaced (or removed when `to` is null). */
function edit(from: string, to: string | null): string {
  expect(MINIMAL).toContain(from);
  return MINIMAL.replace(`${from}\n`, to === null ? '' : `${to}\n`);
}

function problems(source: string): string[] {
  const result = parseEdition(source, FILE);
  if (result.ok) throw new Error('expected the edition to be rejected');
  return result.problems;
}

/** The 1-based line of the first line of `source` that contains `needle`. */
function lineOf(source: string, needle: string): number {
  return source.split('\n').findIndex((l) => l.includes(needle)) + 1;
}

describe('parseEdition', () => {
  it('accepts the minimal edition and derives the slug and structure', () => {
    const result = parseEdition(MINIMAL, FILE);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { edition } = result;
    expect(edition.slug).toBe('2025-01-02-test');
    expect(edition.engine).toBe('react');
    expect(edition.intro).toHaveLength(1);
    expect(edition.sections.map((s) => s.heading)).toEqual(['첫 소식']);
    expect(edition.sections[0]?.more).toEqual({ label: '자세히 보기', url: 'https://example.com/more' });
    expect(edition.sections[0]?.blocks.map((b) => b.type)).toEqual(['paragraph', 'list']);
    expect(edition.greeting.anonymous).toBe('안녕하세요.');
  });

  it('reports a missing subject with its line and field', () => {
    const source = edit('subject: "작은 소식"', null);
    expect(problems(source)).toEqual([`${FILE}:1 subject: is missing — add it to the front matter`]);
  });

  it('rejects an unknown front-matter key, naming its line', () => {
    const source = edit('advertisement: false', 'advertisement: false\nsubjet: "오타"');
    const [problem, ...rest] = problems(source);
    expect(rest).toEqual([]);
    expect(problem).toBe(`${FILE}:${lineOf(source, 'subjet:')} front matter: unknown key "subjet" — check the spelling; the known keys are listed in README.md`);
  });

  it('takes utm: true or false (UTM tags on the links; absent means on), and names a bad value at its line', () => {
    const on = parseEdition(MINIMAL, FILE);
    expect(on.ok && on.edition.utm).toBeUndefined();
    const off = parseEdition(edit('advertisement: false', 'advertisement: false\nutm: false'), FILE);
    expect(off.ok && off.edition.utm).toBe(false);
    const source = edit('advertisement: false', 'advertisement: false\nutm: "no"');
    expect(problems(source)).toEqual([`${FILE}:${lineOf(source, 'utm:')} utm: must be true or false — write utm: false to send the links without UTM tags`]);
  });

  it('rejects an unknown nested key at its line, naming its parent', () => {
    const source = edit('  url: https://example.com', '  url: https://example.com\n  colour: blue');
    expect(problems(source)).toEqual([
      `${FILE}:${lineOf(source, 'colour:')} publisher: unknown key "colour" — check the spelling; the known keys are listed in README.md`,
    ]);
  });

  it('rejects a URL that is not absolute https', () => {
    const source = edit('  url: https://example.com', '  url: http://example.com');
    expect(problems(source)).toEqual([
      `${FILE}:${lineOf(source, '  url: http://')} publisher.url: must be an absolute https:// URL — write it as https://example.com/…`,
    ]);
  });

  it('rejects a link in the body that is not https, at the paragraph line', () => {
    const source = MINIMAL.replace('(https://example.com/a)', '(www.example.com/a)');
    const [problem] = problems(source);
    expect(problem).toMatch(new RegExp(`^${FILE}:${lineOf(source, '요약 문단')} sections\\[1\\]\\.blocks\\.url: link must be an absolute https:// URL`));
  });

  it('rejects an empty issue at its heading line', () => {
    const source = MINIMAL.replace('## 첫 소식', '## 빈 소식\n\n## 첫 소식');
    expect(problems(source)).toEqual([
      `${FILE}:${lineOf(source, '## 빈 소식')} sections[1].blocks: section is empty — write a summary under the heading`,
    ]);
  });

  it('rejects a broken date', () => {
    const source = edit('date: 2025-01-02', 'date: 2025-13-45');
    expect(problems(source)).toEqual([
      `${FILE}:${lineOf(source, 'date:')} date: must be a date written YYYY-MM-DD, such as 2025-07-08`,
    ]);
  });

  it('rejects an advertisement whose subject does not begin with (광고)', () => {
    const source = edit('advertisement: false', 'advertisement: true');
    const [problem] = problems(source);
    expect(problem).toMatch(new RegExp(`^${FILE}:2 subject: an advertisement must begin its subject with "\\(광고\\)"`));
  });

  it('rejects a bad sender address', () => {
    const source = edit('  email: news@example.com', '  email: news-at-example.com');
    expect(problems(source)).toEqual([
      `${FILE}:${lineOf(source, 'news-at-example')} from.email: must be an email address such as news@example.com`,
    ]);
  });

  it('reports broken YAML with its line', () => {
    const source = edit('preheader: "한 가지 이슈만 담은 시험용 호"', 'preheader: "unclosed');
    const [problem] = problems(source);
    expect(problem).toMatch(new RegExp(`^${FILE}:\\d+ front matter: .+ — fix the YAML syntax$`));
  });

  it('asks for front matter when there is none', () => {
    expect(problems('## 제목\n\n본문\n')).toEqual([
      `${FILE}:1 front matter: missing — start the file with a "---" line, the YAML fields (subject, preheader, date, …), and another "---" line`,
    ]);
  });

  it('rejects an image without alt text, a deeper heading and raw HTML, each at its line', () => {
    const source = MINIMAL.replace('- 항목 하나', '![](https://example.com/a.png)\n\n### 작은 제목\n\n<div>html</div>\n\n- 항목 하나');
    const found = problems(source);
    expect(found).toEqual([
      `${FILE}:${lineOf(source, '![](')} sections[1].blocks.alt: image has no alt text — write ![what it shows](url)`,
      `${FILE}:${lineOf(source, '### 작은')} heading: a level-3 heading is not supported — start each issue with "## " (two hashes)`,
      `${FILE}:${lineOf(source, '<div>')} body: raw HTML is not supported in an edition — use paragraphs, "- " lists, links, **bold** and images`,
    ]);
  });

  it('reports every problem at once', () => {
    let source = edit('subject: "작은 소식"', null);
    source = source.replace('date: 2025-01-02', 'date: yesterday').replace('## 첫 소식', '## 빈 소식\n\n## 첫 소식');
    const found = problems(source);
    expect(found).toHaveLength(3);
    expect(found.map((p) => p.split(' ')[1])).toEqual(['subject:', 'date:', 'sections[1].blocks:']);
  });

  it('reads bold next to Hangul as bold (CJK-friendly emphasis)', () => {
    const source = MINIMAL.replace('- 항목 하나', '- 미국과 중국이 **90%**를 보유');
    const result = parseEdition(source, FILE);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const list = result.edition.sections[0]?.blocks[1];
    expect(list?.type === 'list' && list.items[0]).toEqual([
      { type: 'text', value: '미국과 중국이 ' },
      { type: 'strong', children: [{ type: 'text', value: '90%' }] },
      { type: 'text', value: '를 보유' },
    ]);
  });

  it('loadEdition throws one error listing every problem, naming the file', async () => {
    await expect(loadEdition('content/no-such-edition.md')).rejects.toThrow(
      'content/no-such-edition.md: no such file — check the path (editions live in content/)',
    );
  });
});
