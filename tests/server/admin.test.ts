import { afterEach, describe, expect, test } from 'vitest';
import { recordResendEvent } from '../../src/webhooks/record-resend-event.ts';
import { NOW, startTestServer, type TestServer } from './harness.ts';

const TOKEN = 'adm_9f8e7d6c5b4a39281706f5e4d3c2b1a0';
const CAMPAIGN = '2025-07-08-ai-issues-2025-h1';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A sent campaign with a delivery, an open, a click and a bounce. */
function seed(s: TestServer): void {
  s.store.db
    .prepare(`INSERT INTO campaigns (id, subject, transport, status, created_at, first_attempt_at, updated_at) VALUES (?, ?, 'resend', 'done', ?, ?, ?)`)
    .run(CAMPAIGN, '(광고) 4가지로 정리하는 2025 상반기 AI 이슈', new Date(NOW).toISOString(), new Date(NOW).toISOString(), new Date(NOW).toISOString());
  const event = (id: string, type: string, emailId: string, to: string, extra: Record<string, unknown> = {}) =>
    recordResendEvent(s.store, id, { type, created_at: new Date(NOW + 60_000).toISOString(), data: { email_id: emailId, to: [to], tags: [{ name: 'campaign', value: CAMPAIGN }], ...extra } }, NOW);
  event('a', 'email.delivered', 'm1', 'kim@example.com');
  event('b', 'email.opened', 'm1', 'kim@example.com');
  event('c', 'email.clicked', 'm1', 'kim@example.com', { click: { link: 'https://may-i.io/?utm_source=newsletter' } });
  event('d', 'email.bounced', 'm2', 'lee@example.com', { bounce: { type: 'Permanent', message: 'no such user' } });
}

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server!.url}${path}`, { headers, redirect: 'manual' });
const post = (path: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(`${server!.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form).toString(), redirect: 'manual' });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('/admin without NEWSLETTER_ADMIN_TOKEN', () => {
  test('does not exist: every admin path is the ordinary 404, with or without a token', async () => {
    server = await startTestServer();
    seed(server);
    for (const res of [await get('/admin'), await get(`/admin/campaigns/${CAMPAIGN}`, bearer(TOKEN)), await post('/admin/login', { token: TOKEN })]) {
      expect(res.status).toBe(404);
      expect(res.headers.get('www-authenticate')).toBeNull();
    }
  });
});

describe('/admin with NEWSLETTER_ADMIN_TOKEN', () => {
  test('401 with a login form and WWW-Authenticate without the token, or with a wrong one; the report with it', async () => {
    server = await startTestServer({ adminToken: TOKEN });
    seed(server);
    for (const res of [await get('/admin'), await get('/admin', bearer(`${TOKEN}x`)), await get('/admin', bearer(TOKEN.slice(0, -1))), await get(`/admin/campaigns/${CAMPAIGN}`)]) {
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
      const html = await res.text();
      expect(html).toContain('action="/admin/login"');
      // Nothing of the store: no subject, no chart (the form echoes only the path asked for).
      expect(html).not.toContain('상반기');
      expect(html).not.toContain('<svg');
    }
    // An unknown campaign is a 401 to a stranger (nothing told), a 404 to the admin.
    expect((await get('/admin/campaigns/nope')).status).toBe(401);
    expect((await get('/admin/campaigns/nope', bearer(TOKEN))).status).toBe(404);

    const list = await get('/admin', bearer(TOKEN));
    expect(list.status).toBe(200);
    expect(list.headers.get('cache-control')).toBe('no-store');
    const listHtml = await list.text();
    expect(listHtml).toContain(`href="/admin/campaigns/${CAMPAIGN}"`);
    const report = await get(`/admin/campaigns/${CAMPAIGN}`, bearer(TOKEN));
    expect(report.status).toBe(200);
    const html = await report.text();
    expect(html.match(/<svg /g)?.length).toBe(12);
    expect(html).toContain('l***@example.com');
    expect(html).not.toMatch(/(kim|lee)@example\.com/);
  });

  test('the login form sets an HttpOnly, SameSite=Strict cookie that is not the token, and it opens /admin', async () => {
    server = await startTestServer({ adminToken: TOKEN });
    seed(server);
    const wrong = await post('/admin/login', { token: 'guess', next: '/admin' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const right = await post('/admin/login', { token: TOKEN, next: `/admin/campaigns/${CAMPAIGN}` });
    expect(right.status).toBe(303);
    expect(right.headers.get('location')).toBe(`/admin/campaigns/${CAMPAIGN}`);
    const cookie = right.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/admin/);
    expect(cookie).not.toContain(TOKEN);
    const pair = cookie.split(';')[0]!;
    expect((await get('/admin', { cookie: pair })).status).toBe(200);
    expect((await get('/admin', { cookie: `${pair}x` })).status).toBe(401);
    // `next` only ever leads inside /admin.
    const away = await post('/admin/login', { token: TOKEN, next: '//evil.example/' });
    expect(away.headers.get('location')).toBe('/admin');
  });

  test('wrong tokens from one address are limited: the 11th attempt in ten minutes is 429', async () => {
    server = await startTestServer({ adminToken: TOKEN });
    const statuses = [];
    for (let i = 0; i < 11; i++) statuses.push((await post('/admin/login', { token: `guess${i}` })).status);
    expect(statuses).toEqual([...Array(10).fill(401), 429]);
  });

  test('no public page links to it', async () => {
    server = await startTestServer({ adminToken: TOKEN });
    seed(server);
    for (const path of ['/archive', '/healthz', '/nope']) expect(await (await get(path)).text()).not.toContain('/admin');
  });
});
