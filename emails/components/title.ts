/** The advertisement marker the subject starts with (정보통신망법 §50④); not part of the title. */
const AD_MARKER = /^\(광고\)\s*/;

/**
 * The edition's title, the email's one `<h1>`: its subject without the "(광고)" marker,
 * which the law asks of the subject line, not of the headline.
 */
export function editionTitle(subject: string): string {
  return subject.replace(AD_MARKER, '').trim() || subject;
}

/**
 * What a screen reader announces for an issue's "자세히 보기" link: alone, five of them
 * would read the same, so the label names the issue (EMC's link-text check; WCAG 2.4.4).
 */
export function moreLinkLabel(label: string, heading: string): string {
  return `${label}: ${heading}`;
}

/**
 * The wrapper every email's content sits in, as a direct child of `<body>`: webmail
 * clients drop `<html lang>` and `<body>`'s attributes, so the language and direction
 * go here too, and the role names the region (the Email Markup Consortium's checks; the
 * pattern MJML 5 writes itself).
 */
export function articleAttributes(subject: string) {
  return { role: 'article', 'aria-roledescription': 'email', 'aria-label': subject, lang: 'ko', dir: 'ltr' } as const;
}
