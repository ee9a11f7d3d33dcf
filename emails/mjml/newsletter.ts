import type { FooterLinks } from '../components/footer.tsx';
import type { NewsletterProps } from '../newsletter.tsx';
import { theme } from '../theme.ts';
import { blocks } from './blocks.ts';
import { callToAction } from './call-to-action.ts';
import { footer } from './footer.ts';
import { head, preheader } from './head.ts';
import { header } from './header.ts';
import { paragraph } from './inline.ts';
import { indexGrid, indexTitle } from './issue-index.ts';
import { closingSection, issueSection } from './issue-section.ts';
import { h } from './markup.ts';

/**
 * The MJML version of emails/newsletter.tsx: the same edition, parts and merge slots,
 * as an MJML document for src/render/render-mjml.ts to compile.
 *
 * The white card is four mj-sections on the grey page: masthead and introduction, the
 * index grid (a section per row of cards), the issues with the closing and the call to
 * action, and the footer. Few sections on purpose: each one costs about 1.5 KB of
 * Outlook tables, and Gmail clips a message past ~102 KB.
 */
export function newsletterMjml({ edition, slots = {} }: NewsletterProps): string {
  const greeting = slots.greeting ?? '{{greeting}}';
  const links: FooterLinks = { webUrl: slots.webUrl ?? '{{web_url}}', unsubscribeUrl: slots.unsubscribeUrl ?? '{{unsubscribe_url}}' };
  return h(
    'mjml',
    { lang: 'ko', dir: 'ltr' },
    head(edition),
    h(
      'mj-body',
      { width: `${theme.width}px`, 'background-color': theme.light.page, 'css-class': 'nl-page' },
      preheader(edition),
      h(
        'mj-section',
        { 'mj-class': 'card', 'padding-top': '28px' },
        h(
          'mj-column',
          null,
          header(edition),
          h('mj-text', { 'mj-class': 'greeting' }, paragraph('nl-text', greeting)),
          blocks(edition.intro),
          indexTitle(edition.sections),
        ),
      ),
      indexGrid(edition.sections),
      h(
        'mj-section',
        { 'mj-class': 'card', 'padding-top': '6px' },
        h(
          'mj-column',
          null,
          edition.sections.map((section, i) => issueSection(section, i + 1)),
          edition.closing.map(closingSection),
          edition.cta ? callToAction(edition.cta) : null,
        ),
      ),
      footer(edition, links),
    ),
  ).toString();
}
