import { describe, expect, it } from 'vitest';
import { checkClientSupport } from '../../src/check/check-client-support.ts';

const html = (body: string) =>
  `<!doctype html><html><head><style>@media (prefers-color-scheme: dark){.a{color:#fff!important}} .b{border-radius:4px}</style></head><body>${body}</body></html>`;

describe('checkClientSupport (caniemail via doiuse-email)', () => {
  it('gives one finding per feature, naming the clients that lack it and the caniemail page', () => {
    const findings = checkClientSupport(html('<p class="a">하나</p><p class="b">둘</p>'));
    const features = findings.map((f) => f.support?.feature);
    expect(new Set(features).size).toBe(features.length);
    const media = findings.find((f) => f.support?.feature === '@media');
    expect(media?.severity).toBe('warning');
    expect(media?.support?.unsupported).toContain('Outlook (Windows)');
    expect(media?.support?.url).toBe('https://www.caniemail.com/features/css-at-media/');
    expect(media?.message).toMatch(/^@media \(used 1×\): not supported in .*Outlook \(Windows/);
    const radius = findings.find((f) => f.support?.feature === 'border-radius');
    expect(radius?.support?.unsupported).toEqual(expect.arrayContaining(['Outlook (Windows)', 'Outlook (Windows Mail)']));
    // Only the four families asked for.
    for (const f of findings) {
      for (const client of [...(f.support?.unsupported ?? []), ...(f.support?.partial ?? [])]) {
        expect(client).toMatch(/^(Gmail|Apple Mail|Outlook|Yahoo) \(/);
      }
    }
  });

  it('keeps partial support as info, with caniemail\'s notes and who they are about', () => {
    const findings = checkClientSupport(html('<p style="color:#1f2329 !important">하나</p>'));
    const important = findings.find((f) => f.support?.feature === '!important keyword');
    expect(important?.severity).toBe('info');
    expect(important?.support?.notes.some((n) => n.startsWith('Gmail (web)') && n.includes('lowercase'))).toBe(true);
  });

  it('answers a prose-only change from the cache with the same findings', () => {
    const first = checkClientSupport(html('<p class="a">첫 문장</p>'));
    const started = performance.now();
    const second = checkClientSupport(html('<p class="a">고친 문장입니다</p>'));
    expect(performance.now() - started).toBeLessThan(20);
    expect(second).toEqual(first);
  });
});
