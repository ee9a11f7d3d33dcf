import type { Edition } from '../content/schema.ts';
import type { Email } from '../render/email.ts';
import { utmCampaign, withoutUtm } from '../render/utm-links.ts';
import type { Message } from '../transport/transport.ts';
import { checkAdRules } from './check-ad-rules.ts';
import { checkImages } from './check-images.ts';
import { checkLinks } from './check-links.ts';
import { checkMergeSlots } from './check-merge-slots.ts';
import { checkSize } from './check-size.ts';
import { schemaFindings } from './check-schema.ts';
import { toReport, type CheckReport, type Finding } from './finding.ts';
import { scanHtml } from './scan-html.ts';
import { sourceLocator } from './source-locator.ts';

export interface CheckInput {
  edition: Edition;
  /** The rendered email, merge slots left in (renderEmail / buildEdition). */
  email: Email;
  /** `Buffer.byteLength(email.html)`, when the caller has it. */
  htmlBytes?: number;
  /** The edition file as shown in messages, and its text: findings then point at lines. */
  file?: string;
  source?: string;
  /** One message personalized from `email`, to check its unsubscribe headers. */
  sample?: Pick<Message, 'headers'>;
  /**
   * The caniemail findings (checkClientSupport(email.html), or the preview's worker).
   * Passed in rather than run here: that check is the slow one (~200 ms) and loads ~30 MB
   * of data, and its findings are never errors, so a caller that only needs the verdict
   * (the send command) can leave it out.
   */
  clientSupport?: Finding[];
  /**
   * The accessibility and spam-score findings (checkInbox, or the preview's), passed in for
   * the same reason: they need Chromium and SpamAssassin, which `send` must never need.
   */
  inbox?: { accessibility: Finding[]; spam: Finding[] };
}

/**
 * Every check over a rendered edition: the Korean ad-mail rules, links, images, merge
 * slots, Gmail's clipping size, and the client support, accessibility and spam score
 * found by the caller. Pure: the
 * same input gives the same report, so `newsletter check`, `newsletter send` and the
 * preview agree.
 */
export function checkEdition(input: CheckInput): CheckReport {
  const { edition, email } = input;
  const locate = sourceLocator(input.file, input.source);
  const html = scanHtml(email.html);
  const findings: Finding[] = [
    ...checkAdRules(edition, { html, text: email.text, ...(input.sample ? { headers: input.sample.headers } : {}) }, locate),
    ...checkLinks(html, email.text, locate, writtenLink(edition)),
    ...checkImages(html, locate),
    ...checkMergeSlots(email, locate),
    ...checkSize(input.htmlBytes ?? Buffer.byteLength(email.html)),
    ...(input.clientSupport ?? []),
    ...(input.inbox?.accessibility ?? []),
    ...(input.inbox?.spam ?? []),
  ];
  return toReport(findings);
}

/** A rendered link as the edition wrote it: without the UTM tags renderEmail added. */
function writtenLink(edition: Edition): (url: string) => string {
  const campaign = utmCampaign(edition);
  return campaign === undefined ? (url) => url : (url) => withoutUtm(url, campaign);
}

/** The report for an edition that did not load: its problems, each an error. */
export function checkProblems(problems: readonly string[]): CheckReport {
  return toReport(schemaFindings(problems));
}
