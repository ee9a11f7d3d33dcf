import { Heading, Img, Link, Section, Text } from './react-email.ts';
import type { Edition } from '../../src/content/schema.ts';
import { theme } from '../theme.ts';
import { editionTitle } from './title.ts';

/** The publisher's masthead: logo or name, tagline, the edition's date; then the edition's title, the email's one <h1>. */
export function Header({ edition }: { edition: Edition }) {
  const { publisher } = edition;
  return (
    <Section className="nl-pad" style={{ padding: `28px ${theme.gutter}px 8px` }}>
      <Link href={publisher.url} className="nl-link" style={{ color: theme.light.accent, textDecoration: 'none' }}>
        {publisher.logo ? (
          <Img src={publisher.logo.src} alt={publisher.logo.alt} width={publisher.logo.width} style={{ display: 'block', border: 0, height: 'auto' }} />
        ) : (
          <span style={{ fontSize: '18px', fontWeight: 800, letterSpacing: '-0.2px' }}>{publisher.name}</span>
        )}
      </Link>
      <Text className="nl-muted" style={{ margin: '6px 0 0', fontSize: `${theme.size.small}px`, lineHeight: 1.5, color: theme.light.muted, wordBreak: 'keep-all' }}>
        {publisher.tagline ? `${publisher.tagline} · ${formatDate(edition.date)}` : formatDate(edition.date)}
      </Text>
      <Heading as="h1" className="nl-text nl-h1" style={{ margin: '14px 0 0', fontSize: `${theme.size.h1}px`, lineHeight: 1.35, fontWeight: 800, color: theme.light.text, wordBreak: 'keep-all' }}>
        {editionTitle(edition.subject)}
      </Heading>
    </Section>
  );
}

/** 2025-07-08 → 2025년 7월 8일 */
export function formatDate(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  return `${y}년 ${m}월 ${d}일`;
}
