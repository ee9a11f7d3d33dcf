import type { Block, Inline } from '../../src/content/schema.ts';
import { theme } from '../theme.ts';
import { inline, paragraph } from './inline.ts';
import { css, h, type Markup } from './markup.ts';
import { textStyle } from './styles.ts';

/** Paragraphs, bullet lists and images of a section, in order, as children of an `<mj-column>`. */
export function blocks(list: readonly Block[]): Markup[] {
  return list.map((block) => {
    switch (block.type) {
      case 'paragraph':
        return h('mj-text', { 'mj-class': 'body' }, paragraph('nl-text', inline(block.children)));
      case 'list':
        return bulletList(block.ordered, block.items);
      case 'image':
        // Fluid: MJML sets width:100% and caps it at the given width (and at the column's).
        return h('mj-image', { src: block.src, alt: block.alt, width: `${block.width}px`, align: 'left', padding: '0 0 16px' });
    }
  });
}

/**
 * A list as rows of a presentation table (mj-table), not `<ul>`, for the reason given in
 * emails/components/blocks.tsx: Outlook and Naver Mail indent `<ul>` unpredictably. The
 * rows are the same as the React Email version's.
 */
function bulletList(ordered: boolean, items: readonly (readonly Inline[])[]): Markup {
  const marker = css({ width: '22px', color: theme.light.accent, 'font-weight': '700', 'vertical-align': 'top' });
  const item = css({ ...textStyle, 'padding-bottom': '6px' });
  return h(
    'mj-table',
    {
      role: 'presentation',
      cellpadding: 0,
      cellspacing: 0,
      width: '100%',
      padding: '0 0 16px',
      'font-size': `${theme.size.body}px`,
      'line-height': String(theme.size.line),
      color: theme.light.text,
    },
    items.map((nodes, i) =>
      h(
        'tr',
        null,
        h('td', { class: 'nl-link', valign: 'top', width: 22, style: marker }, ordered ? `${i + 1}.` : '•'),
        h('td', { class: 'nl-text', style: item }, inline(nodes)),
      ),
    ),
  );
}
