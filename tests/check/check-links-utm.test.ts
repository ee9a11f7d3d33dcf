import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { checkEdition } from '../../src/check/check-edition.ts';
import { parseEdition } from '../../src/content/load-edition.ts';
import { renderEmail } from '../../src/render/render-email.ts';

/**
 * The links check runs on the rendered email, so it sees the links readers click, UTM
 * tags included (render/utm-links.ts); it judges and locates them as the author wrote them.
 */
const FIXTURE = 'tests/check/fixtures/2025-01-06-good.md';
const good = await readFile(FIXTURE, 'utf8');

async function linkFindings(source: string, file: string) {
  const result = parseEdition(source, file);
  if (!result.ok) throw new Error(result.problems.join('\n'));
  const email = await renderEmail(result.edition);
  return checkEdition({ edition: result.edition, email, file, source }).findings.filter((f) => f.check === 'links');
}

describe('the links check on UTM-tagged links', () => {
  it('quotes a bad link as readers get it, tags included, and points at the line the author wrote it on', async () => {
    const source = good.replace(/\n## /, '\n자료는 [보고서](https://example.com/report?id=3) 참고.\n\n## ');
    const line = source.split('\n').findIndex((l) => l.includes('https://example.com/report')) + 1;
    const findings = await linkFindings(source, 'content/2025-01-06-good.md');
    // One finding: the text part spells out the same link, and each address is reported once.
    expect(findings).toEqual([
      {
        check: 'links',
        severity: 'error',
        // Long addresses are cut at 80 characters, tags included.
        message: 'the link "https://example.com/report?id=3&utm_source=newsletter&utm_medium=email&utm_ca…" points at example.com, a placeholder host — write the real address (link text "보고서")',
        where: `content/2025-01-06-good.md:${line}`,
      },
    ]);
  });

  it('does not take the campaign slug in the tags for a placeholder word (a slug such as …-todo-list)', async () => {
    expect(await linkFindings(good, 'content/2025-01-06-todo-list.md')).toEqual([]);
    // Not vacuous: the same word in a link the author wrote is one.
    const authored = good.replace(/\n## /, '\n[목록](https://may-i.io/todo-list) 참고.\n\n## ');
    expect((await linkFindings(authored, 'content/2025-01-06-todo-list.md')).map((f) => f.message)).toEqual([
      'the link "https://may-i.io/todo-list?utm_source=newsletter&utm_medium=email&utm_campaig…" looks like a placeholder — write the real address (link text "목록")',
    ]);
  });

  it('quotes the link as written under utm: false', async () => {
    const source = good.replace('\n---\n', '\nutm: false\n---\n').replace(/\n## /, '\n[보고서](https://example.com/report) 참고.\n\n## ');
    const findings = await linkFindings(source, 'content/2025-01-06-good.md');
    expect(findings.map((f) => f.message)).toEqual([
      'the link "https://example.com/report" points at example.com, a placeholder host — write the real address (link text "보고서")',
    ]);
    expect(findings[0]?.where).toMatch(/^content\/2025-01-06-good\.md:\d+$/);
  });
});
