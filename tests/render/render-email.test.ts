import { describe, expect, it } from 'vitest';
import { loadEdition } from '../../src/content/load-edition.ts';
import { MERGE_SLOT } from '../../src/content/schema.ts';
import { buildEdition, GMAIL_CLIP_BYTES } from '../../src/render/build-edition.ts';
import { renderEmail } from '../../src/render/render-email.ts';
import { withUtm } from '../../src/render/utm-links.ts';
import { attributes } from '../support/html-attributes.ts';

const SAMPLE = 'content/2025-07-08-ai-issues-2025-h1.md';
const edition = await loadEdition(SAMPLE);
const email = await renderEmail(edition);

describe('renderEmail (React Email) on the sample edition', () => {
  it('matches the reviewed HTML and text snapshots', async () => {
    await expect(email.html).toMatchFileSnapshot('__snapshots__/sample.email.html');
    await expect(email.text).toMatchFileSnapshot('__snapshots__/sample.email.txt');
  });

  it('declares Korean, a preheader and dark-mode support', () => {
    expect(email.html).toMatch(/<html[^>]*\slang="ko"/);
    expect(email.html).toContain(edition.preheader);
    expect(email.html.indexOf(edition.preheader)).toBeLessThan(email.html.indexOf('첫 번째 이슈'));
    expect(email.html).toContain('<meta name="color-scheme" content="light dark"');
    expect(email.html).toContain('@media (prefers-color-scheme: dark)');
  });

  it('keeps Hangul words whole', () => {
    expect(email.html).toContain('word-break:keep-all');
  });

  it('lays out with presentation tables only', () => {
    const tables = [...email.html.matchAll(/<table\b[^>]*>/g)].map((m) => m[0]);
    expect(tables.length).toBeGreaterThan(3);
    for (const table of tables) expect(table).toContain('role="presentation"');
  });

  it('gives every link an absolute https URL, a mailto: or a merge slot', () => {
    const hrefs = attributes(email.html, 'a', 'href');
    expect(hrefs.length).toBeGreaterThan(5);
    for (const href of hrefs) expect(href).toMatch(/^(https:\/\/[^\s]+|mailto:[^\s]+@[^\s]+|\{\{\w+\}\})$/);
    expect(hrefs).toContain('{{unsubscribe_url}}');
    expect(hrefs).toContain('{{web_url}}');
  });

  it('gives every image alt, width and an https src', async () => {
    const { html } = await renderEmail({
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
  });

  it('numbers the issues in Korean and lists them in an index', () => {
    for (const label of ['첫 번째 이슈', '두 번째 이슈', '세 번째 이슈', '네 번째 이슈']) expect(email.html).toContain(label);
    expect(email.html).toContain('이번 호에서 다룬 4가지');
    expect(email.text).toContain('첫 번째 이슈\n딥시크 쇼크');
  });

  it('carries the call to action as a bulletproof table button', () => {
    const cta = edition.cta!;
    // The button links where the CTA says, with the campaign's UTM tags, `&` escaped in the attribute.
    const href = withUtm(cta.url, edition.slug).replaceAll('&', '&amp;').replace(/[.?*+^$()[\]{}|\\]/g, '\\$&');
    const button = new RegExp(`<td[^>]*bgcolor="#[0-9a-f]{6}"[^>]*>\\s*<a href="${href}"[^>]*>${cta.label}</a>`);
    expect(email.html).toMatch(button);
    expect(email.html).toContain('mso-padding-alt');
    expect(email.html).toContain('<!--[if mso]><table role="presentation" width="600"');
  });

  it('leaves merge slots for the send step, in HTML and text', () => {
    for (const part of [email.html, email.text]) {
      const slots = new Set([...part.matchAll(MERGE_SLOT)].map((m) => m[1]));
      expect(slots).toEqual(new Set(['greeting', 'web_url', 'unsubscribe_url']));
    }
    expect(email.greeting).toEqual({ named: '{{name}}님, 안녕하세요.', anonymous: '안녕하세요.' });
  });

  it('puts the sender identity and 수신거부 in the footer, after the content', () => {
    const footer = email.html.slice(email.html.lastIndexOf(edition.cta!.label));
    expect(footer).toContain(edition.from.name);
    expect(footer).toContain(`이메일 ${edition.contact.email}`);
    expect(footer).toContain('수신거부 Unsubscribe');
    expect(footer).toContain('웹에서 보기');
    for (const tag of edition.tags) expect(footer).toContain(`#${tag}`);
  });

  it('begins an advertisement subject with (광고)', () => {
    expect(edition.advertisement).toBe(true);
    expect(email.subject.startsWith('(광고)')).toBe(true);
    expect(email.text.startsWith('(광고)')).toBe(true);
  });

  it('stays well under Gmail’s clipping size', () => {
    expect(Buffer.byteLength(email.html)).toBeLessThan(60 * 1024);
    expect(GMAIL_CLIP_BYTES).toBe(104_448);
  });

  it('writes a text part for reading: spelled-out links, bullets, no HTML', () => {
    expect(email.text).not.toMatch(/<[a-z]/i);
    const tagged = withUtm('https://may-i.io', edition.slug);
    expect(email.text).toContain(`자세히 보기: ${tagged}\n`);
    expect(email.text).toContain(`▶ 서비스 소개서 받기: ${tagged}\n`);
    expect(email.text).toMatch(/^ {2}• .*17%/m);
    expect(email.text).toContain('수신거부 Unsubscribe: {{unsubscribe_url}}');
  });
});

describe('buildEdition', () => {
  it('writes a web version with no merge slots and no personal links', async () => {
    const built = await buildEdition(edition, { webUrl: 'https://news.example.com/archive/x' });
    expect(built.web).not.toMatch(MERGE_SLOT);
    expect(built.web).toContain(edition.greeting.anonymous);
    expect(built.web).toContain('href="https://news.example.com/archive/x"');
    expect(built.web).toContain('mailto:contact@may-i.io?subject=');
    expect(built.htmlBytes).toBe(Buffer.byteLength(built.email.html));
    expect(built.warnings).toEqual([]);
  });

  it('renders the web version with the edition’s engine', async () => {
    const react = await buildEdition(edition);
    const mjml = await buildEdition(edition, { engine: 'mjml' });
    expect(react.web).not.toContain('mj-column');
    expect(mjml.web).toMatch(/class="mj-column-per-50/);
    expect(mjml.web).not.toMatch(MERGE_SLOT);
  });

  it('warns of a custom merge slot and of size past half the clip', async () => {
    const padded = {
      ...edition,
      intro: [
        { type: 'paragraph' as const, line: 1, children: [{ type: 'text' as const, value: '{{company}} 담당자님께' }] },
        ...Array.from({ length: 120 }, () => edition.sections[0]!.blocks[0]!),
      ],
    };
    const { warnings } = await buildEdition(padded);
    expect(warnings.some((w) => w.includes('merge slot {{company}}'))).toBe(true);
    expect(warnings.some((w) => w.includes("past half of Gmail's"))).toBe(true);
  });
});
