import type { Context, Hono } from 'hono';
import type { ListSettings } from '../../consent/list-settings.ts';
import { parseSignUpForm } from '../../consent/sign-up-form.ts';
import { checkConfirmation, confirmSignUp, signUp } from '../../consent/sign-up.ts';
import type { Store } from '../../store/open-store.ts';
import type { ServerLog } from '../create-app.ts';
import { errorName } from '../error-name.ts';
import { unavailablePage } from '../error-pages.ts';
import { clientIp } from '../client-ip.ts';
import type { IpRateLimit } from '../ip-rate-limit.ts';
import { maskAddress } from '../../subscribers/mask-address.ts';
import { checkInboxPage, confirmedPage, confirmFailedPage, confirmSubscriptionPage, subscribePage, tooManySignUpsPage } from '../sign-up-pages.ts';

export interface SignUpRouteOptions {
  store: Store;
  list: ListSettings;
  secret: string;
  /** The public base URL: the consent record names the form by it. */
  publicUrl: string;
  rateLimit: IpRateLimit;
  /** Take the client's address from X-Forwarded-For (its last hop), behind a proxy we run. */
  trustProxy: boolean;
  now: () => number;
  log: ServerLog;
  /** A notice was journaled: send it now rather than at the next timer. */
  onNotice?: () => void;
}

/**
 * The sign-up with double opt-in (정보통신망법 §50①: explicit, provable prior consent):
 *   GET  /subscribe          the form (email, optional name, the consent checkbox)
 *   POST /subscribe          records a pending subscriber and mails the confirmation
 *   GET  /confirm/<token>    a page with a button; changes nothing (scanners prefetch)
 *   POST /confirm/<token>    activates the subscriber and records the consent
 */
export function signUpRoutes(app: Hono, options: SignUpRouteOptions): void {
  const { store, list, secret, now, log } = options;
  const formUrl = `${options.publicUrl.replace(/\/+$/, '')}/subscribe`;
  const noStore = (c: Context) => c.header('Cache-Control', 'no-store');

  app.get('/subscribe', (c) => {
    noStore(c);
    return c.html(subscribePage(list));
  });

  app.post('/subscribe', async (c) => {
    noStore(c);
    const ip = clientIp(c, options.trustProxy);
    const allowed = options.rateLimit.take(ip ?? 'unknown', now());
    if (!allowed.ok) {
      log({ event: 'signup-rate-limited', retryAfterS: allowed.retryAfterS });
      c.header('Retry-After', String(allowed.retryAfterS));
      return c.html(tooManySignUpsPage(allowed.retryAfterS), 429);
    }
    const form = await readForm(c);
    if (form === undefined) {
      return c.html(subscribePage(list, { problems: [{ field: 'email', ko: '양식을 다시 작성해 주세요.', en: 'Please fill in the form again.' }] }), 415);
    }
    const parsed = parseSignUpForm(form);
    if (!parsed.ok) {
      log({ event: 'signup-rejected', fields: parsed.problems.map((p) => p.field) });
      return c.html(subscribePage(list, { problems: parsed.problems, email: parsed.email, name: parsed.name }), 400);
    }
    try {
      const result = signUp({ store, settings: list, secret, formUrl }, parsed.values, { ip, userAgent: c.req.header('user-agent') }, now());
      log({ event: 'signup', address: maskAddress(parsed.values.email), outcome: result.outcome });
      if (result.noticeId !== undefined) options.onNotice?.();
    } catch (error) {
      log({ event: 'signup-failed', address: maskAddress(parsed.values.email), error: errorName(error) });
      c.header('Retry-After', '5');
      return c.html(unavailablePage(), 503);
    }
    // The same answer for a new, a pending and an existing address: no enumeration.
    return c.html(checkInboxPage(list));
  });

  const maxAgeMs = list.confirmDays * 86_400_000;
  app.get('/confirm/:token', (c) => {
    noStore(c);
    const check = checkConfirmation(store, secret, c.req.param('token'), now(), maxAgeMs);
    if (!check.ok) return c.html(confirmFailedPage(check.reason, formUrl), 400);
    return c.html(confirmSubscriptionPage(maskAddress(check.email), list.sender.name));
  });

  app.post('/confirm/:token', (c) => {
    noStore(c);
    let result: ReturnType<typeof confirmSignUp>;
    try {
      result = confirmSignUp({ store, settings: list, secret }, c.req.param('token'), now());
    } catch (error) {
      log({ event: 'confirm-failed', error: errorName(error) });
      c.header('Retry-After', '5');
      return c.html(unavailablePage(), 503);
    }
    if (!result.ok) {
      log({ event: 'confirm-rejected', reason: result.reason });
      return c.html(confirmFailedPage(result.reason, formUrl), 400);
    }
    log({ event: 'confirmed', address: maskAddress(result.email) });
    options.onNotice?.();
    return c.html(confirmedPage(maskAddress(result.email), list.sender.name));
  });
}

/** The posted fields, from a urlencoded or multipart body; undefined for anything else. */
async function readForm(c: Context): Promise<URLSearchParams | undefined> {
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  try {
    if (type.startsWith('application/x-www-form-urlencoded')) return new URLSearchParams(await c.req.text());
    if (type.startsWith('multipart/form-data')) {
      const body = await c.req.parseBody({ all: true });
      const form = new URLSearchParams();
      for (const [key, value] of Object.entries(body)) {
        for (const v of Array.isArray(value) ? value : [value]) if (typeof v === 'string') form.append(key, v);
      }
      return form;
    }
  } catch {
    return undefined;
  }
  return undefined;
}
