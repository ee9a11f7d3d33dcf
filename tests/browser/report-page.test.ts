import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAxe } from '../../src/check/run-axe.ts';
import { campaignReport } from '../../src/report/campaign-report.ts';
import { reportPage } from '../../src/report/report-page.ts';
import { openStore, type Store } from '../../src/store/open-store.ts';
import { recordResendEvent } from '../../src/webhooks/record-resend-event.ts';
import { browserAvailable, launchChromium } from '../support/browser.ts';

const run = browserAvailable();
const CAMPAIGN = '2025-07-08-ai-issues-2025-h1';
const T0 = Date.UTC(2025, 6, 8, 9, 0, 0);
// Long links without a break (a phone's column must still not scroll sideways).
const LINKS = Array.from({ length: 12 }, (_, i) => `https://may-i.io/blog/2025-h1-ai-issues/${'very-long-path-segment-'.repeat(4)}${i}?utm_source=newsletter&utm_medium=email&utm_campaign=${CAMPAIGN}`);

/** 300 recipients over a day: deliveries, opens, clicks on twelve links, bounces, complaints. */
function seed(store: Store): void {
  let n = 0;
  const event = (type: string, i: number, at: number, extra: Record<string, unknown> = {}) =>
    recordResendEvent(store, `ev${n++}`, { type, created_at: new Date(at).toISOString(), data: { email_id: `m${i}`, to: [`독자${i}@example.com`], tags: [{ name: 'campaign', value: CAMPAIGN }], ...extra } }, at);
  for (let i = 0; i < 300; i++) {
    event('email.sent', i, T0 + i * 100);
    if (i % 50 === 7) {
      event('email.bounced', i, T0 + 60_000 + i, { bounce: { type: i % 100 === 7 ? 'Permanent' : 'Transient', subType: 'General', message: `550 5.1.1 <독자${i}@example.com>: user unknown` } });
      continue;
    }
    event('email.delivered', i, T0 + 2000 + i * 100);
    if (i % 3 === 0) event('email.opened', i, T0 + 2000 + i * 100 + 20_000);
    if (i % 4 === 0) event('email.opened', i, T0 + (i % 20) * 3_600_000);
    if (i % 5 === 0) event('email.clicked', i, T0 + (i % 20) * 3_600_000 + 60_000, { click: { link: LINKS[i % LINKS.length] } });
    if (i === 99) event('email.complained', i, T0 + 5 * 3_600_000);
  }
}

describe.runIf(run)('the report page in Chromium', () => {
  let browser: Browser;
  let dir: string;
  let html: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'report-page-'));
    const store = openStore(join(dir, 'newsletter.db'));
    try {
      seed(store);
      html = reportPage(campaignReport(store.db, CAMPAIGN, T0 + 86_400_000));
    } finally {
      store.close();
    }
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const width of [375, 1280]) {
    for (const colorScheme of ['light', 'dark'] as const) {
      it(`at ${width} px, ${colorScheme}: three charts drawn, no horizontal scroll, no full address`, async () => {
        const page = await browser.newPage({ viewport: { width, height: 900 }, colorScheme });
        try {
          await page.setContent(html, { waitUntil: 'load' });
          const seen = await page.evaluate(() => {
            const visible = [...document.querySelectorAll('.chart')].filter((c) => (c as HTMLElement).offsetParent !== null);
            return {
              charts: visible.map((c) => {
                const svg = c.querySelector('svg')!;
                const box = svg.getBoundingClientRect();
                return { cls: c.className, width: Math.round(box.width), height: Math.round(box.height), shapes: svg.querySelectorAll('path, rect, text').length, label: c.getAttribute('aria-label') };
              }),
              scrollWidth: document.documentElement.scrollWidth,
              innerWidth: window.innerWidth,
              text: document.body.innerText,
              background: getComputedStyle(document.body).backgroundColor,
              linkRows: document.querySelectorAll('table')[0]?.querySelectorAll('tbody tr').length,
            };
          });
          // One variant of each chart: the scheme and width that fit.
          expect(seen.charts.map((c) => c.cls)).toEqual(Array(3).fill(`chart scheme-${colorScheme} w-${width < 700 ? 'narrow' : 'wide'}`));
          for (const chart of seen.charts) {
            expect(chart.width).toBeGreaterThan(width < 700 ? 300 : 800);
            expect(chart.width).toBeLessThanOrEqual(width);
            expect(chart.height).toBeGreaterThan(100);
            expect(chart.shapes).toBeGreaterThan(10);
            expect(chart.label).toMatch(/\d/);
          }
          expect(seen.scrollWidth).toBeLessThanOrEqual(seen.innerWidth);
          expect(seen.background).toBe(colorScheme === 'dark' ? 'rgb(22, 24, 29)' : 'rgb(255, 255, 255)');
          // Every address on the page is masked, including the one inside a bounce message.
          const addresses = `${seen.text}\n${html}`.match(/[^\s<>"'()]+@[\w.-]+\.[a-z]{2,}/gi) ?? [];
          expect(addresses.length).toBeGreaterThan(0);
          expect(addresses.filter((a) => !a.includes('***'))).toEqual([]);
          expect(seen.linkRows).toBe(LINKS.length); // the table lists every link; the chart the top ten
        } finally {
          await page.close();
        }
      });
    }
  }

  it('has no accessibility violation axe-core finds, light or dark, at 375 px', async () => {
    const runs = await runAxe(browser, html);
    for (const run of runs) expect({ mode: run.mode, violations: run.violations.map((v) => `${v.rule} (${v.impact}): ${v.targets.join(', ')}`) }).toEqual({ mode: run.mode, violations: [] });
    // The charts are images with names; the tables have headers.
    expect(runs[0]?.passes).toEqual(expect.arrayContaining(['role-img-alt', 'th-has-data-cells']));
  });
});
