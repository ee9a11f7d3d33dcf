import type { Inline } from '../../src/content/schema.ts';
import { css, h, type Child, type Markup } from './markup.ts';
import { linkStyle, textStyle } from './styles.ts';

/** Markdown inline content as HTML for inside an `<mj-text>`, as emails/components/inline-content.tsx. */
export function inline(nodes: readonly Inline[]): Child[] {
  return nodes.map((node): Child => {
    switch (node.type) {
      case 'text':
        return node.value;
      case 'strong':
        return h('strong', null, inline(node.children));
      case 'emphasis':
        return h('em', null, inline(node.children));
      case 'code':
        return h('code', { style: css({ 'font-family': 'Menlo,Consolas,monospace', 'font-size': '0.92em' }) }, node.value);
      case 'break':
        return h('br', null);
      case 'link':
        return h('a', { href: node.url, class: 'nl-link', style: css(linkStyle), target: '_blank' }, inline(node.children));
    }
  });
}

/** A `<p>` with the margin reset and Hangul kept whole (see styles.ts). */
export function paragraph(className: string, children: Child): Markup {
  return h('p', { class: className, style: css(textStyle) }, children);
}
