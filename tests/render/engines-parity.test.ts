import { describe, expect, it } from 'vitest';
import { loadEdition } from '../../src/content/load-edition.ts';
import type { Edition } from '../../src/content/schema.ts';
import { renderEmail } from '../../src/render/render-email.ts';

/**
 * The two engines must carry the same content. From each engine's HTML we pull what a
 * reader reads — headings, paragraphs, list items, figures (images) and link targets —
 * with a few regular expressions over the markup both templates write (both lay lists
 * out as a marker cell and a text cell), and compare them as sets: layout differs by
 * design, words and links must not.
 */
interface Content {
  headings: string[];
  paragraphs: string[];
  listItems: string[];
  figures: string[];
  links: string[];
}

function decode(html: string): string {
  return html
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replaceAll('&quot;', '"')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&nbsp;', '\u00a0')
    .replaceAll('&amp;', '&');
}

/** An element's text: tags dropped, entities decoded, whitespace collapsed. */
function text(inner: string): string {
  return decode(inner.replace(/<[^>]*>/g, ''))
    .replace(/\s+/g, ' ')
    .trim();
}

function attribute(tag: string, name: string): string {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m ? decode(m[1]!) : '';
}

export function extractContent(html: string): Content {
  // React leaves <!-- --> between adjacent text pieces; MJML leaves Outlook conditionals.
  const body = html.slice(html.search(/<body\b/)).replace(/<!--[\s\S]*?-->/g, '');
  // Empty elements carry no content (MJML draws its divider as an empty <p> with a border).
  const all = (re: RegExp, pick: (m: RegExpMatchArray) => string) =>
    [...body.matchAll(re)]
      .map(pick)
      .filter((value) => value !== '')
      .sort();
  return {
    headings: all(/<h([1-6])\b[^>]*>([\s\S]*?)<\/h\1>/g, (m) => text(m[2]!)),
    paragraphs: all(/<p\b[^>]*>([\s\S]*?)<\/p>/g, (m) => text(m[1]!)),
    listItems: all(/<tr\b[^>]*>\s*<td\b[^>]*>\s*(?:•|\d+\.)\s*<\/td>\s*<td\b[^>]*>([\s\S]*?)<\/td>\s*<\/tr>/g, (m) => text(m[1]!)),
    figures: all(/<img\b[^>]*>/g, (m) => `${attribute(m[0], 'src')} | ${attribute(m[0], 'alt')}`),
    links: [...new Set(all(/<a\b[^>]*>/g, (m) => attribute(m[0], 'href')))].sort(),
  };
}

const sample = await loadEdition('content/2025-07-08-ai-issues-2025-h1.md');

/** The sample with what it lacks: a logo, a figure in an issue, inline code, an ordered list. */
const fuller: Edition = {
  ...sample,
  publisher: { ...sample.publisher, logo: { src: 'https://example.com/logo.png', alt: '메이아이 로고', width: 120 } },
  sections: sample.sections.map((section, i) =>
    i === 0
      ? {
          ...section,
          blocks: [
            ...section.blocks,
            { type: 'image' as const, line: 1, src: 'https://example.com/chart.png', alt: '엔비디아 주가 그래프', width: 552 },
            { type: 'paragraph' as const, line: 2, children: [{ type: 'text' as const, value: '모델 이름은 ' }, { type: 'code' as const, value: 'DeepSeek-R1' }, { type: 'text' as const, value: '입니다.' }] },
            { type: 'list' as const, line: 3, ordered: true, items: [[{ type: 'text' as const, value: '첫째 & 둘째' }], [{ type: 'text' as const, value: '"셋째" <넷째>' }]] },
          ],
        }
      : section,
  ),
};

describe.each([
  ['the sample edition', sample],
  ['the sample with a logo, a figure, code and an ordered list', fuller],
])('React Email and MJML carry the same content: %s', (_, edition) => {
  it('has the same headings, paragraphs, list items, figures and links', async () => {
    const react = extractContent((await renderEmail(edition, { engine: 'react' })).html);
    const mjml = extractContent((await renderEmail(edition, { engine: 'mjml' })).html);
    // Not vacuous: the extraction finds the content in the first place.
    // The title (the one h1), then one h2 per issue and per closing section.
    expect(react.headings).toHaveLength(1 + edition.sections.length + edition.closing.length);
    const items = [...edition.intro, ...edition.sections.flatMap((s) => s.blocks), ...edition.closing.flatMap((s) => s.blocks)]
      .map((block) => (block.type === 'list' ? block.items.length : 0))
      .reduce((a, b) => a + b, 0);
    expect(react.listItems).toHaveLength(items);
    expect(react.links).toContain('{{unsubscribe_url}}');
    expect(react.paragraphs).toContain('{{greeting}}');
    expect(mjml).toEqual(react);
  });

  it('shares the text part, which is built from the edition', async () => {
    const react = await renderEmail(edition, { engine: 'react' });
    const mjml = await renderEmail(edition, { engine: 'mjml' });
    expect(mjml.text).toBe(react.text);
    expect({ ...mjml, html: '' }).toEqual({ ...react, html: '' });
  });
});

it('the fuller edition does have its figures (the comparison above is not of empty sets)', async () => {
  const { figures } = extractContent((await renderEmail(fuller, { engine: 'mjml' })).html);
  expect(figures).toEqual(['https://example.com/chart.png | 엔비디아 주가 그래프', 'https://example.com/logo.png | 메이아이 로고']);
});
