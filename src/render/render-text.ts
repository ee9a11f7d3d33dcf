import { formatDate } from '../../emails/components/header.tsx';
import { issueLabel } from '../../emails/components/ordinal.ts';
import { contactLine } from '../../emails/components/contact-line.ts';
import type { Block, Edition, Inline, Section } from '../content/schema.ts';

const RULE = '─'.repeat(30);

/**
 * The plain-text part, written for reading: a masthead, the numbered index, each issue
 * under a ruled heading, bullets, and every link spelled out after its text. Built from
 * the edition, not converted from the HTML, so nothing is lost or doubled.
 */
export function renderText(edition: Edition): string {
  const out: string[] = [];
  out.push(edition.subject, `${edition.publisher.name} · ${formatDate(edition.date)}`, '', '{{greeting}}', '');
  blocks(edition.intro, out);

  out.push(`이번 호에서 다룬 ${edition.sections.length}가지`);
  edition.sections.forEach((s, i) => out.push(`  ${String(i + 1).padStart(2, '0')}  ${s.heading}`));
  out.push('');

  edition.sections.forEach((section, i) => {
    out.push(RULE, issueLabel(i + 1), section.heading, RULE, '');
    sectionBody(section, out);
  });
  for (const section of edition.closing) {
    out.push(RULE, section.heading, RULE, '');
    sectionBody(section, out);
  }
  if (edition.cta) {
    if (edition.cta.text) out.push(edition.cta.text);
    out.push(`▶ ${edition.cta.label}: ${edition.cta.url}`, '');
  }

  out.push('-- ');
  if (edition.tags.length > 0) out.push(edition.tags.map((t) => `#${t}`).join(' '), '');
  const contact = contactLine(edition.contact);
  out.push(contact ? `${edition.from.name} · ${contact}` : edition.from.name);
  if (edition.advertisement) {
    out.push(`이 메일은 ${edition.from.name} 소식 받기에 동의하신 분께 보내는 광고성 정보입니다. 수신거부는 무료입니다.`);
  }
  out.push('', '웹에서 보기: {{web_url}}', '수신거부 Unsubscribe: {{unsubscribe_url}}', '');
  return out.join('\n');
}

function sectionBody(section: Section, out: string[]): void {
  blocks(section.blocks, out);
  if (section.more) out.push(`${section.more.label}: ${section.more.url}`, '');
}

function blocks(list: readonly Block[], out: string[]): void {
  for (const block of list) {
    switch (block.type) {
      case 'paragraph':
        out.push(inline(block.children), '');
        break;
      case 'list':
        block.items.forEach((item, i) => out.push(`  ${block.ordered ? `${i + 1}.` : '•'} ${inline(item)}`));
        out.push('');
        break;
      case 'image':
        out.push(`[이미지: ${block.alt}]`, '');
        break;
    }
  }
}

/** Inline content as text; a link's URL follows its label unless the label already is it. */
export function inline(nodes: readonly Inline[]): string {
  return nodes
    .map((node): string => {
      switch (node.type) {
        case 'text':
        case 'code':
          return node.value;
        case 'break':
          return '\n';
        case 'strong':
        case 'emphasis':
          return inline(node.children);
        case 'link': {
          const label = inline(node.children);
          const target = node.url.replace(/^mailto:/, '');
          return label === target ? label : `${label} (${target})`;
        }
      }
    })
    .join('');
}
