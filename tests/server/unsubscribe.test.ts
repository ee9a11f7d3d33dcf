import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { unsubscribeToken } from '../../src/send/unsubscribe-token.ts';
import { BODY_LIMITS } from '../../src/server/create-app.ts';
import { openStore } from '../../src/store/open-store.ts';
import { isSuppressed, listSuppressions } from '../../src/store/suppressions.ts';
import { NOW, oneClick, SECRET, startTestServer, type TestServer } from './harness.ts';

const CAMPAIGN = '2025-07-08-ai-issues';
const ADDRESS = 'Kim.Minji@Example.com';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
});

const link = (address = ADDRESS, campaign = CAMPAIGN, secret = SECRET) => `${server.url}/u/${unsubscribeToken(secret, campaign, address)}`;

describe('GET /u/:token', () => {
  test('shows a Korean and English page with a confirm button, masked address, and changes nothing', async () => {
    const res = await fetch(link());
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('<html lang="ko">');
    expect(html).toContain('수신거부');
    expect(html).toContain('Unsubscribe');
    expect(html).toMatch(/<form method="post">[\s\S]*<button type="submit">/);
    expect(html).toContain('k***@example.com');
    expect(html.toLowerCase()).not.toContain('kim.minji');

    // Scanners prefetch links: ten GETs and a HEAD later, still nobody is unsubscribed.
    for (let i = 0; i < 10; i++) expect((await fetch(link())).status).toBe(200);
    expect((await fetch(link(), { method: 'HEAD' })).status).toBe(200);
    expect(listSuppressions(server.store)).toEqual([]);
    expect(isSuppressed(server.store, ADDRESS)).toBe(false);
  });

  test('sends the security headers and keeps the token out of caches and Referer', async () => {
    const res = await fetch(link());
    expect(res.headers.get('content-security-policy')).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    );
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});

describe('POST /u/:token', () => {
  test('the RFC 8058 one-click POST unsubscribes: 200, and a send process sees the address suppressed', async () => {
    const res = await oneClick(link());
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('수신거부가 완료되었습니다');

    // What `newsletter send` asks, through its own connection to the same file.
    const sender = openStore(server.dbPath);
    try {
      expect(isSuppressed(sender, 'kim.minji@example.com')).toBe(true);
      expect(isSuppressed(sender, 'KIM.MINJI@EXAMPLE.COM')).toBe(true);
      expect(isSuppressed(sender, 'someone.else@example.com')).toBe(false);
    } finally {
      sender.close();
    }
    expect(listSuppressions(server.store)).toEqual([
      { address: 'kim.minji@example.com', reason: 'unsubscribed', campaign: CAMPAIGN, source: 'one-click', createdAt: new Date(NOW).toISOString() },
    ]);
  });

  test('the one-click body is recognised as multipart/form-data too', async () => {
    const form = new FormData();
    form.set('List-Unsubscribe', 'One-Click');
    expect((await fetch(link(), { method: 'POST', body: form })).status).toBe(200);
    expect(listSuppressions(server.store)[0]?.source).toBe('one-click');
  });

  test("the page's button records the page as the source", async () => {
    const res = await fetch(link(), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'confirm=yes' });
    expect(res.status).toBe(200);
    expect(listSuppressions(server.store).map((s) => s.source)).toEqual(['unsubscribe-page']);
  });

  test('is idempotent: repeats answer 200 and keep the first record', async () => {
    for (let i = 0; i < 3; i++) expect((await oneClick(link())).status).toBe(200);
    // A link from another campaign for the same address: still one record, the first.
    expect((await oneClick(link(ADDRESS, 'another-campaign'))).status).toBe(200);
    const rows = listSuppressions(server.store);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.campaign).toBe(CAMPAIGN);
    const done = server.logs.filter((l) => l.event === 'unsubscribed');
    expect(done.map((l) => l['added'])).toEqual([true, false, false, false]);
  });

  test('logs the masked address, never the full one or the token', async () => {
    const url = link();
    await fetch(url);
    await oneClick(url);
    const text = JSON.stringify(server.logs);
    expect(text).toContain('k***@example.com');
    expect(text.toLowerCase()).not.toContain('kim.minji');
    expect(text).not.toContain(url.slice(url.lastIndexOf('/') + 1));
    expect(server.logs.filter((l) => l.event === 'request').map((l) => l['route'])).toEqual(['/u/:token', '/u/:token']);
  });

  test('a body over the limit is refused with 413 and unsubscribes nobody', async () => {
    const res = await fetch(link(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `List-Unsubscribe=One-Click&pad=${'x'.repeat(BODY_LIMITS.unsubscribe)}`,
    });
    expect(res.status).toBe(413);
    expect(listSuppressions(server.store)).toEqual([]);
  });
});

describe('bad tokens', () => {
  const good = () => unsubscribeToken(SECRET, CAMPAIGN, ADDRESS);
  const [payload, mac] = [() => good().split('.')[0] as string, () => good().split('.')[1] as string];
  const cases: [string, () => string][] = [
    ['random text', () => 'hello'],
    ['signed with another secret', () => unsubscribeToken('another-secret-0123456789', CAMPAIGN, ADDRESS)],
    ['truncated MAC', () => good().slice(0, -1)],
    ['truncated to the payload', () => `${payload()}.`],
    ['payload only', () => payload()],
    // Someone else's address under this reader's MAC: the attack the HMAC is there for.
    ['tampered payload', () => `${Buffer.from(`${CAMPAIGN}\nvictim@example.com`).toString('base64url')}.${mac()}`],
    ['tampered MAC', () => `${payload()}.${mac().slice(0, -2)}${mac().endsWith('AA') ? 'BB' : 'AA'}`],
    ['an extra segment', () => `${good()}.x`],
    ['characters outside base64url', () => good().replace(/^./, '+')],
    ['far too long', () => `${'A'.repeat(5000)}.${mac()}`],
  ];

  test.each(cases)('%s → 400 on GET and POST, the same page for all, nothing recorded', async (_name, make) => {
    const url = `${server.url}/u/${make()}`;
    const get = await fetch(url);
    const post = await oneClick(url);
    expect(get.status).toBe(400);
    expect(post.status).toBe(400);
    const [getHtml, postHtml] = [await get.text(), await post.text()];
    expect(postHtml).toBe(getHtml);
    expect(getHtml).toContain('링크를 확인할 수 없습니다');
    // Nothing about any address, masked or not, nor the campaign (the stylesheet's
    // `@media` aside, the page is its <main>).
    const main = /<main>([\s\S]*)<\/main>/.exec(getHtml)?.[1] ?? '';
    expect(main).toContain('링크를 확인할 수 없습니다');
    expect(main).not.toMatch(/@|\*\*\*|kim|victim|example/i);
    expect(getHtml).not.toContain(CAMPAIGN);
    expect(listSuppressions(server.store)).toEqual([]);
  });

  test('the invalid-link page is byte-identical for every kind of bad token', async () => {
    const bodies = await Promise.all(cases.map(async ([, make]) => (await fetch(`${server.url}/u/${make()}`)).text()));
    expect(new Set(bodies).size).toBe(1);
  });
});
