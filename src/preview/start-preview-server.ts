import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import type { Transport } from '../transport/transport.ts';
import { DEFAULT_CHROMIUM } from '../check/launch-chromium.ts';
import { createClientSupportChecker } from './client-support-checker.ts';
import { createInboxChecker } from './inbox-checker.ts';
import { createPreviewApp } from './create-preview-app.ts';
import { createEditionStore } from './edition-store.ts';
import { createEventHub } from './event-hub.ts';
import { createRenderPipeline } from './render-pipeline.ts';
import { loadSampleRecipients, type SampleRecipients } from './sample-recipients.ts';
import { previewSettingsSchema } from './settings.ts';
import { viteInWorker } from './vite-host.ts';
import { watchProject } from './watch-project.ts';

export interface PreviewServer {
  url: string;
  close(): Promise<void>;
}

/** What boot.mjs has ready for the server. */
export interface PreviewAssets {
  /** client.ts as a browser script (without it, the script is made on the first request). */
  clientFile?: string;
}

/**
 * Wires the preview: a render pipeline over the project's own modules, a store of
 * renders, a watcher that invalidates them, the HTTP app, and server-sent events that
 * tell open pages to fetch again. Called by boot.mjs inside the server process.
 */
export async function startPreviewServer(input: unknown, built: PreviewAssets = {}): Promise<PreviewServer> {
  const settings = previewSettingsSchema.parse(input);
  const root = resolve(settings.root);
  const sample = { publicUrl: settings.publicUrl, secret: settings.secret };
  const pipeline = createRenderPipeline({ root, vite: () => viteInWorker(root), bundle: true });
  // React, React Email and the templates take most of a first page's time: start now,
  // while the browser is still on its way.
  pipeline.warm();
  const clientSupport = createClientSupportChecker();
  const inbox = createInboxChecker({ chromiumPath: settings.chromiumPath ?? DEFAULT_CHROMIUM, sample });
  const store = createEditionStore({ root, pipeline, sample, clientSupport, ...(settings.engine ? { engine: settings.engine } : {}) });
  const hub = createEventHub();
  let recipients: Promise<SampleRecipients> = loadSampleRecipients(root);

  const outboxDir = resolve(root, settings.outboxDir);
  const outboxFor = (slug: string) => join(outboxDir, `${slug}-test`);
  const transports = new Map<string, Transport>();
  // Loaded on the first test send: the Resend SDK and nodemailer's composer cost ~15 MB
  // and ~100 ms at start, for a button most sessions never press.
  const transportFor = async (slug: string): Promise<Transport> => {
    const key = settings.resend ? '' : slug;
    let transport = transports.get(key);
    if (!transport) {
      const resend = settings.resend;
      transport = resend
        ? (await import('../transport/resend.ts')).createResendTransport({ apiKey: resend.apiKey, ...(resend.baseUrl ? { baseUrl: resend.baseUrl } : {}) })
        : (await import('../transport/outbox.ts')).createOutboxTransport({ dir: outboxFor(slug) });
      transports.set(key, transport);
    }
    return transport;
  };

  let client: Promise<string> | undefined;
  const clientScript = () => {
    client ??= (async () => {
      const script = built.clientFile ? await readFile(built.clientFile, 'utf8').catch(() => undefined) : undefined;
      if (script !== undefined) return script;
      const file = fileURLToPath(new URL('./client.ts', import.meta.url));
      const { transformWithOxc } = await import('vite');
      return (await transformWithOxc(await readFile(file, 'utf8'), file)).code;
    })();
    // A failure is not kept: the next request tries again.
    client.catch(() => {
      client = undefined;
    });
    return client;
  };

  const watcher = watchProject(root, (change) => {
    const template = change.templates.length > 0;
    if (template) {
      pipeline.invalidate(change.templates);
      store.changed('all');
    }
    if (change.editions.length > 0) store.changed(change.editions);
    if (change.recipients) recipients = loadSampleRecipients(root);
    // Start rendering now; the pages' requests, a few ms behind the event, find it under way.
    void (template ? store.slugs() : Promise.resolve(change.editions)).then((slugs) => {
      for (const slug of slugs) void store.get(slug);
    });
    hub.publish({ editions: template ? 'all' : change.editions, ...(change.recipients ? { recipients: true } : {}) });
  });

  const anyHost = settings.host === '0.0.0.0' || settings.host === '::';
  let port = settings.port;
  const hosts = new Set<string>();
  const app = createPreviewApp({
    store,
    hub,
    recipients: () => recipients,
    settings: sample,
    inbox,
    transportFor,
    outboxFor: (slug) => relative(root, outboxFor(slug)),
    clientScript,
    allowedHosts: anyHost ? undefined : hosts,
  });

  const server = serve({ fetch: app.fetch, port: settings.port, hostname: settings.host });
  await new Promise<void>((ready, fail) => {
    server.once('listening', ready);
    server.once('error', fail);
  });
  port = (server.address() as AddressInfo).port;
  for (const name of [settings.host, '127.0.0.1', 'localhost', '[::1]']) hosts.add(`${name.includes(':') && !name.startsWith('[') ? `[${name}]` : name}:${port}`);
  const shownHost = anyHost ? '127.0.0.1' : settings.host.includes(':') ? `[${settings.host}]` : settings.host;

  return {
    url: `http://${shownHost}:${port}`,
    async close() {
      watcher.close();
      // Open event streams would keep close() waiting forever.
      if ('closeAllConnections' in server) server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      await Promise.all([...transports.values()].map((t) => t.close()));
      await Promise.all([clientSupport.close(), inbox.close()]);
      await pipeline.close();
    },
  };
}
