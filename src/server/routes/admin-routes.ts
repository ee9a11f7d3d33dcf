import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import { campaignFigures, campaignReport } from '../../report/campaign-report.ts';
import { reportableCampaigns } from '../../report/find-campaign.ts';
import { reportPage } from '../../report/report-page.ts';
import { escapeHtml } from '../../send/personalize.ts';
import type { Store } from '../../store/open-store.ts';
import { clientIp } from '../client-ip.ts';
import type { IpRateLimit } from '../ip-rate-limit.ts';
import { pageLayout } from '../page-layout.ts';
import type { ServerLog } from '../create-app.ts';

/** The session cookie: an HMAC of the token, not the token (a stolen cookie does not tell it). */
const COOKIE = 'newsletter_admin';
/** A token shorter than this is refused at start (serve.ts): it would be guessable. */
export const MIN_ADMIN_TOKEN_LENGTH = 24;

/** Constant-time equality of two strings, whatever their lengths (hashed to one length first). */
function sameSecret(given: string, expected: string): boolean {
  const a = createHmac('sha256', 'newsletter-admin-compare').update(given).digest();
  const b = createHmac('sha256', 'newsletter-admin-compare').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * `/admin` (the campaigns) and `/admin/campaigns/:campaign` (a campaign's report, live from
 * the store), for `Authorization: Bearer <NEWSLETTER_ADMIN_TOKEN>` or the HttpOnly,
 * SameSite=Strict cookie the login form sets from the same token. Only registered when a
 * token is set: without one, every /admin path is the ordinary 404. Wrong tokens are
 * limited per IP like sign-ups; nothing here is linked from a public page.
 */
export function adminRoutes(app: Hono, options: { store: Store; token: string; rateLimit: IpRateLimit; trustProxy: boolean; now: () => number; log: ServerLog }): void {
  const { store, token, rateLimit, trustProxy, now, log } = options;
  const session = createHmac('sha256', token).update('newsletter admin session v1').digest('base64url');

  const authorized = (c: Context): boolean => {
    const header = c.req.header('authorization');
    const bearer = header !== undefined && /^Bearer\s+/i.test(header) ? header.replace(/^Bearer\s+/i, '').trim() : undefined;
    if (bearer !== undefined) return sameSecret(bearer, token);
    const cookie = getCookie(c, COOKIE);
    return cookie !== undefined && sameSecret(cookie, session);
  };

  const login = (c: Context, status: 401 | 429, message?: string) => {
    c.header('WWW-Authenticate', 'Bearer realm="newsletter admin"');
    c.header('Cache-Control', 'no-store');
    const next = c.req.path.startsWith('/admin') ? c.req.path : '/admin';
    const body = `<h1>Newsletter admin</h1>
${message === undefined ? '' : `<p class="error" role="alert">${escapeHtml(message)}</p>`}
<form method="post" action="/admin/login">
<input type="hidden" name="next" value="${escapeHtml(next)}">
<p><label for="token">Admin token</label><input id="token" name="token" type="password" autocomplete="current-password" required></p>
<p><button type="submit">Sign in</button></p>
</form>
<p class="muted">The token is NEWSLETTER_ADMIN_TOKEN on the server. Scripts can send it as <code>Authorization: Bearer …</code> instead.</p>`;
    return c.html(pageLayout('Newsletter admin', body, { lang: 'en' }), status);
  };

  app.post('/admin/login', async (c) => {
    const limited = rateLimit.take(clientIp(c, trustProxy) ?? 'unknown', now());
    if (!limited.ok) {
      c.header('Retry-After', String(limited.retryAfterS));
      return login(c, 429, `Too many attempts: try again in ${limited.retryAfterS} s.`);
    }
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const given = typeof form['token'] === 'string' ? form['token'] : '';
    if (!sameSecret(given, token)) {
      log({ event: 'admin-login-failed' });
      return login(c, 401, 'That token is not right.');
    }
    setCookie(c, COOKIE, session, { httpOnly: true, sameSite: 'Strict', secure: true, path: '/admin', maxAge: 12 * 3600 });
    log({ event: 'admin-login' });
    const next = typeof form['next'] === 'string' && /^\/admin(\/[\w@.%-]*)*$/.test(form['next']) ? form['next'] : '/admin';
    return c.redirect(next, 303);
  });

  app.post('/admin/logout', (c) => {
    deleteCookie(c, COOKIE, { path: '/admin', secure: true });
    return c.redirect('/admin', 303);
  });

  app.use('/admin', async (c, next) => (authorized(c) ? next() : login(c, 401)));
  app.use('/admin/*', async (c, next) => (authorized(c) ? next() : login(c, 401)));

  app.get('/admin', (c) => {
    c.header('Cache-Control', 'no-store');
    const rows = reportableCampaigns(store.db).map((campaign) => {
      const r = campaignFigures(store.db, campaign.id);
      const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
      return `<tr><td><a href="/admin/campaigns/${encodeURIComponent(campaign.id)}">${escapeHtml(campaign.id)}</a><br><span class="muted">${escapeHtml(campaign.subject)}</span></td><td>${r.sent.toLocaleString('en-US')}</td><td>${pct(r.rates.delivered)}</td><td>${pct(r.rates.opened)}*</td><td>${pct(r.rates.clicked)}</td></tr>`;
    });
    const body = `<h1>Campaigns</h1>
${rows.length === 0 ? '<p>Nothing has been sent through Resend with this journal yet.</p>' : `<table><thead><tr><th scope="col">Campaign</th><th scope="col">Sent</th><th scope="col">Delivered</th><th scope="col">Opened</th><th scope="col">Clicked</th></tr></thead><tbody>${rows.join('')}</tbody></table>
<p class="muted">* Opens are an upper bound (Apple Mail Privacy Protection and scanners open every message); clicks are the reliable signal. Rates are over delivered.</p>`}
<form method="post" action="/admin/logout"><button type="submit">Sign out</button></form>`;
    return c.html(pageLayout('Campaigns', body, { lang: 'en', wide: true }));
  });

  app.get('/admin/campaigns/:campaign', (c) => {
    const id = c.req.param('campaign');
    if (!reportableCampaigns(store.db).some((r) => r.id === id)) return c.notFound();
    c.header('Cache-Control', 'no-store');
    return c.html(reportPage(campaignReport(store.db, id, now())));
  });
}
