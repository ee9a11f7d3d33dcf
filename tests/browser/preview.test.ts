import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreviewProcess } from '../../src/preview/spawn-preview-server.ts';
import { browserAvailable } from '../support/browser.ts';
import { EDITION, EDITION_FILE, frameShows, openPreviewInChromium, type TempProject } from '../preview/temp-project.ts';

const run = browserAvailable();
const INTRO = '저희 메이아이는 인공지능으로 매장 같은 오프라인 공간을 한층 영리하게 바꾸는 스타트업입니다.';

/** The text of a frame of the edition page (`light-700`, `dark-320` …). */
function frameText(page: Page, frame: string): Promise<string> {
  return page.evaluate((f) => (document.querySelector<HTMLIFrameElement>(`iframe[data-frame="${f}"]`)?.contentDocument?.body?.innerText ?? ''), frame);
}


describe.runIf(run)('newsletter dev in Chromium', () => {
  let project: TempProject;
  let server: PreviewProcess;
  let page: Page;
  let close: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ project, server, page, close } = await openPreviewInChromium(1500));
  });
  afterAll(() => close?.());

  it('lists the editions with date, subject, HTML size and warnings', async () => {
    await page.goto(`${server.url}/`);
    const row = page.locator(`tr[data-slug="${EDITION}"]`);
    await row.waitFor();
    const cells = await row.locator('td').allInnerTexts();
    expect(cells[0]).toBe('2025-07-08');
    expect(cells[1]).toBe('(광고) 4가지로 정리하는 2025 상반기 AI 이슈');
    expect(cells[2]).toMatch(/^\d+\.\d KB$/);
    expect(cells[3]).toBe('0');
    expect(Number(cells[4])).toBeGreaterThan(0);
  });

  it('opens an edition at 700, 375 and 320 px with the size meter and checks', async () => {
    await page.goto(`${server.url}/e/${EDITION}`);
    for (const width of [700, 375, 320]) {
      await frameShows(page, `light-${width}`, INTRO);
      expect(await page.locator(`iframe[data-frame="light-${width}"]`).evaluate((f) => (f as HTMLIFrameElement).contentDocument?.documentElement.clientWidth)).toBe(width);
    }
    expect(await page.locator('header .meter').getAttribute('data-level')).toBe('ok');
    expect(await page.locator('header .meter').innerText()).toMatch(/^\d+\.\d KB of Gmail’s ~102 KB clip \(\d+%\) · \d+\.\d KB personalized$/);
    // Checks: no errors, client support grouped by feature with the clients named.
    await expect.poll(() => page.locator('[data-role=check-summary]').innerText()).toMatch(/^0 error\(s\), \d+ warning\(s\)$/);
    const media = page.locator('[data-check=clients] li', { hasText: '@media' }).first();
    expect(await media.locator('.chip').allInnerTexts()).toContain('Outlook (Windows)');
    // The sample gives only the seed's email: the two missing contact fields are named.
    expect(await page.locator('[data-check=ad-rules] li').allInnerTexts()).toEqual([
      expect.stringContaining('contact.phone is missing'),
      expect.stringContaining('contact.address is missing'),
    ]);
    // Then the slow ones: the spam score with its rules, and axe's page-only rules as notes, linked.
    await expect.poll(() => page.locator('[data-check=spam] li').first().innerText(), { timeout: 60_000 }).toMatch(/SpamAssassin score 0\.5 .*SUBJ_ALL_CAPS/);
    expect(await page.locator('[data-check=accessibility] > ul li').innerText()).toContain('nothing to report');
    expect(await page.locator('[data-check=accessibility] details a[data-role=rule-help]').first().getAttribute('href')).toMatch(/^https:\/\/dequeuniversity\.com\/rules\/axe\//);
    await expect.poll(() => page.locator('[data-role=check-summary]').innerText()).toMatch(/^0 error\(s\), \d+ warning\(s\)$/);
  }, 90_000);

  it('opens personalized: the first subscriber of the sample list fills every frame and the text tab', async () => {
    for (const frame of ['light-700', 'light-375', 'light-320']) {
      await frameShows(page, frame, '김민지님, 안녕하세요.');
      expect(await frameText(page, frame)).not.toContain('{{');
    }
    expect(await page.locator('select[name=recipient]').inputValue()).toBe('0');
    expect(await page.locator('pre[data-pane=text]').textContent()).toContain('김민지님, 안녕하세요.');
    expect(page.url()).not.toContain('recipient=');
  });

  it('has no horizontal scroll in the 320 px phone frame', async () => {
    const { scrollWidth, clientWidth } = await page.evaluate(() => {
      const doc = document.querySelector<HTMLIFrameElement>('iframe[data-frame="light-320"]')?.contentDocument;
      return { scrollWidth: doc?.documentElement.scrollWidth ?? -1, clientWidth: doc?.documentElement.clientWidth ?? -1 };
    });
    expect(clientWidth).toBe(320);
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
  });

  it('shows the dark variants: the frame background changes, and the inverted frame is filtered', async () => {
    const background = (frame: string) =>
      page.evaluate((f) => {
        const doc = document.querySelector<HTMLIFrameElement>(`iframe[data-frame="${f}"]`)?.contentDocument;
        return doc ? getComputedStyle(doc.querySelector('.nl-card') ?? doc.body).backgroundColor : 'missing';
      }, frame);
    expect(await background('light-700')).toBe('rgb(255, 255, 255)');
    await page.check('input[name=dark]');
    await frameShows(page, 'dark-700', INTRO);
    await frameShows(page, 'inverted-375', INTRO);
    expect(await background('dark-700')).toBe('rgb(27, 30, 36)');
    expect(await page.locator('iframe[data-frame="inverted-375"]').evaluate((f) => getComputedStyle(f).filter)).toBe('invert(1) hue-rotate(180deg)');
    expect(await page.locator('section[data-row=light]').isHidden()).toBe(true);
    await page.uncheck('input[name=dark]');
  });

  it('updates the frames when the edition file is saved, without reloading the page', async () => {
    await page.evaluate(() => Object.assign(window, { notReloaded: true }));
    await project.edit(EDITION_FILE, INTRO, '저희 메이아이는 미리보기에서 바로 고친 문장을 보여 줍니다.');
    await frameShows(page, 'light-375', '미리보기에서 바로 고친 문장');
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
  });

  it('shows a broken front matter with file and line, and recovers when it is fixed', async () => {
    const good = await project.read(EDITION_FILE);
    try {
      await project.write(EDITION_FILE, good.replace('date: 2025-07-08', 'date: 2025-7-8'));
      const panel = page.locator('.error-panel');
      await panel.waitFor({ state: 'visible' });
      await expect.poll(() => panel.innerText()).toContain(`${EDITION_FILE}:4`);
      expect(await panel.innerText()).toContain('must be a date written YYYY-MM-DD');
      expect(await page.locator('[data-pane=preview]').isHidden()).toBe(true);
      expect(await page.locator('header .meter').isHidden()).toBe(true);
    } finally {
      await project.write(EDITION_FILE, good);
    }
    await page.locator('.error-panel').waitFor({ state: 'hidden' });
    await frameShows(page, 'light-700', '미리보기에서 바로 고친 문장');
  });

  it('turns the size meter amber past half of Gmail\'s clip and red past it, with a size error', async () => {
    const good = await project.read(EDITION_FILE);
    const padding = (n: number) => Array.from({ length: n }, (_, i) => `${i}번째 덧붙인 문단으로, 클리핑 한도를 시험하려고 넣은 한국어 문장입니다.`).join('\n\n');
    const padded = (n: number) => good.replace('## 딥시크 쇼크', `${padding(n)}\n\n## 딥시크 쇼크`);
    try {
      await project.write(EDITION_FILE, padded(150));
      await expect.poll(() => page.locator('header .meter').getAttribute('data-level'), { timeout: 15_000 }).toBe('amber');
      await project.write(EDITION_FILE, padded(400));
      await expect.poll(() => page.locator('header .meter').getAttribute('data-level'), { timeout: 15_000 }).toBe('red');
      await expect.poll(() => page.locator('[data-check=size] li').innerText(), { timeout: 15_000 }).toContain('past Gmail\'s ~102 KB clip');
    } finally {
      await project.write(EDITION_FILE, good);
    }
    await expect.poll(() => page.locator('header .meter').getAttribute('data-level'), { timeout: 15_000 }).toBe('ok');
  });

  it('picks up a template change without a restart, shows a throwing template with file and line, and recovers', async () => {
    const footer = 'emails/components/footer.tsx';
    const original = await project.read(footer);
    try {
      await project.edit(footer, '웹에서 보기\n', '웹에서 보기 (템플릿 수정)\n');
      await frameShows(page, 'light-700', '웹에서 보기 (템플릿 수정)');

      await project.write(footer, original.replace('export function Footer({ edition, links }: { edition: Edition; links: FooterLinks }) {', "export function Footer({ edition, links }: { edition: Edition; links: FooterLinks }) {\n  if (edition) throw new Error('footer exploded');"));
      const panel = page.locator('.error-panel');
      await panel.waitFor({ state: 'visible' });
      await expect.poll(() => panel.innerText()).toContain('footer exploded');
      const line = original.split('\n').findIndex((l) => l.startsWith('export function Footer')) + 2;
      expect(await panel.locator('.where').innerText()).toMatch(new RegExp(`^${footer}:${line}:\\d+$`));
      expect(await panel.locator('pre').first().innerText()).toContain("throw new Error('footer exploded')");
    } finally {
      await project.write(footer, original);
    }
    await page.locator('.error-panel').waitFor({ state: 'hidden' });
    await frameShows(page, 'light-700', '수신거부 Unsubscribe');
    expect(await frameText(page, 'light-700')).not.toContain('템플릿 수정');
  });

  it('switches to the raw merge slots and to another row of the sample list', async () => {
    await page.selectOption('select[name=recipient]', '');
    await frameShows(page, 'light-700', '{{greeting}}');
    expect(page.url()).toContain('recipient=none');
    await page.selectOption('select[name=recipient]', '1');
    await frameShows(page, 'light-700', '이서준님, 안녕하세요.');
    expect(await frameText(page, 'light-700')).not.toContain('{{');
    expect(page.url()).toContain('recipient=1');
    await page.selectOption('select[name=recipient]', '0');
    await frameShows(page, 'light-700', '김민지님, 안녕하세요.');
    const unsubscribe = await page.evaluate(() => document.querySelector<HTMLIFrameElement>('iframe[data-frame="light-700"]')?.contentDocument?.querySelector('a[href*="/u/"]')?.getAttribute('href'));
    expect(unsubscribe).toMatch(/^http:\/\/localhost:8787\/u\/[\w-]+\.[\w-]+$/);
    expect(page.url()).not.toContain('recipient=');
  });

  it('shows the plain text, the HTML source and the web version in tabs', async () => {
    await page.click('button[data-tab=text]');
    expect(await page.locator('pre[data-pane=text]').innerText()).toContain('수신거부 Unsubscribe: http://localhost:8787/u/');
    await page.click('button[data-tab=source]');
    expect(await page.locator('pre[data-pane=source]').innerText()).toMatch(/^<!DOCTYPE html/i);
    await page.click('button[data-tab=web]');
    const web = page.frameLocator('iframe.web');
    await expect.poll(() => web.locator('body').innerText(), { timeout: 10_000 }).toContain('딥시크 쇼크');
    expect(await web.locator('body').innerText()).not.toContain('{{');
    await page.click('button[data-tab=preview]');
  });

  it('sends a test through the outbox, marked as a test', async () => {
    await page.fill('input[name=to]', 'tester@example.com');
    await page.click('form[data-role=test-send] button[type=submit]');
    const result = page.locator('[data-role=send-result][data-ok=true]');
    await result.waitFor({ timeout: 15_000 });
    expect(await result.innerText()).toMatch(/^Sent 1 test message\(s\) through outbox → out\/outbox\/2025-07-08-ai-issues-2025-h1-test: tester@example\.com \(outbox-/);
    const dir = join(project.root, 'out/outbox', `${EDITION}-test`);
    const index = (await readFile(join(dir, 'index.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { to: string; subject: string; file: string });
    expect(index).toHaveLength(1);
    expect(index[0]).toMatchObject({ to: 'tester@example.com', subject: '[테스트] (광고) 4가지로 정리하는 2025 상반기 AI 이슈' });
    const eml = await readFile(join(dir, index[0]?.file ?? ''), 'utf8');
    expect(eml).toContain('X-Newsletter-Test: true');
    expect(eml).toMatch(/List-Unsubscribe-Post: List-Unsubscribe=One-Click/);
    expect((await readdir(dir)).filter((f) => f.endsWith('.eml'))).toHaveLength(1);
  });

  it('refuses a test send to a malformed address and says why', async () => {
    await page.fill('input[name=to]', 'not-an-address');
    await page.click('form[data-role=test-send] button[type=submit]');
    const result = page.locator('[data-role=send-result][data-ok=false]');
    await result.waitFor();
    expect(await result.innerText()).toContain('"not-an-address" is not an email address (there is no @)');
  });
});
