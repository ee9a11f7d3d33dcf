import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { loadEdition } from '../../src/content/load-edition.ts';
import { renderEmail } from '../../src/render/render-email.ts';
import { browserAvailable, launchChromium } from '../support/browser.ts';
import { contrasts, layoutCasesAtWidths } from '../support/layout-probes.ts';

const run = browserAvailable();
const html = (await renderEmail(await loadEdition('content/2025-07-08-ai-issues-2025-h1.md'), { engine: 'mjml' })).html;

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

describe.runIf(run)('the sample email from MJML in Chromium', () => {
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

  /** The index cards: one mj-column each (`css-class="nl-index-col"`). */
  async function cards(page: Page): Promise<{ boxes: Box[]; clientWidth: number }> {
    return page.evaluate(() => ({
      boxes: [...document.querySelectorAll('.nl-index-col')].map((el) => {
        const r = el.getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width, height: r.height };
      }),
      clientWidth: document.documentElement.clientWidth,
    }));
  }

  layoutCasesAtWidths(open, '서비스 소개서 받기');

  for (const width of [320, 375]) {
    it(`stacks the index cards one per row at ${width} px`, async () => {
      const page = await open(width);
      const { boxes, clientWidth } = await cards(page);
      expect(boxes).toHaveLength(4);
      const [first, second] = boxes as [Box, Box];
      expect(second.y).toBeGreaterThanOrEqual(first.y + first.height - 1);
      for (const box of boxes) expect(box.width).toBeGreaterThan(clientWidth * 0.85);
      await page.close();
    });
  }

  it('sets the index cards side by side, two to a row, at 800 px', async () => {
    const page = await open(800);
    const { boxes } = await cards(page);
    expect(boxes).toHaveLength(4);
    const [first, second, third] = boxes as [Box, Box, Box];
    expect(Math.abs(second.y - first.y)).toBeLessThan(1);
    expect(second.x).toBeGreaterThanOrEqual(first.x + first.width - 1);
    expect(first.width).toBeGreaterThan(250);
    expect(first.width).toBeLessThan(320);
    expect(third.y).toBeGreaterThan(first.y);
    await page.close();
  });

  it('keeps text readable in dark mode (contrast ≥ 7:1 on paragraphs, ≥ 4.5:1 on the button and index cards)', async () => {
    const page = await open(375, 'dark');
    const found = await contrasts(page, { paragraph: 'p.nl-text', button: '.nl-cta a', card: '.nl-index-col .nl-text' });
    const ratios = {
      paragraph: found.paragraph!.ratio,
      button: found.button!.ratio,
      card: found.card!.ratio,
      page: found.paragraph!.background,
      cardBackground: found.card!.background,
      ...(await page.evaluate(() => ({
        body: getComputedStyle(document.body).backgroundColor,
        // MJML repeats the page colour on a wrapper <div> inside <body>.
        wrapper: getComputedStyle(document.querySelector('body > div[role="article"]')!).backgroundColor,
        rule: getComputedStyle(document.querySelector('.nl-rule p')!).borderTopColor,
      }))),
    };
    expect(ratios.page).toBe('rgb(27, 30, 36)'); // theme.dark.card
    expect(ratios.cardBackground).toBe('rgb(35, 40, 56)'); // theme.dark.soft
    expect(ratios.body).toBe('rgb(17, 19, 24)'); // theme.dark.page
    expect(ratios.wrapper).toBe('rgb(17, 19, 24)');
    expect(ratios.rule).toBe('rgb(46, 51, 60)'); // theme.dark.rule
    expect(ratios.paragraph).toBeGreaterThanOrEqual(7);
    expect(ratios.button).toBeGreaterThanOrEqual(4.5);
    expect(ratios.card).toBeGreaterThanOrEqual(7);
    await page.close();
  });
});
