import { theme } from '../theme.ts';

/**
 * Inline styles for the HTML inside `<mj-text>`. MJML puts the font, size and colour on
 * the `<div>` it wraps around the content (from the mj-class), and `word-break:
 * break-word` on the cell around that, which splits Hangul words mid-syllable; so every
 * text element resets its margin (MJML's head gives `p` a 13 px one) and asks for
 * `keep-all`, which breaks Korean only between words.
 */
export const textStyle = { margin: '0', 'word-break': 'keep-all', 'overflow-wrap': 'break-word' } as const;

/** Issue and closing headlines: an `<h2>` sets its own size, so it gets every value. */
export const headingStyle = {
  ...textStyle,
  'font-size': `${theme.size.h2}px`,
  'line-height': '1.4',
  'font-weight': '800',
  color: theme.light.text,
} as const;

export const linkStyle = { color: theme.light.accent, 'text-decoration': 'underline' } as const;

export const mutedLinkStyle = { color: theme.light.muted, 'text-decoration': 'underline' } as const;
