import { sampleIdentity, type SampleSettings } from '../check/sample-message.ts';
import { GMAIL_CLIP_BYTES } from '../check/check-size.ts';
import { createPersonalizer } from '../send/personalize.ts';
import type { Engine } from '../render/render-email.ts';
import type { Recipient } from '../subscribers/schema.ts';
import type { DescribedError } from './describe-error.ts';
import type { Rendered } from './edition-store.ts';
import { frameVariants, type FrameVariants } from './frame-variants.ts';
import { recipientLabel } from './sample-recipients.ts';

interface Common {
  slug: string;
  file: string;
  version: number;
  /** The rows of the sample list the picker offers. */
  recipients: { index: number; label: string }[];
  recipientsProblem?: string;
}

/** What the edition page shows; the client script draws it (src/preview/client.ts). */
export type PreviewState =
  | (Common & {
      ok: true;
      subject: string;
      preheader: string;
      date: string;
      advertisement: boolean;
      /** The engine that made this HTML. */
      engine: Engine;
      frames: FrameVariants;
      text: string;
      /** The HTML as the frames show it (personalized or with merge slots). */
      source: string;
      htmlBytes: number;
      textBytes: number;
      /** The personalized HTML's size, when a row is picked. */
      personalizedBytes?: number;
      clipBytes: number;
      /** The picked row, or null for the merge slots as written. */
      recipient: number | null;
      renderMs: number;
    })
  | (Common & { ok: false; kind: 'edition'; problems: { where?: string; message: string }[] })
  | (Common & { ok: false; kind: 'template'; error: DescribedError });

/**
 * The edition page's data for one render, personalized for row `recipient` of the sample
 * list (createPersonalizer, with the dev secret and public URL) or with the merge slots
 * left as written when none is picked.
 */
export function previewState(rendered: Rendered, options: { recipients: Recipient[]; recipientsProblem?: string; recipient: number | null; settings: SampleSettings }): PreviewState {
  const common: Common = {
    slug: rendered.slug,
    file: rendered.file,
    version: rendered.version,
    recipients: options.recipients.map((r, index) => ({ index, label: recipientLabel(r) })),
    ...(options.recipientsProblem ? { recipientsProblem: options.recipientsProblem } : {}),
  };
  if (!rendered.ok) {
    if (rendered.kind === 'template') return { ...common, ok: false, kind: 'template', error: rendered.error };
    return {
      ...common,
      ok: false,
      kind: 'edition',
      problems: rendered.problems.map((p) => {
        const m = /^(.+?:\d+) ([\s\S]*)$/.exec(p);
        return m?.[1] ? { where: m[1], message: m[2] ?? p } : { message: p };
      }),
    };
  }
  const { edition, email } = rendered;
  const row = options.recipient === null ? undefined : options.recipients[options.recipient];
  let subject = email.subject;
  let html = email.html;
  let text = email.text;
  if (row) {
    const message = createPersonalizer(email, sampleIdentity(edition, options.settings))(row);
    ({ subject, html, text } = message);
  }
  return {
    ...common,
    ok: true,
    subject,
    preheader: email.preheader,
    date: edition.date,
    advertisement: edition.advertisement,
    engine: rendered.engine,
    frames: frameVariants(html),
    text,
    source: html,
    htmlBytes: rendered.htmlBytes,
    textBytes: rendered.textBytes,
    ...(row ? { personalizedBytes: Buffer.byteLength(html) } : {}),
    clipBytes: GMAIL_CLIP_BYTES,
    recipient: row ? (options.recipient as number) : null,
    renderMs: rendered.renderMs,
  };
}
