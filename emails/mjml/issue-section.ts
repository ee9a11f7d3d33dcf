import type { Section } from '../../src/content/schema.ts';
import { issueLabel } from '../components/ordinal.ts';
import { moreLinkLabel } from '../components/title.ts';
import { theme } from '../theme.ts';
import { blocks } from './blocks.ts';
import { paragraph } from './inline.ts';
import { css, h, type Markup } from './markup.ts';
import { headingStyle } from './styles.ts';

/** One numbered issue: "첫 번째 이슈", the headline, its summary and figures, "자세히 보기", a rule. */
export function issueSection(section: Section, number: number): Markup[] {
  return [
    h('mj-text', { 'mj-class': 'label' }, paragraph('nl-link', issueLabel(number))),
    h('mj-text', { 'mj-class': 'heading' }, h('h2', { id: section.id, class: 'nl-text', style: css(headingStyle) }, section.heading)),
    ...blocks(section.blocks),
    ...(section.more ? [moreLink(section.more.label, section.more.url, section.heading)] : []),
    h('mj-divider', { 'border-color': theme.light.rule, 'border-width': '1px', padding: '24px 0', 'css-class': 'nl-rule' }),
  ];
}

/** A section after the thematic break (about the publisher): a headline and its text, not numbered. */
export function closingSection(section: Section): Markup[] {
  return [
    h('mj-text', { 'mj-class': 'heading' }, h('h2', { id: section.id, class: 'nl-text nl-h1', style: css(headingStyle) }, section.heading)),
    ...blocks(section.blocks),
  ];
}

/** The "read more" link; `about` (the issue's headline) goes into its accessible name. */
function moreLink(label: string, url: string, about: string): Markup {
  return h(
    'mj-text',
    { 'font-size': '15px', 'line-height': '1.6', 'padding-bottom': '8px' },
    paragraph(
      '',
      h('a', { href: url, 'aria-label': moreLinkLabel(label, about), class: 'nl-link', style: css({ color: theme.light.accent, 'font-weight': '700', 'text-decoration': 'none' }), target: '_blank' }, `${label} →`),
    ),
  );
}
