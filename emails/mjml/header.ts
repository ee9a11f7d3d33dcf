import type { Edition } from '../../src/content/schema.ts';
import { formatDate } from '../components/header.tsx';
import { editionTitle } from '../components/title.ts';
import { theme } from '../theme.ts';
import { paragraph } from './inline.ts';
import { css, h, type Markup } from './markup.ts';
import { headingStyle } from './styles.ts';

/** The publisher's masthead: logo or name (linked to the site), tagline, the edition's date; then the edition's title, the one <h1>. */
export function header(edition: Edition): Markup[] {
  const { publisher } = edition;
  const masthead = publisher.logo
    ? h('mj-image', { src: publisher.logo.src, alt: publisher.logo.alt, width: `${publisher.logo.width}px`, href: publisher.url, align: 'left', padding: '0' })
    : h(
        'mj-text',
        null,
        h(
          'a',
          { href: publisher.url, class: 'nl-link', style: css({ color: theme.light.accent, 'text-decoration': 'none' }), target: '_blank' },
          h('span', { style: css({ 'font-size': '18px', 'font-weight': '800', 'letter-spacing': '-0.2px' }) }, publisher.name),
        ),
      );
  return [
    masthead,
    h(
      'mj-text',
      { 'mj-class': 'small', 'line-height': '1.5', 'padding-top': '6px', 'padding-bottom': '0' },
      paragraph('nl-muted', [publisher.tagline ? `${publisher.tagline} · ` : '', formatDate(edition.date)]),
    ),
    h(
      'mj-text',
      { 'padding-top': '14px', 'padding-bottom': '16px' },
      h('h1', { class: 'nl-text nl-h1', style: css({ ...headingStyle, 'font-size': `${theme.size.h1}px`, 'line-height': '1.35' }) }, editionTitle(edition.subject)),
    ),
  ];
}
