import type { Section } from '../../src/content/schema.ts';
import { theme } from '../theme.ts';
import { paragraph } from './inline.ts';
import { css, h, type Markup } from './markup.ts';
import { textStyle } from './styles.ts';

/** Cards per row on wide screens; below the breakpoint (head.ts) they stack one per row. */
const PER_ROW = 2;

/** "이번 호에서 다룬 N가지", the title above the index cards (a child of the intro's column). */
export function indexTitle(sections: readonly Section[]): Markup {
  return h(
    'mj-text',
    { 'mj-class': 'small', 'font-weight': '700', 'letter-spacing': '0.4px', 'padding-top': '8px', 'padding-bottom': '4px' },
    paragraph('nl-muted', `이번 호에서 다룬 ${sections.length}가지`),
  );
}

/**
 * The numbered issues as cards, two to a row in mj-columns, which MJML stacks into one
 * column below the breakpoint. React Email's Row/Column cannot stack, which is why that
 * version lists them in a single table.
 */
export function indexGrid(sections: readonly Section[]): Markup[] {
  const rows: Markup[] = [];
  for (let start = 0; start < sections.length; start += PER_ROW) {
    const last = start + PER_ROW >= sections.length;
    rows.push(
      h(
        'mj-section',
        // Cards pad 6 px on each side, so the section pads 6 px less than the gutter and
        // the card edges line up with the text above and below.
        {
          'mj-class': 'card',
          'css-class': 'nl-card nl-grid',
          'padding-left': `${theme.gutter - 6}px`,
          'padding-right': `${theme.gutter - 6}px`,
          'padding-bottom': last ? '22px' : '0',
        },
        sections.slice(start, start + PER_ROW).map((section, i) => card(section, start + i + 1)),
      ),
    );
  }
  return rows;
}

function card(section: Section, number: number): Markup {
  return h(
    'mj-column',
    {
      width: `${100 / PER_ROW}%`,
      padding: '6px',
      'inner-background-color': theme.light.soft,
      'inner-border-radius': '8px',
      // Not theme.ts's `nl-soft`: on the column's outer <div> it would paint the gaps
      // between the cards too; dark-mode.ts colours the card's inner table instead.
      'css-class': 'nl-index-col',
    },
    h(
      'mj-text',
      { padding: '14px 16px', 'font-size': '15px', 'line-height': '1.6' },
      // <div>, not <p>: an index entry repeats a headline, it is not a paragraph of its own.
      h('div', { class: 'nl-link', style: css({ ...textStyle, color: theme.light.accent, 'font-weight': '800' }) }, String(number).padStart(2, '0')),
      h('div', { class: 'nl-text', style: css(textStyle) }, section.heading),
    ),
  );
}
