import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { simpleParser } from 'mailparser';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchChromium } from '../support/browser.ts';

// The list as a new reader and a marketer meet it: `npx newsletter serve` as a process,
// the sign-up form in Chromium, the confirmation from the outbox, a send to the stored
// list, a one-click unsubscribe, its 수신거부 notice, and the next send without them.

const exec = promisify(execFile);
const run = browserAvailable();
const AD = 'content/2025-07-08-ai-issues-2025-h1.md';
const SECOND = 'tests/fixtures/send/2025-01-02-send-fixture.md';
let dir: string;
let serve: ChildProcess;
let url: string;
let browser: Browser;

function env(): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', NEWSLETTER_DB: join(dir, 'newsletter.db'), NEWSLETTER_OUTBOX: join(dir, 'outbox') };
  for (const name of ['NEWSLETTER_SECRET', 'NEWSLETTER_PUBLIC_URL', 'RESEND_API_KEY', 'RESEND_BASE_URL', 'NEWSLETTER_LIST'] as const) delete e[name];
  return e;
}

async function mails(folder: string) {
  const path = join(dir, 'outbox', folder);
  let files: string[] = [];
  try {
    files = readdirSync(path).filter((f) => f.endsWith('.eml'));
  } catch {
    return [];
  }
  return Promise.all(files.map((f) => simpleParser(readFileSync(join(path, f)))));
}

async function until<T>(check: () => Promise<T | undefined>, what: string): Promise<T> {
  const started = Date.now();
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() - started > 15_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.runIf(run)('the list in Chromium, end to end', { timeout: 90_000 }, () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'newsletter-e2e-'));
    // One subscriber from an import, so the list is not empty after the reader leaves.
    await exec('node', ['bin/newsletter.js', 'subscribers', 'add', 'kept@example.com', '--consent-source', '행사 신청서'], { env: env() });
    serve = spawn('node', ['bin/newsletter.js', 'serve', '--port', '0'], { env: env(), stdio: ['ignore', 'pipe', 'inherit'] });
    url = await new Promise<string>((resolve, reject) => {
      createInterface({ input: serve.stdout! }).on('line', (line) => {
        const entry = JSON.parse(line) as { event: string; url?: string };
        if (entry.event === 'listening') resolve(entry.url!);
      });
      serve.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    serve?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('sign up, confirm, receive the sample, unsubscribe in one click, get the notice, and be skipped next time', async () => {
    const page = await browser.newPage({ viewport: { width: 375, height: 800 } });
    await page.goto(`${url}/subscribe`);
    await page.getByLabel('이메일 Email', { exact: true }).fill('reader@example.com');
    await page.getByLabel('이름 (선택) Name (optional)', { exact: true }).fill('박지우');
    // Submitting without the consent box is stopped by the browser (required) — and the server refuses it too (tested elsewhere).
    await page.getByRole('checkbox').check();
    await page.getByRole('button', { name: /구독 신청/ }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('메일함을 확인해 주세요');

    const confirm = await until(async () => (await mails('notices')).find((m) => m.subject?.includes('구독을 확인')), 'the confirmation');
    const link = /http:\/\/localhost:8787(\/confirm\/\S+)/.exec(confirm.text ?? '')?.[1];
    expect(link).toBeDefined();
    await page.goto(`${url}${link}`);
    expect(await page.locator('h1').textContent()).toBe('구독을 확인해 주세요');
    await page.getByRole('button', { name: /구독 확인/ }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('구독이 완료되었습니다');
    await until(async () => (await mails('notices')).find((m) => m.subject?.includes('수신동의 처리 결과')), 'the 수신동의 notice');

    // The marketer sends the sample edition to the stored list: the new reader gets it, by name.
    const sent = await exec('node', ['bin/newsletter.js', 'send', AD], { env: env() });
    expect(sent.stdout).toContain('Sent 2 emails');
    const edition = (await mails('2025-07-08-ai-issues-2025-h1')).find((m) => JSON.stringify(m.to).includes('reader@example.com'));
    expect(edition?.text).toContain('박지우님, 안녕하세요.');
    const unsubscribe = /<(http:\/\/localhost:8787\/u\/[^>]+)>/.exec(edition?.headerLines.find((h) => h.key === 'list-unsubscribe')?.line ?? '')?.[1];
    expect(unsubscribe).toBeDefined();

    // One click (RFC 8058), as the mailbox provider sends it.
    const oneClick = await fetch(unsubscribe!.replace('http://localhost:8787', url), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(oneClick.status).toBe(200);
    const notice = await until(async () => (await mails('notices')).find((m) => m.subject?.includes('수신거부 처리 결과')), 'the 수신거부 notice');
    expect(JSON.stringify(notice.to)).toContain('reader@example.com');
    expect(notice.text).toMatch(/수신거부 일자: \d{4}년 \d{1,2}월 \d{1,2}일/);

    // The next campaign skips them.
    const next = await exec('node', ['bin/newsletter.js', 'send', SECOND], { env: env() });
    expect(next.stdout).toContain('Sent 1 email');
    const second = await mails('2025-01-02-send-fixture');
    expect(second.map((m) => JSON.stringify(m.to))).toEqual([expect.stringContaining('kept@example.com')]);
    await page.screenshot({ path: join(dir, 'confirmed.png') });
  });
});
