import { render } from '@react-email/render';
import Newsletter, { MSO_CLOSE, MSO_OPEN, type NewsletterProps } from '../../emails/newsletter.tsx';
import type { Edition, Engine } from '../content/schema.ts';
import type { Email } from './email.ts';
import { renderMjml } from './render-mjml.ts';
import { renderText } from './render-text.ts';
import { withUtmLinks } from './utm-links.ts';

export { ENGINES, type Engine } from '../content/schema.ts';

export interface RenderOptions {
  /** Overrides the edition's `engine` front matter (`--engine` on the command line). @default edition.engine */
  engine?: Engine;
}

/**
 * Outlook's Word engine ignores `max-width`, so the fluid 600 px column would stretch
 * across the window. The usual fix is a fixed-width "ghost table" that only Outlook
 * sees, inside conditional comments; React cannot emit comments, so the template marks
 * the spot and we put them in here.
 */
const GHOST_OPEN =
  '<!--[if mso]><table role="presentation" width="600" align="center" cellpadding="0" cellspacing="0" border="0"><tr><td><![endif]-->';
const GHOST_CLOSE = '<!--[if mso]></td></tr></table><![endif]-->';

/**
 * Renders an edition once, with merge slots left in for the send step to fill. Only the
 * HTML depends on the engine: the text part is built from the edition, and nothing past
 * this function knows which engine made the email. Both get the same links, UTM-tagged
 * here once (utm-links.ts) unless the edition says `utm: false`.
 */
export async function renderEmail(edition: Edition, options: RenderOptions = {}): Promise<Email> {
  const tagged = withUtmLinks(edition);
  const html = await renderHtml(tagged, options.engine ?? edition.engine);
  return {
    slug: edition.slug,
    subject: edition.subject,
    preheader: edition.preheader,
    html,
    text: renderText(tagged),
    greeting: edition.greeting,
  };
}

/**
 * The HTML alone, by engine, of the edition as given: callers pass it through
 * `withUtmLinks` first (renderEmail, buildEdition). `slots` fills the per-recipient
 * places with fixed values (the web version); without it they stay merge slots.
 */
export async function renderHtml(edition: Edition, engine: Engine, slots?: NewsletterProps['slots']): Promise<string> {
  if (engine === 'mjml') return renderMjml(edition, slots);
  const html = await render(Newsletter({ edition, slots }));
  return html.replace(MSO_OPEN, GHOST_OPEN).replace(MSO_CLOSE, GHOST_CLOSE);
}
