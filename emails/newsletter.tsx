import { Container, Head, Heading, Html, Preview, Section, Text } from './components/react-email.ts';
import type { Edition } from '../src/content/schema.ts';
import { Blocks } from './components/blocks.tsx';
import { CtaButton } from './components/cta-button.tsx';
import { Footer, type FooterLinks } from './components/footer.tsx';
import { Header } from './components/header.tsx';
import { IssueIndex } from './components/issue-index.tsx';
import { IssueSection } from './components/issue-section.tsx';
import { articleAttributes } from './components/title.ts';
import { darkModeCss, theme } from './theme.ts';

export interface NewsletterProps {
  edition: Edition;
  /**
   * What to put where the send step fills in per-recipient values. Defaults to the merge
   * slots themselves (`{{greeting}}` …); the preview passes real values.
   */
  slots?: Partial<FooterLinks & { greeting: string }>;
}

/** Marks where render-email.ts puts Outlook's fixed-width ghost table (see there). */
export const MSO_OPEN = '[[nl-mso-open]]';
export const MSO_CLOSE = '[[nl-mso-close]]';

export default function Newsletter({ edition, slots = {} }: NewsletterProps) {
  const greeting = slots.greeting ?? '{{greeting}}';
  const links: FooterLinks = { webUrl: slots.webUrl ?? '{{web_url}}', unsubscribeUrl: slots.unsubscribeUrl ?? '{{unsubscribe_url}}' };
  const text = { color: theme.light.text, wordBreak: 'keep-all' } as const;
  return (
    <Html lang="ko" dir="ltr">
      <Head>
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <meta name="supported-color-schemes" content="light dark" />
        <meta name="format-detection" content="telephone=no, date=no, address=no, email=no" />
        <title>{edition.subject}</title>
        <style>{darkModeCss()}</style>
      </Head>
      {/*
        Not React Email's <Body>: its table would be the body's only child, and the content
        must sit in a wrapper with lang and dir there (webmail clients drop <html lang>, so a
        screen reader would read the Korean with an English voice). The same table follows
        inside the wrapper: the font goes on its cell for clients that drop <body>'s styles.
        The page colour goes on the body as an attribute and on our own wrapper section,
        both with the dark class.
      */}
      <body className="nl-page" {...{ bgcolor: theme.light.page }} style={{ margin: 0, padding: 0 }}>
        <div {...articleAttributes(edition.subject)} style={{ margin: 0, padding: 0 }}>
        <Preview>{edition.preheader}</Preview>
        <table role="presentation" border={0} width="100%" cellPadding={0} cellSpacing={0} align="center">
        <tbody>
        <tr>
        <td style={{ margin: 0, padding: 0, width: '100%', fontFamily: theme.font, wordBreak: 'keep-all', WebkitTextSizeAdjust: '100%' }}>
        <Section className="nl-page" style={{ backgroundColor: theme.light.page }}>
        {MSO_OPEN}
        <Container className="nl-card" style={{ width: '100%', maxWidth: `${theme.width}px`, margin: '0 auto', backgroundColor: theme.light.card }}>
          <Header edition={edition} />
          <Section className="nl-pad" style={{ padding: `8px ${theme.gutter}px 0` }}>
            <Text className="nl-text" style={{ ...text, margin: '12px 0 16px', fontSize: '17px', lineHeight: theme.size.line, fontWeight: 700 }}>
              {greeting}
            </Text>
            <Blocks blocks={edition.intro} />
            <IssueIndex sections={edition.sections} />
            {edition.sections.map((section, i) => (
              <IssueSection key={section.id} section={section} number={i + 1} />
            ))}
            {edition.closing.map((section) => (
              <Section key={section.id} style={{ margin: '0 0 8px' }}>
                <Heading as="h2" className="nl-text nl-h1" style={{ ...text, margin: '0 0 14px', fontSize: `${theme.size.h2}px`, lineHeight: 1.4, fontWeight: 800 }}>
                  {section.heading}
                </Heading>
                <Blocks blocks={section.blocks} />
              </Section>
            ))}
            {edition.cta ? (
              <>
                {edition.cta.text ? (
                  <Text className="nl-text" style={{ ...text, margin: '0 0 12px', fontSize: `${theme.size.body}px`, textAlign: 'center' }}>
                    {edition.cta.text}
                  </Text>
                ) : null}
                <CtaButton label={edition.cta.label} url={edition.cta.url} />
              </>
            ) : null}
          </Section>
          <Footer edition={edition} links={links} />
        </Container>
        {MSO_CLOSE}
        </Section>
        </td>
        </tr>
        </tbody>
        </table>
        </div>
      </body>
    </Html>
  );
}
