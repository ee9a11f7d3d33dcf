import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { loadEdition } from '../../src/content/load-edition.ts';
import { renderEmail } from '../../src/render/render-email.ts';
import { browserAvailable, launchChromium } from '../support/browser.ts';
import { contrasts, layoutCasesAtWidths } from '../support/layout-probes.ts';

const run = browserAvailable();
const html = (await renderEmail(await loadEdition('content/2025-07-08-ai-issues-2025-h1.md'))).html;

describe.runIf(run)('the sample email in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function open(width: number, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height: 800 }, colorScheme });
    await page.setContent(html, { waitUntil: 'load' });
    return page;
  }

  layoutCasesAtWidths(open, '서비스 소개서 받기');

  it('keeps text readable in dark mode (contrast ≥ 7:1 on paragraphs, ≥ 4.5:1 on the button)', async () => {
    const page = await open(375, 'dark');
    const found = await contrasts(page, { paragraph: 'p.nl-text', button: '.nl-button a' });
    const ratios = { paragraph: found.paragraph!.ratio, button: found.button!.ratio, page: found.paragraph!.background };
    expect(ratios.page).not.toBe('rgb(255, 255, 255)');
    expect(ratios.paragraph).toBeGreaterThanOrEqual(7);
    expect(ratios.button).toBeGreaterThanOrEqual(4.5);
    await page.close();
  });

  it('darkens the page around the card too in dark mode, at desktop width', async () => {
    const page = await open(800, 'dark');
    // A point left of the 600 px card: what paints it must follow the dark styles, not
    // an inline light background on some wrapper cell.
    const luminance = await page.evaluate(() => {
      let el: Element | null = document.elementFromPoint(20, 400);
      for (; el; el = el.parentElement) {
        const bg = getComputedStyle(el).backgroundColor;
        if (bg !== 'rgba(0, 0, 0, 0)') return (bg.match(/\d+/g) ?? []).slice(0, 3).map(Number).reduce((a, b) => a + b, 0) / 3;
      }
      return 255;
    });
    expect(luminance).toBeLessThan(40);
    await page.close();
  });
});
