import type { ReactNode } from 'react';
import { Body, Container, Head, Heading, Html, Link, Preview, Section, Text } from '../components/react-email.ts';
import { darkModeCss, theme } from '../theme.ts';

/**
 * The shell of the list's own emails — the double opt-in confirmation, the 처리결과
 * notices (§50⑦) and the reconfirmation (§50⑧): one column, a heading, a few lines, at
 * most one button. None of them is an advertisement: no "(광고)", nothing for sale.
 * Language and direction sit on a wrapper inside <body> as well as on <html>, which
 * webmail strips.
 */
export interface TransactionalLayoutProps {
  subject: string;
  preview: string;
  heading: string;
  children: ReactNode;
  /** The sender's name, website and contact, at the foot of every message. */
  sender: { name: string; url: string; email: string };
}

export function TransactionalLayout({ subject, preview, heading, children, sender }: TransactionalLayoutProps) {
  return (
    <Html lang="ko" dir="ltr">
      <Head>
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <meta name="supported-color-schemes" content="light dark" />
        <title>{subject}</title>
        <style>{darkModeCss()}</style>
      </Head>
      <Body className="nl-page" {...{ bgcolor: theme.light.page }} style={{ margin: 0, padding: 0, fontFamily: theme.font, wordBreak: 'keep-all', backgroundColor: theme.light.page }}>
        <Preview>{preview}</Preview>
        <div role="article" aria-roledescription="email" aria-label={subject} lang="ko" dir="ltr">
          <Container className="nl-card" style={{ width: '100%', maxWidth: '560px', margin: '0 auto', backgroundColor: theme.light.card }}>
            <Section style={{ padding: `32px ${theme.gutter}px 8px` }}>
              <Text className="nl-muted" style={{ margin: 0, fontSize: `${theme.size.small}px`, color: theme.light.muted }}>
                {sender.name}
              </Text>
              <Heading as="h1" className="nl-text" style={{ margin: '8px 0 16px', fontSize: `${theme.size.h2}px`, lineHeight: 1.4, color: theme.light.text }}>
                {heading}
              </Heading>
              {children}
            </Section>
            <Section style={{ padding: `16px ${theme.gutter}px 32px` }}>
              <Text className="nl-muted" style={{ margin: 0, fontSize: `${theme.size.small}px`, lineHeight: 1.6, color: theme.light.muted }}>
                {sender.name} · <Link href={sender.url} style={{ color: theme.light.muted }}>{sender.url.replace(/^https:\/\//, '')}</Link> · 문의{' '}
                <Link href={`mailto:${sender.email}`} style={{ color: theme.light.muted }}>{sender.email}</Link>
              </Text>
            </Section>
          </Container>
        </div>
      </Body>
    </Html>
  );
}

const paragraph = { margin: '0 0 14px', fontSize: `${theme.size.body}px`, lineHeight: theme.size.line, color: theme.light.text } as const;

export function P({ children, lang }: { children: ReactNode; lang?: string }) {
  return (
    <Text className={lang === 'en' ? 'nl-muted' : 'nl-text'} lang={lang} style={lang === 'en' ? { ...paragraph, fontSize: '14px', color: theme.light.muted } : paragraph}>
      {children}
    </Text>
  );
}

/** A bulletproof button: a padded link in a table cell, which Outlook draws too. */
export function Button({ href, children }: { href: string; children: ReactNode }) {
  return (
    <table role="presentation" cellPadding={0} cellSpacing={0} border={0} style={{ margin: '8px 0 20px' }}>
      <tbody>
        <tr>
          <td className="nl-button" style={{ borderRadius: '8px', backgroundColor: theme.light.accent }}>
            <Link href={href} style={{ display: 'inline-block', padding: '12px 24px', fontSize: '16px', fontWeight: 700, color: theme.light.accentText, textDecoration: 'none' }}>
              {children}
            </Link>
          </td>
        </tr>
      </tbody>
    </table>
  );
}
