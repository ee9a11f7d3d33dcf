import { describe, expect, it } from 'vitest';
import { frameVariants, preferDark } from '../../src/preview/frame-variants.ts';

const email =
  '<!doctype html><html><head><style>.a{color:#111}@media (prefers-color-scheme: dark){.a{color:#eee!important}}' +
  '@media screen and (prefers-color-scheme:light){.b{color:red}}</style></head>' +
  '<body><picture><source media="(prefers-color-scheme: dark)" srcset="https://may-i.io/logo-dark.png"><img src="https://may-i.io/logo.png" alt="로고" width="120"></picture></body></html>';

describe('preferDark', () => {
  it('makes the dark conditions always hold and the light ones never, wherever they are written', () => {
    const dark = preferDark(email);
    expect(dark).toContain('@media (color){.a{color:#eee!important}}');
    expect(dark).toContain('@media screen and (monochrome){.b{color:red}}');
    expect(dark).toContain('<source media="(color)" srcset="https://may-i.io/logo-dark.png">');
    expect(dark).not.toMatch(/prefers-color-scheme/);
  });
});

describe('frameVariants', () => {
  it('opens links outside the frame and marks each variant in <head>', () => {
    const v = frameVariants(email);
    for (const html of [v.light, v.dark, v.inverted]) expect(html).toMatch(/<base target="_blank">(<style data-preview="\w+">[^<]*<\/style>)?<\/head>/);
    expect(v.light).not.toContain('data-preview');
    expect(v.dark).toContain('<style data-preview="dark">:root{color-scheme:dark!important}</style>');
    expect(v.inverted).toContain('img,picture,video{filter:invert(1) hue-rotate(180deg)}');
    // The inverted frame keeps the email's own (light) styles: the client ignores its dark ones.
    expect(v.inverted).toContain('@media (prefers-color-scheme: dark)');
  });

  it('puts the markup first when the email has no <head>', () => {
    expect(frameVariants('<p>안녕</p>').light).toBe('<base target="_blank"><p>안녕</p>');
  });
});
