import type { Edition } from '../../src/content/schema.ts';
import { contactLine } from '../components/contact-line.ts';
import type { FooterLinks } from '../components/footer.tsx';
import { paragraph } from './inline.ts';
import { css, h, type Child, type Markup } from './markup.ts';
import { mutedLinkStyle } from './styles.ts';

/**
 * Tags, sender identity and contact, the advertisement notice, the web version and the
 * refusal link: what 정보통신망법 §50 asks of an advertisement, word for word as
 * emails/components/footer.tsx (the parity test holds the two together).
 */
export function footer(edition: Edition, links: FooterLinks): Markup {
  const small = (children: Child, paddingBottom = '8px') =>
    h('mj-text', { 'mj-class': 'small', 'padding-bottom': paddingBottom }, paragraph('nl-muted', children));
  const contact = contactLine(edition.contact);
  const link = (href: string, label: string) => h('a', { href, class: 'nl-muted', style: css(mutedLinkStyle), target: '_blank' }, label);
  return h(
    'mj-section',
    { 'mj-class': 'card', 'padding-top': '8px', 'padding-bottom': '32px' },
    h(
      'mj-column',
      null,
      edition.tags.length > 0 ? small(edition.tags.map((tag) => `#${tag}`).join('  '), '16px') : null,
      small([h('strong', null, edition.from.name), contact ? ` · ${contact}` : '']),
      edition.advertisement
        ? small(
            `이 메일은 ${edition.from.name} 소식 받기에 동의하신 분께 보내는 광고성 정보입니다. 더 받고 싶지 않으시면 아래 수신거부를 눌러 주세요. 수신거부는 무료입니다.`,
          )
        : null,
      small([link(links.webUrl, '웹에서 보기'), '  ·  ', link(links.unsubscribeUrl, '수신거부 Unsubscribe')]),
    ),
  );
}
