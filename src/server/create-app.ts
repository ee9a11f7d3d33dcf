import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { routePath } from 'hono/route';
import { secureHeaders } from 'hono/secure-headers';
import type { ListSettings } from '../consent/list-settings.ts';
import { recordRefusal } from '../consent/refusal.ts';
import type { Store } from '../store/open-store.ts';
import { createSvixVerifier } from '../webhooks/verify-svix-signature.ts';
import { archiveIndexPage } from './archive-index-page.ts';
import { createEditionArchive, type ArchiveMode } from './edition-archive.ts';
import { errorName } from './error-name.ts';
import { notFoundPage, tooLargePage, unavailablePage } from './error-pages.ts';
import { createIpRateLimit } from './ip-rate-limit.ts';
import { adminRoutes } from './routes/admin-routes.ts';
import { signUpRoutes } from './routes/sign-up-routes.ts';
import { unsubscribeRoutes } from './routes/unsubscribe-routes.ts';
import { webhookRoutes } from './routes/webhook-routes.ts';
import { createSuppressionWriter } from './suppression-writer.ts';

/** One structured log line. Never a token, a secret or a full address (see maskAddress). */
export type LogEvent = { event: string } & Record<string, unknown>;
export type ServerLog = (entry: LogEvent) => void;

export interface AppOptions {
  /** The journal the send command writes: suppressions go here, sent campaigns come from here. */
  store: Store;
  /** The unsubscribe tokens' key (NEWSLETTER_SECRET): the one the send command signed with. */
  secret: string;
  /** Svix signing secret of the Resend webhook (RESEND_WEBHOOK_SECRET); without it the endpoint answers 503. */
  webhookSecret?: string | undefined;
  /** Where the editions are (`content/`), for the archive. */
  contentDir: string;
  /** @default 'sent' — see ArchiveMode. */
  archive?: ArchiveMode;
  /** For the web version's own link; without it the publisher's URL. */
  publicUrl?: string | undefined;
  /** The clock, in ms since the epoch: suppression times and the webhook skew check. */
  now: () => number;
  log: ServerLog;
  /**
   * content/list.yaml: the sender and the consent wording. With it, `/subscribe` and
   * `/confirm/<token>` exist and every refusal journals its §50⑦ notice; without it
   * neither does.
   */
  list?: ListSettings | undefined;
  /** Sign-ups per IP. @default 5 per 10 minutes */
  signUpRateLimit?: { max: number; windowMs: number };
  /** Read the client's address from X-Forwarded-For (behind your own proxy only). @default false */
  trustProxy?: boolean;
  /**
   * NEWSLETTER_ADMIN_TOKEN: with it, `/admin` shows the campaigns' reports to whoever
   * presents it; without it, `/admin` does not exist (404).
   */
  adminToken?: string | undefined;
  /** Called after a notice is journaled (a sign-up, a confirmation, a refusal): serve sends it. */
  onNotice?: () => void;
}

/**
 * Bodies past these are refused with 413 before anything reads them. Other routes never
 * read a body (and @hono/node-server discards what a handler left unread).
 */
export const BODY_LIMITS = {
  /** A one-click POST is 26 bytes; a form post a little more. */
  unsubscribe: 4 * 1024,
  /** The sign-up form: an address, a name, a checkbox. */
  signUp: 8 * 1024,
  /** Resend's email events are a few KB; generous for long subjects and many tags. */
  webhook: 256 * 1024,
} as const;

/** `suppressions.source` of a reader who left through Resend's hosted unsubscribe page (a broadcast). */
export const RESEND_PAGE_SOURCE = 'resend-unsubscribe-page';

/**
 * The public server: unsubscribe pages and the RFC 8058 one-click endpoint, the Resend
 * webhook receiver, and the archive of sent editions. Everything outside (store, clock,
 * secrets, log) comes in as options, so tests run it in-process on a temp database.
 */
export function createApp(options: AppOptions): Hono {
  const { store, secret, now, log } = options;
  const list = options.list;
  // Every refusal through /u/ is the suppression, the status, the consent log and the
  // §50⑦ notice, in the writer's group commit.
  const writer = createSuppressionWriter(store, { write: (input) => recordRefusal(store, input, list) });
  const verifyWebhook = options.webhookSecret === undefined ? undefined : createSvixVerifier(options.webhookSecret);
  const archive = createEditionArchive({
    store,
    contentDir: options.contentDir,
    mode: options.archive ?? 'sent',
    publicUrl: options.publicUrl,
    onInvalid: (file, problems) => log({ event: 'archive-edition-invalid', file, problems: problems.length }),
  });

  const app = new Hono();

  // Pages carry no script and load nothing from elsewhere; the web versions need inline
  // styles (email HTML) and https images. no-referrer keeps /u/TOKEN out of Referer.
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        styleSrc: ["'unsafe-inline'"],
        imgSrc: ['https:', 'data:'],
        formAction: ["'self'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
      },
      referrerPolicy: 'no-referrer',
    }),
  );

  // Access log: the route pattern (`/u/:token`), never the path, which holds the token.
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    log({ event: 'request', method: c.req.method, route: routePath(c, -1), status: c.res.status, ms: Math.round((performance.now() - started) * 10) / 10 });
  });

  const tooLarge = (c: Context) => c.html(tooLargePage(), 413);
  app.use('/u/*', bodyLimit({ maxSize: BODY_LIMITS.unsubscribe, onError: tooLarge }));
  app.use('/webhooks/*', bodyLimit({ maxSize: BODY_LIMITS.webhook, onError: (c) => c.json({ error: 'payload too large' }, 413) }));

  unsubscribeRoutes(app, { secret, writer, now, log, ...(options.onNotice === undefined ? {} : { onNotice: options.onNotice }) });
  webhookRoutes(app, {
    store,
    verifyWebhook,
    now,
    log,
    onContactUnsubscribed: (address, at) => recordRefusal(store, { address, reason: 'unsubscribed', source: RESEND_PAGE_SOURCE, at }, list),
    ...(options.onNotice === undefined ? {} : { onNotice: options.onNotice }),
  });
  if (options.list !== undefined) {
    app.use('/subscribe', bodyLimit({ maxSize: BODY_LIMITS.signUp, onError: tooLarge }));
    app.use('/confirm/*', bodyLimit({ maxSize: BODY_LIMITS.unsubscribe, onError: tooLarge }));
    signUpRoutes(app, {
      store,
      list: options.list,
      secret,
      publicUrl: options.publicUrl ?? 'http://localhost:8787',
      rateLimit: createIpRateLimit(options.signUpRateLimit ?? { max: 5, windowMs: 10 * 60_000 }),
      trustProxy: options.trustProxy ?? false,
      now,
      log,
      ...(options.onNotice === undefined ? {} : { onNotice: options.onNotice }),
    });
  }

  if (options.adminToken !== undefined) {
    app.use('/admin/*', bodyLimit({ maxSize: BODY_LIMITS.unsubscribe, onError: tooLarge }));
    adminRoutes(app, { store, token: options.adminToken, rateLimit: createIpRateLimit({ max: 10, windowMs: 10 * 60_000 }), trustProxy: options.trustProxy ?? false, now, log });
  }

  app.get('/archive', async (c) => {
    c.header('Cache-Control', 'public, max-age=300');
    return c.html(archiveIndexPage(await archive.list()));
  });

  app.get('/archive/:slug', async (c) => {
    const html = await archive.page(c.req.param('slug'));
    if (html === undefined) return c.html(notFoundPage(), 404);
    c.header('Cache-Control', 'public, max-age=300');
    return c.html(html);
  });

  app.get('/', (c) => c.redirect('/archive'));
  app.get('/healthz', (c) => c.json({ ok: true }));

  app.notFound((c) => c.html(notFoundPage(), 404));
  app.onError((error, c) => {
    log({ event: 'error', route: routePath(c, -1), error: errorName(error) });
    return c.html(unavailablePage(), 500);
  });

  return app;
}
