import { describe, expect, it } from 'vitest';
import { css, escapeHtml, fragment, h, Markup } from '../../emails/mjml/markup.ts';
import { NewsletterError } from '../../src/errors.ts';
import { compileMjml } from '../../src/render/render-mjml.ts';

describe('escapeHtml', () => {
  it('escapes &, <, > and " (in that order, so nothing is escaped twice)', () => {
    expect(escapeHtml('a & b <c> "d" \'e\'')).toBe('a &amp; b &lt;c&gt; &quot;d&quot; \'e\'');
    expect(escapeHtml('&lt;')).toBe('&amp;lt;');
  });
});

describe('h', () => {
  it('escapes text children and attribute values, and leaves Markup as it is', () => {
    expect(h('p', { class: 'x"y' }, '<b>', h('strong', null, 'A&B')).toString()).toBe('<p class="x&quot;y">&lt;b&gt;<strong>A&amp;B</strong></p>');
  });

  it('writes a newline in text as a space, so no text is only a newline between two tags', () => {
    expect(h('p', null, h('strong', null, 'a'), '\n', h('strong', null, 'b\r\nc')).toString()).toBe('<p><strong>a</strong> <strong>b c</strong></p>');
  });

  it('drops undefined, null and false attributes and children; flattens arrays', () => {
    expect(h('p', { a: undefined, b: null, c: false, d: 0 }, null, false, ['x', ['y', 1]]).toString()).toBe('<p d="0">xy1</p>');
  });

  it('self-closes empty MJML elements and HTML void elements', () => {
    expect(h('mj-breakpoint', { width: '480px' }).toString()).toBe('<mj-breakpoint width="480px" />');
    expect(h('br', null).toString()).toBe('<br />');
    expect(h('p', null).toString()).toBe('<p></p>');
  });

  it('puts MJML structure one element a line, and keeps text content on one line', () => {
    expect(h('mj-column', null, h('mj-text', null, 'a'), h('mj-text', null, 'b')).toString()).toBe(
      '<mj-column><mj-text>a</mj-text>\n<mj-text>b</mj-text></mj-column>',
    );
    expect(h('mj-text', null, h('p', null, 'a'), h('p', null, 'b')).toString()).toBe('<mj-text><p>a</p><p>b</p></mj-text>');
    expect(fragment(h('p', null, 'a'), h('p', null, 'b')).toString()).toBe('<p>a</p>\n<p>b</p>');
  });

  it('accepts https, mailto: and merge-slot links, and refuses anything else', () => {
    for (const href of ['https://example.com/a?b=1', 'mailto:contact@example.com', '{{unsubscribe_url}}', '{{ web_url }}']) {
      expect(h('a', { href }, 'x').toString()).toContain('href=');
    }
    for (const href of ['javascript:alert(1)', 'http://example.com', '/relative', '//example.com', 'https://example.com/a b', '{{web url}}']) {
      expect(() => h('a', { href }, 'x')).toThrow(NewsletterError);
    }
    expect(() => h('mj-button', { href: 'http://example.com' }, 'x')).toThrow(/is not an absolute https:\/\/ URL, a mailto: address or a merge slot/);
  });

  it('accepts only https image sources', () => {
    expect(h('mj-image', { src: 'https://example.com/a.png', alt: 'a' }).toString()).toBe('<mj-image src="https://example.com/a.png" alt="a" />');
    expect(() => h('mj-image', { src: 'http://example.com/a.png', alt: 'a' })).toThrow(expect.objectContaining({ code: 'unsafe-link' }));
  });

  it('cannot be fooled by a string that looks like markup: only Markup instances pass unescaped', () => {
    const pretend = '<mj-raw><script></script></mj-raw>';
    expect(h('mj-text', null, pretend).toString()).toBe('<mj-text>&lt;mj-raw&gt;&lt;script&gt;&lt;/script&gt;&lt;/mj-raw&gt;</mj-text>');
    expect(h('mj-text', null, Markup.literal('<br />')).toString()).toBe('<mj-text><br /></mj-text>');
  });
});

describe('css', () => {
  it('writes a style attribute value and skips undefined properties', () => {
    expect(css({ 'font-size': '16px', margin: 0, color: undefined })).toBe('font-size:16px;margin:0');
  });
});

describe('compileMjml', () => {
  it('compiles a valid document', async () => {
    const html = await compileMjml('<mjml><mj-body><mj-section><mj-column><mj-text>안녕</mj-text></mj-column></mj-section></mj-body></mjml>', 'a test');
    expect(html).toContain('안녕');
    expect(html).toMatch(/^<!doctype html>/);
  });

  it('trims MJML’s indentation but keeps the space between two inline elements', async () => {
    const text = h('mj-text', null, h('p', null, h('strong', null, '가'), '\n', h('em', null, '나')));
    const html = await compileMjml(`<mjml><mj-body><mj-section><mj-column>${text}</mj-column></mj-section></mj-body></mjml>`, 'a test');
    expect(html).toContain('<p><strong>가</strong> <em>나</em></p>');
    expect(html).not.toMatch(/>\n\s*</);
    expect(html).not.toMatch(/<[a-z][^<>]*\n[^<>]*>/);
  });

  it('refuses an invalid document (strict validation) with a NewsletterError naming each line and tag', async () => {
    const source = [
      '<mjml>',
      '<mj-body>',
      '<mj-section>',
      '<mj-text>not in a column</mj-text>',
      '<mj-column colour="red"><mj-text>x</mj-text></mj-column>',
      '</mj-section>',
      '</mj-body>',
      '</mjml>',
    ].join('\n');
    const error = await compileMjml(source, 'a test').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NewsletterError);
    const e = error as NewsletterError;
    expect(e.code).toBe('mjml-invalid');
    expect(e.message).toContain('MJML rejected the document made by a test (2 problems)');
    expect(e.problems).toEqual([
      'line 4 <mj-text>: mj-text cannot be used inside mj-section, only inside: mj-attributes, mj-column, mj-hero — in `<mj-text>not in a column</mj-text>`',
      'line 5 <mj-column>: Attribute colour is illegal — in `<mj-column colour="red"><mj-text>x</mj-text></mj-column>`',
    ]);
  });

  it('turns any other MJML failure into a NewsletterError too', async () => {
    await expect(compileMjml('<p>no mjml root</p>', 'a test')).rejects.toMatchObject({ code: expect.stringMatching(/^mjml-/) });
  });
});
