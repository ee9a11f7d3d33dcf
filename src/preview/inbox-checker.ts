import { createHash } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { checkInbox, type InboxFindings } from '../check/check-inbox.ts';
import { launchChromium } from '../check/launch-chromium.ts';
import type { SampleSettings } from '../check/sample-message.ts';
import type { Edition } from '../content/schema.ts';
import type { Email } from '../render/email.ts';

export interface InboxChecker {
  check(edition: Edition, email: Email): Promise<InboxFindings>;
  close(): Promise<void>;
}

/** How long an idle Chromium is kept for the next check (a burst of saves). */
const IDLE_MS = 30_000;
const CACHE_SIZE = 16;

/**
 * The accessibility check and the spam score for the preview's checks panel: one Chromium,
 * launched on the first check and closed when idle, and one check at a time (each is a few
 * seconds of two processes on a 2-core machine; a burst of saves should not start five).
 * Results are kept by the edition's subject, date and HTML, so switching engines back and
 * forth or reopening a page costs nothing.
 */
export function createInboxChecker(options: { chromiumPath: string; sample: SampleSettings }): InboxChecker {
  const cache = new Map<string, Promise<InboxFindings>>();
  let browser: Promise<Browser | undefined> | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let idle: NodeJS.Timeout | undefined;

  const stop = async () => {
    const b = browser;
    browser = undefined;
    await (await b?.catch(() => undefined))?.close();
  };

  return {
    check(edition, email) {
      const key = createHash('sha256').update(`${edition.subject}\n${edition.date}\n${email.html}\n${JSON.stringify(edition.contact)}`).digest('hex');
      const kept = cache.get(key);
      if (kept) return kept;
      const run = queue.then(async () => {
        if (idle) clearTimeout(idle);
        browser ??= launchChromium(options.chromiumPath);
        try {
          return await checkInbox(edition, email, { browser: await browser, settings: options.sample });
        } finally {
          idle = setTimeout(() => void stop(), IDLE_MS).unref();
        }
      });
      queue = run.catch(() => undefined);
      if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      cache.set(key, run);
      run.catch(() => cache.delete(key));
      return run;
    },
    async close() {
      if (idle) clearTimeout(idle);
      await queue;
      await stop();
    },
  };
}
