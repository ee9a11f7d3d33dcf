import type { Edition } from '../../src/content/schema.ts';
import { formatDate } from '../components/header.tsx';
import { theme } from '../theme.ts';
import { paragraph } from './inline.ts';
import { css, h, type Markup } from './markup.ts';

/** The publisher's masthead: logo or name (linked to the site), tagline, the edition's date. */
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
      { 'mj-class': 'small', 'line-height': '1.5', 'padding-top': '6px', 'padding-bottom': '16px' },
      paragraph('nl-muted', [publisher.tagline ? `${publisher.tagline} · ` : '', formatDate(edition.date)]),
    ),
  ];
}
