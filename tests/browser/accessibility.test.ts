import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { checkAccessibility } from '../../src/check/check-accessibility.ts';
import { runAxe } from '../../src/check/run-axe.ts';
import { loadEdition } from '../../src/content/load-edition.ts';
import { renderEmail } from '../../src/render/render-email.ts';
import { browserAvailable, launchChromium } from '../support/browser.ts';

const run = browserAvailable();
const edition = await loadEdition('content/2025-07-08-ai-issues-2025-h1.md');
const title = '4가지로 정리하는 2025 상반기 AI 이슈';

describe.runIf(run)('accessibility of the sample email in Chromium (axe-core, contrast, EMC)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  describe.each(['react', 'mjml'] as const)('%s', (engine) => {
    it('has no serious or critical axe violation at 375 px in light and dark, and a level-one heading', async () => {
      const { html } = await renderEmail(edition, { engine });
      const runs = await runAxe(browser, html);
      expect(runs.map((r) => r.mode)).toEqual(['light', 'dark']);
      for (const r of runs) {
        expect(r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
        expect(r.passes).toContain('page-has-heading-one');
        expect(r.passes).toContain('color-contrast');
        expect(r.violations.map((v) => v.rule)).not.toContain('page-has-heading-one');
        // All text at 4.5:1 or more, large text included, in each mode and force-inverted.
        expect(r.lowContrast).toEqual([]);
      }
      expect(runs[0]?.inverted).toEqual([]);
    }, 60_000);

    it('wraps the content in a lang/dir article inside <body>, with one h1 (the title) and the subject as <title>', async () => {
      const { html } = await renderEmail(edition, { engine });
      const page = await browser.newPage();
      await page.setContent(html, { waitUntil: 'domcontentloaded' });
      const found = await page.evaluate(() => ({
        children: Array.from(document.body.children).map((e) => ({
          tag: e.tagName.toLowerCase(),
          role: e.getAttribute('role'),
          roledescription: e.getAttribute('aria-roledescription'),
          label: e.getAttribute('aria-label'),
          lang: e.getAttribute('lang'),
          dir: e.getAttribute('dir'),
        })),
        h1: Array.from(document.querySelectorAll('h1')).map((h) => h.textContent),
        headings: Array.from(document.querySelectorAll('h1,h2,h3')).map((h) => h.tagName),
        title: document.title,
        moreLabels: Array.from(document.querySelectorAll('a')).filter((a) => a.textContent?.includes('자세히 보기')).map((a) => a.getAttribute('aria-label')),
      }));
      await page.close();
      expect(found.children).toEqual([{ tag: 'div', role: 'article', roledescription: 'email', label: edition.subject, lang: 'ko', dir: 'ltr' }]);
      expect(found.h1).toEqual([title]);
      expect(found.headings[0]).toBe('H1');
      expect(found.headings.slice(1).every((h) => h === 'H2')).toBe(true);
      expect(found.title).toBe(edition.subject);
      expect(found.moreLabels).toEqual(edition.sections.map((s) => `자세히 보기: ${s.heading}`));
    }, 30_000);

    it('reports nothing at error or warning level through checkAccessibility', async () => {
      const { html } = await renderEmail(edition, { engine });
      const findings = await checkAccessibility(browser, html, edition.subject);
      expect(findings.filter((f) => f.severity !== 'info')).toEqual([]);
    }, 60_000);
  });

  it('finds what it is for: low contrast (light, dark, inverted), no h1, a vague link — serious ones as errors', async () => {
    // Grey on white: 2.8:1 in light; the dark style makes it dark-on-dark; inverted stays low.
    const html = `<!DOCTYPE html><html lang="ko"><head><title>t</title><style>@media (prefers-color-scheme: dark){p{color:#333!important;background:#222!important}}</style></head>
      <body><div lang="ko" dir="ltr"><p style="color:#999999;background:#ffffff">흐린 글씨</p><a href="https://x.io">자세히 보기</a></div></body></html>`;
    const runs = await runAxe(browser, html);
    expect(runs[0]?.violations.map((v) => [v.rule, v.impact])).toContainEqual(['color-contrast', 'serious']);
    expect(runs[0]?.lowContrast[0]).toMatchObject({ element: 'p', text: '흐린 글씨', ratio: 2.85 });
    expect(runs[1]?.lowContrast.map((l) => l.text)).toEqual(['흐린 글씨']);
    expect(runs[0]?.inverted?.map((l) => l.text)).toEqual(['흐린 글씨']);
    const findings = await checkAccessibility(browser, html, 't');
    const errors = findings.filter((f) => f.severity === 'error').map((f) => f.rule);
    expect(errors).toEqual(expect.arrayContaining(['emc/link-text', 'axe/color-contrast', 'contrast']));
    expect(findings.find((f) => f.rule === 'axe/color-contrast')?.url).toMatch(/^https:\/\/dequeuniversity\.com\/rules\/axe\/4\.14\/color-contrast/);
    expect(findings.map((f) => f.rule)).toContain('emc/one-h1');
  }, 60_000);

  it('says how to install Chromium when there is none, and still runs the EMC checks', async () => {
    const findings = await checkAccessibility(undefined, '<html><head><title>t</title></head><body><p>x</p></body></html>', 't');
    expect(findings.map((f) => f.rule)).toEqual(expect.arrayContaining(['emc/body-lang', 'emc/one-h1']));
    expect(findings.at(-1)?.message).toContain('apt-get install chromium');
  });
});
