import { Link, Section, Text } from './react-email.ts';
import type { Edition } from '../../src/content/schema.ts';
import { theme } from '../theme.ts';
import { contactLine } from './contact-line.ts';

export interface FooterLinks {
  /** Merge slot or URL of the web version ("웹에서 보기"). */
  webUrl: string;
  /** Merge slot or URL of the one-click unsubscribe page ("수신거부"). */
  unsubscribeUrl: string;
}

const small = {
  margin: '0 0 8px',
  fontSize: `${theme.size.small}px`,
  lineHeight: 1.6,
  color: theme.light.muted,
  wordBreak: 'keep-all',
} as const;

/**
 * Sender identity, contact, the web version and the refusal link: what 정보통신망법 §50
 * asks of an advertisement (the sender's name, email address, phone number and postal
 * address — 시행령 별표 6 — and a free way to refuse), shown for every edition.
 */
export function Footer({ edition, links }: { edition: Edition; links: FooterLinks }) {
  const link = { color: theme.light.muted, textDecoration: 'underline' } as const;
  const contact = contactLine(edition.contact);
  return (
    <Section className="nl-pad" style={{ padding: `8px ${theme.gutter}px 32px` }}>
      {edition.tags.length > 0 ? (
        <Text className="nl-muted" style={{ ...small, margin: '0 0 16px' }}>
          {edition.tags.map((tag) => `#${tag}`).join('  ')}
        </Text>
      ) : null}
      <Text className="nl-muted" style={small}>
        <strong>{edition.from.name}</strong>
        {contact ? ` · ${contact}` : ''}
      </Text>
      {edition.advertisement ? (
        <Text className="nl-muted" style={small}>
          {`이 메일은 ${edition.from.name} 소식 받기에 동의하신 분께 보내는 광고성 정보입니다. 더 받고 싶지 않으시면 아래 수신거부를 눌러 주세요. 수신거부는 무료입니다.`}
        </Text>
      ) : null}
      <Text className="nl-muted" style={small}>
        <Link href={links.webUrl} className="nl-muted" style={link}>
          웹에서 보기
        </Link>
        {'  ·  '}
        <Link href={links.unsubscribeUrl} className="nl-muted" style={link}>
          수신거부 Unsubscribe
        </Link>
      </Text>
    </Section>
  );
}
