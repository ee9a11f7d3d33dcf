import { describe, expect, it } from 'vitest';
import { loadEdition } from '../../src/content/load-edition.ts';
import { MERGE_SLOT, type Edition } from '../../src/content/schema.ts';
import { renderEmail } from '../../src/render/render-email.ts';
import { renderMjml } from '../../src/render/render-mjml.ts';
import { withUtm } from '../../src/render/utm-links.ts';
import { attributes } from '../support/html-attributes.ts';

const SAMPLE = 'content/2025-07-08-ai-issues-2025-h1.md';
const edition = await loadEdition(SAMPLE);
const email = await renderEmail(edition, { engine: 'mjml' });

describe('renderEmail with the MJML engine on the sample edition', () => {
  it('matches the reviewed HTML and text snapshots', async () => {
    await expect(email.html).toMatchFileSnapshot('__snapshots__/sample.mjml.email.html');
    await expect(email.text).toMatchFileSnapshot('__snapshots__/sample.mjml.email.txt');
  });

  it('declares Korean, the subject as title, a preheader before the content and dark-mode support', () => {
    expect(email.html).toMatch(/<html[^>]*\slang="ko"/);
    expect(email.html).toContain(`<title>${edition.subject}</title>`);
    const preheader = email.html.indexOf(edition.preheader);
    expect(preheader).toBeGreaterThan(email.html.indexOf('<body'));
    expect(preheader).toBeLessThan(email.html.indexOf('{{greeting}}'));
    expect(email.html).toContain('<meta name="color-scheme" content="light dark" />');
    expect(email.html).toContain('<meta name="supported-color-schemes" content="light dark" />');
    expect(email.html).toContain('@media (prefers-color-scheme: dark){.nl-page,.nl-page>div{background-color:#111318!important}');
    expect(email.html).toContain('[data-ogsc] .nl-text{color:#e9ebef!important}');
  });

  it('uses the theme: font stack, page and card colours, accent', () => {
    expect(email.html).toContain("font-family:'Apple SD Gothic Neo','Malgun Gothic','맑은 고딕'");
    expect(email.html).toContain('background-color:#f3f4f6');
    expect(email.html).toContain('background-color:#ffffff');
    expect(email.html).toContain('color:#3454d1');
  });

  it('loads no web fonts (MJML would link Google Fonts for Roboto in the stack)', () => {
    expect(email.html).not.toMatch(/<link\b|@import|googleapis/);
  });

  it('keeps Hangul words whole in every text element it writes', () => {
    const texts = [...email.html.matchAll(/<(?:p|h2|div)\b[^>]*class="nl-(?:text|muted|link)[^"]*"[^>]*>/g)].map((m) => m[0]);
    expect(texts.length).toBeGreaterThan(20);
    for (const tag of texts) expect(tag).toContain('word-break:keep-all');
  });

  it('lays out with presentation tables only', () => {
    const tables = [...email.html.matchAll(/<table\b[^>]*>/g)].map((m) => m[0]);
    expect(tables.length).toBeGreaterThan(10);
    for (const table of tables) expect(table).toContain('role="presentation"');
  });

  it('stacks the index cards below 480 px: two 50 % columns above it', () => {
    expect(email.html).toMatch(/@media only screen and \(min-width:480px\) \{[^@]*\.mj-column-per-50 \{ width:50% !important; max-width: 50%; \}/);
    const cards = [...email.html.matchAll(/<div\s+class="mj-column-per-50 [^"]*nl-index-col"/g)];
    expect(cards).toHaveLength(edition.sections.length);
  });

  it('gives every link an absolute https URL, a mailto: or a merge slot', () => {
    const hrefs = attributes(email.html, 'a', 'href');
    expect(hrefs.length).toBeGreaterThan(5);
    for (const href of hrefs) expect(href).toMatch(/^(https:\/\/[^\s]+|mailto:[^\s]+@[^\s]+|\{\{\w+\}\})$/);
    expect(hrefs).toContain('{{unsubscribe_url}}');
    expect(hrefs).toContain('{{web_url}}');
    expect(hrefs).toContain('mailto:contact@may-i.io');
  });

  it('gives every image alt, width and an https src', async () => {
    const html = await renderMjml({
      ...edition,
      publisher: { ...edition.publisher, logo: { src: 'https://example.com/logo.png', alt: '메이아이', width: 120 } },
      intro: [...edition.intro, { type: 'image', line: 1, src: 'https://example.com/a.png', alt: '매장 분석 화면', width: 552 }],
    });
    const images = [...html.matchAll(/<img\b[^>]*>/g)].map((m) => m[0]);
    expect(images).toHaveLength(2);
    for (const img of images) {
      expect(img).toMatch(/\salt="[^"]+"/);
      expect(img).toMatch(/\swidth="\d+"/);
      expect(img).toMatch(/\ssrc="https:\/\//);
    }
    expect(html).toMatch(/<a href="https:\/\/may-i\.io"[^>]*><img alt="메이아이"/);
  });

  it('numbers the issues in Korean and lists them in the index, 01 to 04', () => {
    for (const label of ['첫 번째 이슈', '두 번째 이슈', '세 번째 이슈', '네 번째 이슈']) expect(email.html).toContain(label);
    expect(email.html).toContain('이번 호에서 다룬 4가지');
    edition.sections.forEach((section, i) => {
      expect(email.html).toMatch(new RegExp(`>0${i + 1}</div><div class="nl-text"[^>]*>${section.heading}</div>`));
      expect(email.html).toContain(`<h2 id="${section.id}" class="nl-text"`);
    });
  });

  it('renders bullets and read-more links', () => {
    expect(email.html).toMatch(/<td class="nl-link" valign="top" width="22"[^>]*>•<\/td><td class="nl-text"[^>]*>개발비: 챗GPT 개발비의 <strong>5%<\/strong> 안팎<\/td>/);
    expect(email.html.match(/>자세히 보기 →<\/a>/g)).toHaveLength(4);
  });

  it('carries the call to action as a bulletproof button, and Outlook conditionals', () => {
    const cta = edition.cta!;
    // The button links where the CTA says, with the campaign's UTM tags, `&` escaped in the attribute.
    const href = withUtm(cta.url, edition.slug).replaceAll('&', '&amp;').replace(/[.?*+^$()[\]{}|\\]/g, '\\$&');
    expect(email.html).toMatch(new RegExp(`<td align="center" bgcolor="#3454d1" role="presentation" style="[^"]*mso-padding-alt:14px 30px;[^"]*"[^>]*><a href="${href}"[^>]*>`));
    expect(email.html).toContain(`>${cta.label}</span></a>`);
    expect(email.html).toContain('<!--[if mso | IE]><table align="center"');
  });

  it('leaves merge slots for the send step, in HTML and text', () => {
    for (const part of [email.html, email.text]) {
      const slots = new Set([...part.matchAll(MERGE_SLOT)].map((m) => m[1]));
      expect(slots).toEqual(new Set(['greeting', 'web_url', 'unsubscribe_url']));
    }
  });

  it('puts the tags, sender identity, 웹에서 보기 and 수신거부 in the footer, after the content', () => {
    const footer = email.html.slice(email.html.lastIndexOf(edition.cta!.label));
    for (const tag of edition.tags) expect(footer).toContain(`#${tag}`);
    expect(footer).toContain(`<strong>${edition.from.name}</strong> · 이메일 ${edition.contact.email}`);
    expect(footer).toContain('광고성 정보입니다');
    expect(footer).toMatch(/<a href="\{\{web_url\}\}"[^>]*>웹에서 보기<\/a>/);
    expect(footer).toMatch(/<a href="\{\{unsubscribe_url\}\}"[^>]*>수신거부 Unsubscribe<\/a>/);
  });

  it('stays under half of Gmail’s clipping size', () => {
    expect(Buffer.byteLength(email.html)).toBeLessThan(51 * 1024);
  });

  it('fills the slots with real values for a web version', async () => {
    const html = await renderMjml(edition, { greeting: '안녕하세요.', webUrl: 'https://example.com/archive/x', unsubscribeUrl: 'mailto:contact@may-i.io' });
    expect(html).not.toMatch(MERGE_SLOT);
    expect(html).toContain('>안녕하세요.</p>');
    expect(html).toContain('href="https://example.com/archive/x"');
  });
});

describe('the MJML template on other editions', () => {
  it('renders the minimal fixture: one issue, no tagline, CTA, tags, closing or ad notice', async () => {
    const minimal = await loadEdition('tests/fixtures/editions/minimal.md');
    const html = await renderMjml(minimal);
    expect(html).toContain('>첫 번째 이슈</p>');
    expect(html).toContain('이번 호에서 다룬 1가지');
    expect(html).toContain('>2025년 1월 2일</p>');
    expect(html).not.toContain('광고성 정보');
    expect(html).not.toContain('class="nl-cta"');
    expect(html).not.toMatch(/<p[^>]*>#/);
    // A lone card takes half the row, like the others would, not the whole of it.
    expect([...html.matchAll(/class="mj-column-per-50 [^"]*nl-index-col"/g)]).toHaveLength(1);
  });

  it('puts an odd last card alone in its row', async () => {
    const html = await renderMjml({ ...edition, sections: edition.sections.slice(0, 3) });
    const rows = html.split('nl-card nl-grid"').slice(1).map((row) => row.split('nl-card nl-pad"')[0]!);
    expect(rows.map((row) => row.match(/nl-index-col"/g)?.length)).toEqual([2, 1]);
  });
});

describe('the MJML template escapes every text it is given', () => {
  const nasty = '<script>alert("x")</script> & "따옴표"';
  const hostile: Edition = {
    ...edition,
    subject: `(광고) ${nasty}`,
    preheader: nasty,
    contact: { address: nasty },
    tags: [nasty],
    publisher: { ...edition.publisher, name: nasty, tagline: nasty },
    cta: { label: nasty, url: 'https://example.com/?a=1&b="2"', text: nasty },
    sections: [
      {
        ...edition.sections[0]!,
        heading: nasty,
        more: { label: nasty, url: 'https://example.com/more?x=<y>' },
        blocks: [
          { type: 'paragraph', line: 1, children: [{ type: 'text', value: nasty }, { type: 'link', url: 'https://example.com/?q="&"', children: [{ type: 'text', value: nasty }] }] },
          { type: 'list', line: 2, ordered: false, items: [[{ type: 'code', value: nasty }]] },
          { type: 'image', line: 3, src: 'https://example.com/a.png?"x"', alt: nasty, width: 300 },
        ],
      },
    ],
  };

  it('writes no markup from the edition, and every occurrence survives MJML escaped', async () => {
    const html = await renderMjml(hostile);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('"x")');
    const escaped = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;따옴표&quot;';
    // subject (title, aria-label, h1), preheader, publisher ×2, heading ×3 (index, h2, the
    // read-more link's aria-label), paragraph, link, code, alt, more, CTA text and label, tag, contact.
    expect(html.split(escaped).length - 1).toBeGreaterThanOrEqual(17);
    expect(html).toContain('href="https://example.com/?a=1&amp;b=&quot;2&quot;"');
    expect(html).toContain('href="https://example.com/more?x=&lt;y&gt;"');
  });
});
