import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import type { SampleSettings } from '../check/sample-message.ts';
import type { Engine } from '../render/render-email.ts';
import type { Transport } from '../transport/transport.ts';
import type { EditionStore } from './edition-store.ts';
import type { EventHub } from './event-hub.ts';
import { previewState } from './preview-state.ts';
import { renderPage } from './render-page.ts';
import type { InboxChecker } from './inbox-checker.ts';
import type { SampleRecipients } from './sample-recipients.ts';
import { parseTestAddresses, sendTest } from './send-test.ts';

export interface PreviewAppOptions {
  store: EditionStore;
  hub: EventHub;
  /** The sample list as last read (it is read again when the file changes). */
  recipients: () => Promise<SampleRecipients>;
  settings: SampleSettings;
  /** The accessibility check and the spam score (Chromium, SpamAssassin), a few seconds each: fetched after the other checks. */
  inbox: InboxChecker;
  /** Where an edition's test sends go: Resend when configured, else the outbox. */
  transportFor: (slug: string) => Promise<Transport>;
  /** Shown after a test send to the outbox: its folder, relative to the project. */
  outboxFor: (slug: string) => string | undefined;
  /** The client script, types stripped. */
  clientScript: () => Promise<string>;
  /** `Host` values the server answers to (DNS rebinding); undefined accepts any (bound to all interfaces on purpose). */
  allowedHosts: ReadonlySet<string> | undefined;
}

const testSendSchema = z.strictObject({
  to: z.string().max(2000),
  recipient: z.number().int().min(0).nullable().optional(),
  engine: z.enum(['react', 'mjml']).optional(),
});

/**
 * `?recipient=N` personalizes for row N of the sample list; `none` keeps the merge slots as
 * written; without it the page opens as the first subscriber gets it (an editor should see
 * the email as a reader does). A row past the list's end falls back to the first.
 */
export function pickRecipient(raw: string | undefined, rows: number): number | null {
  if (raw === 'none' || rows === 0) return null;
  const picked = raw === undefined || raw === '' ? 0 : Number(raw);
  return Number.isInteger(picked) && picked >= 0 && picked < rows ? picked : 0;
}

/** `?engine=react|mjml`; anything else (none, `both`) means the default engine. */
function engineOf(c: Context): Engine | undefined {
  const value = c.req.query('engine');
  return value === 'react' || value === 'mjml' ? value : undefined;
}

/**
 * The preview's routes:
 *   GET  /                          the editions, with size and check counts
 *   GET  /e/:slug                   an edition page (frames, dark, tabs, checks, test send;
 *                                   ?engine=react|mjml|both, both side by side)
 *   GET  /e/:slug/web               its web version, standalone
 *   GET  /api/editions              the index's data
 *   GET  /api/editions/:slug        an edition page's data (?recipient=N, default the first subscriber, none for the slots; ?engine=react|mjml)
 *   GET  /api/editions/:slug/checks the checks report (?engine=react|mjml)
 *   GET  /api/editions/:slug/inbox-checks accessibility and spam-score findings (Chromium, SpamAssassin; slow, so apart)
 *   POST /api/editions/:slug/test-send
 *   GET  /events                    server-sent events: what changed
 *   GET  /client.js                 the page script
 */
export function createPreviewApp(options: PreviewAppOptions): Hono {
  const { store, hub, settings } = options;
  const app = new Hono();

  // The server can send email and reads the project: a web page the developer visits
  // must not be able to reach it. Host pinning stops DNS rebinding; the POST below also
  // requires JSON from our own origin, which a cross-site form cannot send.
  app.use(async (c, next) => {
    const host = c.req.header('host') ?? '';
    if (options.allowedHosts && !options.allowedHosts.has(host)) return c.text(`Host ${host} is not this preview server.`, 421);
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    if (!c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'no-store');
  });

  const statePayload = async (c: Context, slug: string) => {
    const rendered = await store.get(slug, engineOf(c));
    if (!rendered) return undefined;
    const { recipients, problem } = await options.recipients();
    const recipient = pickRecipient(c.req.query('recipient'), recipients.length);
    return previewState(rendered, { recipients, recipient, settings, ...(problem ? { recipientsProblem: problem } : {}) });
  };

  app.get('/', async (c) => c.html(renderPage({ title: 'Editions — newsletter preview', page: 'index', state: await store.summaries() })));
  app.get('/api/editions', async (c) => c.json(await store.summaries()));

  app.get('/e/:slug', async (c) => {
    const state = await statePayload(c, c.req.param('slug'));
    if (!state) return c.html(notFound(c.req.param('slug')), 404);
    return c.html(renderPage({ title: `${state.ok ? state.subject : state.slug} — preview`, page: 'edition', state }));
  });
  app.get('/e/:slug/web', async (c) => {
    const rendered = await store.get(c.req.param('slug'), engineOf(c));
    if (!rendered) return c.html(notFound(c.req.param('slug')), 404);
    if (!rendered.ok) return c.text('This edition does not render; see its preview page for why.', 409);
    try {
      return c.html((await store.web(c.req.param('slug'), engineOf(c))) ?? '');
    } catch (error) {
      return c.text(`The web version failed: ${error instanceof Error ? error.message : String(error)}`, 500);
    }
  });
  app.get('/api/editions/:slug', async (c) => {
    const state = await statePayload(c, c.req.param('slug'));
    return state ? c.json(state) : c.json({ error: 'no such edition' }, 404);
  });
  app.get('/api/editions/:slug/checks', async (c) => {
    const report = await store.checks(c.req.param('slug'), engineOf(c));
    return report ? c.json(report) : c.json({ error: 'no such edition' }, 404);
  });

  app.get('/api/editions/:slug/inbox-checks', async (c) => {
    const rendered = await store.get(c.req.param('slug'), engineOf(c));
    if (!rendered) return c.json({ error: 'no such edition' }, 404);
    if (!rendered.ok) return c.json({ findings: [] });
    const { accessibility, spam } = await options.inbox.check(rendered.edition, rendered.email);
    return c.json({ findings: [...accessibility, ...spam] });
  });

  app.post('/api/editions/:slug/test-send', bodyLimit({ maxSize: 8 * 1024, onError: (c) => c.json({ ok: false, problems: ['request too large'] }, 413) }), async (c) => {
    const origin = c.req.header('origin');
    const own = new URL(c.req.url).origin;
    if (origin !== undefined && origin !== own) return c.json({ ok: false, problems: [`requests from ${origin} are not accepted`] }, 403);
    if (!(c.req.header('content-type') ?? '').startsWith('application/json')) {
      return c.json({ ok: false, problems: ['send JSON: {"to": "a@x, b@y", "recipient": 0}'] }, 415);
    }
    const body = testSendSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!body.success) return c.json({ ok: false, problems: body.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`) }, 400);
    const slug = c.req.param('slug');
    const rendered = await store.get(slug, body.data.engine);
    if (!rendered) return c.json({ ok: false, problems: ['no such edition'] }, 404);
    if (!rendered.ok) return c.json({ ok: false, problems: ['this edition does not render — fix the errors shown on the page first'] }, 409);
    const parsed = parseTestAddresses(body.data.to);
    if (!parsed.ok) return c.json({ ok: false, problems: parsed.problems }, 400);
    const { recipients } = await options.recipients();
    const as = body.data.recipient === null || body.data.recipient === undefined ? undefined : recipients[body.data.recipient];
    const transport = await options.transportFor(slug);
    try {
      const result = await sendTest({ edition: rendered.edition, email: rendered.email, addresses: parsed.addresses, transport, settings, ...(as ? { as } : {}) });
      const where = transport.name === 'outbox' ? options.outboxFor(slug) : undefined;
      return c.json({ ...result, transport: transport.name, ...(where ? { where } : {}) }, result.ok ? 200 : 502);
    } catch (error) {
      return c.json({ ok: false, transport: transport.name, problems: [error instanceof Error ? error.message : String(error)] }, 502);
    }
  });

  app.get('/events', (c) =>
    streamSSE(c, async (stream) => {
      let wake: () => void = () => {};
      const done = new Promise<void>((resolve) => {
        wake = resolve;
      });
      const unsubscribe = hub.subscribe((event) => {
        stream.writeSSE({ event: 'change', data: JSON.stringify(event) }).catch(wake);
      });
      stream.onAbort(wake);
      // A comment line now and then: proxies and the browser keep an idle stream open.
      const keepAlive = setInterval(() => stream.write(': keep-alive\n\n').catch(wake), 15_000);
      await stream.writeSSE({ event: 'hello', data: '{}' });
      await done;
      clearInterval(keepAlive);
      unsubscribe();
    }),
  );

  app.get('/client.js', async (c) => {
    c.header('Content-Type', 'text/javascript; charset=utf-8');
    return c.body(await options.clientScript());
  });

  // Browsers ask for it on every page; answering spares a 404 in the console.
  app.get('/favicon.ico', (c) => c.body(null, 204));

  app.notFound((c) => c.html(notFound(undefined), 404));
  return app;
}

function notFound(slug: string | undefined): string {
  const what = slug === undefined ? 'This page does not exist.' : `There is no edition content/${slug.replace(/[&<>"']/g, '')}.md.`;
  return `<!doctype html><meta charset="utf-8"><title>Not found</title><p>${what} <a href="/">See the editions</a>.</p>`;
}
