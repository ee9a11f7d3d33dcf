import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { routePath } from 'hono/route';
import { secureHeaders } from 'hono/secure-headers';
import { verifyUnsubscribeToken } from '../send/unsubscribe-token.ts';
import type { Store } from '../store/open-store.ts';
import { recordResendEvent } from '../webhooks/record-resend-event.ts';
import { resendEventSchema } from '../webhooks/resend-event.ts';
import { createSvixVerifier } from '../webhooks/verify-svix-signature.ts';
import { archiveIndexPage } from './archive-index-page.ts';
import { createEditionArchive, type ArchiveMode } from './edition-archive.ts';
import { notFoundPage, tooLargePage, unavailablePage } from './error-pages.ts';
import { maskAddress } from './mask-address.ts';
import { createSuppressionWriter } from './suppression-writer.ts';
import { confirmPage, donePage, invalidLinkPage } from './unsubscribe-pages.ts';

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
}

/**
 * Bodies past these are refused with 413 before anything reads them. Other routes never
 * read a body (and @hono/node-server discards what a handler left unread).
 */
export const BODY_LIMITS = {
  /** A one-click POST is 26 bytes; a form post a little more. */
  unsubscribe: 4 * 1024,
  /** Resend's email events are a few KB; generous for long subjects and many tags. */
  webhook: 256 * 1024,
} as const;

/** A token is ~100 characters; anything far longer is not ours and is not worth an HMAC. */
const MAX_TOKEN_LENGTH = 1024;

/**
 * The public server: unsubscribe pages and the RFC 8058 one-click endpoint, the Resend
 * webhook receiver, and the archive of sent editions. Everything outside (store, clock,
 * secrets, log) comes in as options, so tests run it in-process on a temp database.
 */
export function createApp(options: AppOptions): Hono {
  const { store, secret, now, log } = options;
  const writer = createSuppressionWriter(store);
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

  const readToken = (c: Context) => {
    const token = c.req.param('token') ?? '';
    return token.length > MAX_TOKEN_LENGTH ? undefined : verifyUnsubscribeToken(secret, token);
  };
  const invalid = (c: Context) => {
    c.header('Cache-Control', 'no-store');
    return c.html(invalidLinkPage(), 400);
  };

  app.get('/u/:token', (c) => {
    const target = readToken(c);
    if (target === undefined) return invalid(c);
    c.header('Cache-Control', 'no-store');
    return c.html(confirmPage(maskAddress(target.address)));
  });

  app.post('/u/:token', async (c) => {
    const target = readToken(c);
    if (target === undefined) return invalid(c);
    const source = (await isOneClick(c)) ? 'one-click' : 'unsubscribe-page';
    let added: boolean;
    try {
      ({ added } = await writer.suppress({ address: target.address, reason: 'unsubscribed', campaign: target.campaign, source, at: now() }));
    } catch (error) {
      log({ event: 'unsubscribe-failed', address: maskAddress(target.address), campaign: target.campaign, error: errorName(error) });
      c.header('Retry-After', '5');
      return c.html(unavailablePage(), 503);
    }
    log({ event: 'unsubscribed', address: maskAddress(target.address), campaign: target.campaign, source, added });
    c.header('Cache-Control', 'no-store');
    return c.html(donePage(maskAddress(target.address)));
  });

  app.post('/webhooks/resend', async (c) => {
    if (verifyWebhook === undefined) return c.json({ error: 'webhooks are not configured: set RESEND_WEBHOOK_SECRET' }, 503);
    const raw = new Uint8Array(await c.req.arrayBuffer());
    const headers = { id: c.req.header('svix-id'), timestamp: c.req.header('svix-timestamp'), signature: c.req.header('svix-signature') };
    const verified = verifyWebhook(headers, raw, now());
    if (!verified.ok) {
      log({ event: 'webhook-rejected', reason: verified.reason });
      return c.json({ error: 'invalid signature' }, 401);
    }
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(raw).toString('utf8'));
    } catch {
      log({ event: 'webhook-rejected', reason: 'not-json', id: verified.id });
      return c.json({ error: 'body is not JSON' }, 400);
    }
    const parsed = resendEventSchema.safeParse(json);
    if (!parsed.success) {
      log({ event: 'webhook-rejected', reason: 'not-an-event', id: verified.id });
      return c.json({ error: 'body is not a Resend event' }, 400);
    }
    let result: ReturnType<typeof recordResendEvent>;
    try {
      result = recordResendEvent(store, verified.id, parsed.data, now());
    } catch (error) {
      // 5xx: Resend retries later with the same svix-id, and nothing of this one was kept.
      log({ event: 'webhook-failed', id: verified.id, type: parsed.data.type, error: errorName(error) });
      return c.json({ error: 'could not record the event, retry later' }, 503);
    }
    log({
      event: 'webhook',
      id: verified.id,
      type: parsed.data.type,
      campaign: result.campaign,
      duplicate: result.duplicate,
      suppressed: result.suppressed.map(maskAddress),
    });
    return c.json({ ok: true, duplicate: result.duplicate });
  });

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

/**
 * RFC 8058 §3.1: the one-click POST carries `List-Unsubscribe=One-Click`, as
 * application/x-www-form-urlencoded or multipart/form-data. Anything else with a valid
 * token (our own page's button) unsubscribes too; this only names the source.
 */
async function isOneClick(c: Context): Promise<boolean> {
  try {
    const type = c.req.header('content-type') ?? '';
    if (type.startsWith('multipart/form-data')) return (await c.req.parseBody())['List-Unsubscribe'] === 'One-Click';
    // The common case, and the hot path under load: parsing a 26-byte urlencoded body
    // directly costs a fraction of going through a Response's formData().
    return new URLSearchParams(await c.req.text()).get('List-Unsubscribe') === 'One-Click';
  } catch {
    return false;
  }
}

/**
 * The error's class, code and message for the log, with anything shaped like an address
 * masked (a store error can quote one) and the length bounded.
 */
function errorName(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const code = (error as { code?: unknown }).code;
  const message = error.message.slice(0, 300).replace(/[^\s<>"'(),;:]+@[^\s<>"'(),;:]+/g, (a) => maskAddress(a));
  return `${error.name}${typeof code === 'string' ? `:${code}` : ''}: ${message}`;
}
