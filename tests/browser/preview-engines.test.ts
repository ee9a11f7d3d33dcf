import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEdition } from '../../src/content/load-edition.ts';
import { buildEdition } from '../../src/render/build-edition.ts';
import type { PreviewProcess } from '../../src/preview/spawn-preview-server.ts';
import { browserAvailable } from '../support/browser.ts';
import { EDITION, EDITION_FILE, frameShows, openPreviewInChromium, type TempProject } from '../preview/temp-project.ts';

const run = browserAvailable();
const HEADING = '딥시크 쇼크';
const INTRO = '저희 메이아이는 인공지능으로 매장 같은 오프라인 공간을 한층 영리하게 바꾸는 스타트업입니다.';


describe.runIf(run)('newsletter dev: React Email and MJML side by side', () => {
  let project: TempProject;
  let server: PreviewProcess;
  let page: Page;
  let close: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ project, server, page, close } = await openPreviewInChromium(1600));
  });
  afterAll(() => close?.());

  it('opens on the edition’s own engine, and switches to MJML', async () => {
    await page.goto(`${server.url}/e/${EDITION}`);
    expect(await page.locator('button[data-engine=react]').getAttribute('aria-selected')).toBe('true');
    await page.click('button[data-engine=mjml]');
    // mj-column-per-100 and the like: MJML's own class names.
    await expect.poll(async () => ((await page.locator('pre[data-pane=source]').textContent()) ?? '').includes('mj-column'), { timeout: 15_000 }).toBe(true);
    expect(await page.locator('button[data-engine=mjml]').getAttribute('aria-selected')).toBe('true');
    expect(page.url()).toContain('engine=mjml');
  });

  it('shows both engines at 700 and 375 px with each one’s exact size and check counts', async () => {
    await page.click('button[data-engine=both]');
    for (const frame of ['react-700', 'mjml-700', 'react-375', 'mjml-375']) await frameShows(page, frame, HEADING);
    expect(await page.locator('[data-pane=preview]').isHidden()).toBe(true);

    const edition = await loadEdition(join(project.root, EDITION_FILE));
    const [react, mjml] = await Promise.all([buildEdition(edition, { engine: 'react' }), buildEdition(edition, { engine: 'mjml' })]);
    const shown = (engine: string) => page.locator(`.engine-head[data-engine=${engine}] .meter`).getAttribute('data-bytes');
    await expect.poll(() => shown('react')).toBe(String(Buffer.byteLength(react.email.html)));
    expect(await shown('mjml')).toBe(String(Buffer.byteLength(mjml.email.html)));
    expect(react.htmlBytes).not.toBe(mjml.htmlBytes);
    expect(await page.locator('.engine-head[data-engine=mjml] .meter').innerText()).toContain(`${(mjml.htmlBytes / 1024).toFixed(1)} KB`);

    for (const engine of ['react', 'mjml']) {
      await expect.poll(() => page.locator(`.engine-head[data-engine=${engine}] [data-role=engine-checks]`).innerText(), { timeout: 15_000 }).toMatch(/^0 error\(s\), [1-9]\d* warning\(s\)$/);
    }
  });

  it('has no horizontal scroll in the MJML phone frame at 375 px', async () => {
    const { scrollWidth, clientWidth } = await page.evaluate(() => {
      const doc = document.querySelector<HTMLIFrameElement>('iframe[data-frame="mjml-375"]')?.contentDocument;
      return { scrollWidth: doc?.documentElement.scrollWidth ?? -1, clientWidth: doc?.documentElement.clientWidth ?? -1 };
    });
    expect(clientWidth).toBe(375);
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
  });

  it('updates both engines’ frames when the edition is saved', async () => {
    await page.evaluate(() => Object.assign(window, { notReloaded: true }));
    await project.edit(EDITION_FILE, INTRO, '저희 메이아이는 두 엔진에서 함께 고친 문장을 보여 줍니다.');
    await frameShows(page, 'react-375', '두 엔진에서 함께 고친 문장');
    await frameShows(page, 'mjml-375', '두 엔진에서 함께 고친 문장');
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect(page.url()).toContain('engine=both');
  });
});
