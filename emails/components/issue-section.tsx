import { Heading, Hr, Link, Section, Text } from './react-email.ts';
import type { Section as EditionSection } from '../../src/content/schema.ts';
import { theme } from '../theme.ts';
import { Blocks } from './blocks.tsx';
import { issueLabel } from './ordinal.ts';
import { moreLinkLabel } from './title.ts';

/** One numbered issue: "첫 번째 이슈", the headline, its summary and figures, "자세히 보기". */
export function IssueSection({ section, number }: { section: EditionSection; number: number }) {
  return (
    <Section id={section.id} style={{ margin: '0 0 8px' }}>
      <Text className="nl-link" style={{ margin: '0 0 4px', fontSize: `${theme.size.small}px`, fontWeight: 800, color: theme.light.accent, letterSpacing: '0.4px' }}>
        {issueLabel(number)}
      </Text>
      <Heading as="h2" className="nl-text" style={{ margin: '0 0 14px', fontSize: `${theme.size.h2}px`, lineHeight: 1.4, fontWeight: 800, color: theme.light.text, wordBreak: 'keep-all' }}>
        {section.heading}
      </Heading>
      <Blocks blocks={section.blocks} />
      {section.more ? <MoreLink label={section.more.label} url={section.more.url} about={section.heading} /> : null}
      <Hr className="nl-rule" style={{ borderColor: theme.light.rule, margin: '24px 0' }} />
    </Section>
  );
}

/** The "read more" link; `about` (the issue's headline) goes into its accessible name. */
export function MoreLink({ label, url, about }: { label: string; url: string; about: string }) {
  return (
    <Text style={{ margin: '0 0 8px', fontSize: '15px', lineHeight: 1.6 }}>
      <Link href={url} aria-label={moreLinkLabel(label, about)} className="nl-link" style={{ color: theme.light.accent, fontWeight: 700, textDecoration: 'none' }}>
        {`${label} →`}
      </Link>
    </Text>
  );
}
