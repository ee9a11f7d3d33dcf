import type { Edition } from '../content/schema.ts';
import type { Email } from '../render/email.ts';
import { composeEml } from '../transport/compose-eml.ts';
import { checkAccessibility } from './check-accessibility.ts';
import { runSpamAssassin, spamFindings } from './check-spam.ts';
import type { Browser } from 'playwright-core';
import type { Finding } from './finding.ts';
import { sampleMessage, type SampleSettings } from './sample-message.ts';

export interface InboxCheckOptions {
  /** Chromium, from launchChromium; undefined when there is none (a warning says how to install it). */
  browser: Browser | undefined;
  /** The SpamAssassin command. @default 'spamassassin' */
  spamassassin?: string;
  /** The unsubscribe links' base and key, as for the other checks' sample message. */
  settings: SampleSettings;
}

export interface InboxFindings {
  accessibility: Finding[];
  spam: Finding[];
}

/**
 * The checks that need programs from outside Node, over one personalized message (the
 * first reader a sample list would have, so merge slots are filled as a reader sees them):
 * axe-core and the EMC checks in Chromium, and SpamAssassin over the message's MIME as the
 * outbox writes it. A missing program is a warning saying how to install it, never a
 * failure. Only `check` and the preview run these: `send` must never need a browser.
 */
export async function checkInbox(edition: Edition, email: Email, options: InboxCheckOptions): Promise<InboxFindings> {
  const message = sampleMessage(edition, email, options.settings);
  const eml = await composeEml(message, 'check-sample', new Date(`${edition.date}T09:00:00+09:00`));
  const [accessibility, spam] = await Promise.all([
    checkAccessibility(options.browser, message.html, edition.subject),
    runSpamAssassin(eml, options.spamassassin).then(spamFindings),
  ]);
  return { accessibility, spam };
}
