import type { Edition } from '../../src/content/schema.ts';
import { theme } from '../theme.ts';
import { mjmlCss } from './dark-mode.ts';
import { h, Markup } from './markup.ts';

/** Where the columns stack: below it every mj-column takes the full width. */
export const BREAKPOINT = '480px';

/**
 * Gmail and iOS Mail fill the inbox preview with the body's first words once the
 * preheader runs out; invisible spacers push them out of view, as React Email's
 * <Preview> does (150 characters in all).
 */
const PREVIEW_LENGTH = 150;
const PREVIEW_FILLER = '\u00a0\u200c\u200b\u200d\u200e\u200f\ufeff';

/**
 * The preheader, as MJML's `<mj-preview>` writes it (less one colour), but for the top of `<mj-body>`:
 * mj-preview puts it before MJML's `<div role="article" lang dir>` wrapper, where it is a
 * child of `<body>` without lang or dir (the Email Markup Consortium's check); as an
 * mj-raw it sits inside the wrapper.
 */
export function preheader(edition: Edition): Markup {
  const filler = PREVIEW_FILLER.repeat(Math.max(0, PREVIEW_LENGTH - edition.preheader.length));
  // mj-preview's style without its `color:#ffffff`: the text is hidden anyway, and white on
  // the light grey page costs 0.7 in SpamAssassin (HTML_FONT_LOW_CONTRAST).
  const style = 'display:none;font-size:1px;line-height:1px;max-height:0px;max-width:0px;opacity:0;overflow:hidden;';
  return h('mj-raw', null, h('div', { style }, edition.preheader, filler));
}

/**
 * `<mj-head>`: title, breakpoint, the type scale as mj-classes, the meta
 * tags MJML does not write itself (colour scheme, Apple's reformatting, iOS's
 * auto-links), and the dark-mode stylesheet.
 */
export function head(edition: Edition): Markup {
  return h(
    'mj-head',
    null,
    h('mj-title', null, edition.subject),
    h('mj-breakpoint', { width: BREAKPOINT }),
    h(
      'mj-attributes',
      null,
      h('mj-all', { 'font-family': theme.font }),
      h('mj-text', { padding: '0', 'font-size': `${theme.size.body}px`, 'line-height': String(theme.size.line), color: theme.light.text }),
      h('mj-class', { name: 'body', 'padding-bottom': '16px' }),
      h('mj-class', { name: 'greeting', 'font-size': '17px', 'font-weight': '700', 'padding-top': '12px', 'padding-bottom': '16px' }),
      h('mj-class', { name: 'small', 'font-size': `${theme.size.small}px`, 'line-height': '1.6', color: theme.light.muted, 'padding-bottom': '8px' }),
      h('mj-class', {
        name: 'label',
        'font-size': `${theme.size.small}px`,
        'line-height': '1.6',
        'font-weight': '800',
        'letter-spacing': '0.4px',
        color: theme.light.accent,
        'padding-bottom': '4px',
      }),
      h('mj-class', { name: 'heading', 'padding-bottom': '14px' }),
      // Each card section: the white 600 px card of the React Email version, in slices.
      h('mj-class', {
        name: 'card',
        'background-color': theme.light.card,
        padding: `0 ${theme.gutter}px`,
        'css-class': 'nl-card nl-pad',
      }),
    ),
    h(
      'mj-raw',
      null,
      h('meta', { name: 'color-scheme', content: 'light dark' }),
      h('meta', { name: 'supported-color-schemes', content: 'light dark' }),
      h('meta', { name: 'x-apple-disable-message-reformatting' }),
      h('meta', { name: 'format-detection', content: 'telephone=no, date=no, address=no, email=no' }),
    ),
    // CSS from theme.ts, not from the edition: it must not be escaped (`>` in selectors).
    h('mj-style', null, Markup.literal(mjmlCss())),
  );
}
