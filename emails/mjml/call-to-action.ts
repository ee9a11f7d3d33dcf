import type { Edition } from '../../src/content/schema.ts';
import { theme } from '../theme.ts';
import { paragraph } from './inline.ts';
import { css, h, type Markup } from './markup.ts';

/**
 * The call to action. mj-button is bulletproof already: the colour sits on the cell
 * (`bgcolor`) and Outlook gets its padding through `mso-padding-alt`, which is what
 * emails/components/cta-button.tsx builds by hand for React Email.
 */
export function callToAction(cta: NonNullable<Edition['cta']>): Markup[] {
  return [
    ...(cta.text ? [h('mj-text', { 'mj-class': 'body', align: 'center', 'padding-bottom': '12px' }, paragraph('nl-text', cta.text))] : []),
    h(
      'mj-button',
      {
        href: cta.url,
        target: '_blank',
        'background-color': theme.light.accent,
        color: theme.light.accentText,
        'font-size': '16px',
        'font-weight': '700',
        'line-height': '1.2',
        'inner-padding': '14px 30px',
        'border-radius': '6px',
        padding: '8px 0 24px',
        // Not theme.ts's `nl-button`: MJML puts the class on the full-width cell around the
        // button, which that rule would paint; dark-mode.ts colours the button inside it.
        'css-class': 'nl-cta',
      },
      h('span', { style: css({ 'word-break': 'keep-all' }) }, cta.label),
    ),
  ];
}
