import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';

/**
 * Measurements the email browser tests take in the page, shared by both engines' tests.
 * Each runs inside Chromium (page.evaluate), so it sees the layout a reader would.
 */

/** Horizontal scroll: the document wider than the viewport. */
export function scrollWidths(page: Page): Promise<{ scrollWidth: number; clientWidth: number }> {
  return page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth }));
}

/**
 * Every line wrap inside a visible text node, and those that split two Hangul syllables
 * with no space between them: with `word-break: keep-all` there must be none.
 */
export function hangulWraps(page: Page): Promise<{ wraps: number; midWord: string[] }> {
  return page.evaluate(() => {
    const hangul = /[\uAC00-\uD7A3]/;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    let wraps = 0;
    const midWord: string[] = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent ?? '';
      const parent = node.parentElement;
      if (!parent || getComputedStyle(parent).display === 'none' || parent.closest('[data-skip-in-text], [style*="display:none"]')) continue;
      let lastTop: number | undefined;
      for (let i = 0; i < text.length; i++) {
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const rect = range.getClientRects()[0];
        if (!rect || rect.width === 0) continue;
        if (lastTop !== undefined && rect.top > lastTop + 2) {
          wraps++;
          if (hangul.test(text[i - 1] ?? '') && hangul.test(text[i]!)) midWord.push(text.slice(Math.max(0, i - 6), i + 6));
        }
        lastTop = rect.top;
      }
    }
    return { wraps, midWord };
  });
}

/**
 * For each selector, the WCAG contrast ratio of the first match's text against the
 * nearest painted background, and that background.
 */
export function contrasts(page: Page, selectors: Record<string, string>): Promise<Record<string, { ratio: number; background: string }>> {
  return page.evaluate((wanted) => {
    const rgb = (c: string) => (c.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number);
    const lum = (c: string) => {
      const [r, g, b] = rgb(c).map((v) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    const background = (el: Element | null): string => {
      for (; el; el = el.parentElement) {
        const bg = getComputedStyle(el).backgroundColor;
        if (bg !== 'rgba(0, 0, 0, 0)' && bg !== 'transparent') return bg;
      }
      return 'rgb(255, 255, 255)';
    };
    const out: Record<string, { ratio: number; background: string }> = {};
    for (const [name, selector] of Object.entries(wanted)) {
      const el = document.querySelector(selector);
      if (!el) throw new Error(`no element matches ${selector}`);
      const [a, b] = [lum(getComputedStyle(el).color), lum(background(el))];
      out[name] = { ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05), background: background(el) };
    }
    return out;
  }, selectors);
}

/**
 * The checks every engine's email must pass at each width, as vitest cases: no horizontal
 * scroll, no line break inside a Hangul word (keep-all), the call to action whole and
 * tappable. Call inside a `describe`; `open` gives a fresh page at a width.
 */
export function layoutCasesAtWidths(open: (width: number) => Promise<Page>, ctaLabel: string, widths = [320, 375, 800]): void {
  for (const width of widths) {
    it(`has no horizontal scroll at ${width} px`, async () => {
      const page = await open(width);
      const { scrollWidth, clientWidth } = await scrollWidths(page);
      expect(clientWidth).toBe(width);
      expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
      await page.close();
    });

    it(`breaks Hangul lines only between words at ${width} px`, async () => {
      const page = await open(width);
      const { wraps, midWord } = await hangulWraps(page);
      expect(wraps).toBeGreaterThan(10);
      expect(midWord).toEqual([]);
      await page.close();
    });

    it(`shows the call to action whole at ${width} px`, async () => {
      const page = await open(width);
      const button = page.getByRole('link', { name: ctaLabel });
      await button.scrollIntoViewIfNeeded();
      expect(await button.isVisible()).toBe(true);
      const box = await button.boundingBox();
      expect(box).not.toBeNull();
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width).toBeLessThanOrEqual(width);
      expect(box!.height).toBeGreaterThanOrEqual(40);
      await page.close();
    });
  }
}
