/**
 * Colours, fonts and sizes of the newsletter, in one place.
 *
 * Colours are chosen to survive forced inversion (Gmail app, Outlook.com): clients that
 * ignore our dark styles invert light backgrounds and darken text themselves, so the
 * accent is a mid-tone that reads on white and on near-black alike, and no text relies
 * on an image or a background it could lose.
 */
export const theme = {
  width: 600,
  gutter: 24,
  font: "'Apple SD Gothic Neo','Malgun Gothic','맑은 고딕','Noto Sans KR','Noto Sans CJK KR',-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif",
  light: {
    page: '#f3f4f6',
    card: '#ffffff',
    text: '#1f2329',
    muted: '#5b6270',
    rule: '#e3e6ea',
    accent: '#3454d1',
    accentText: '#ffffff',
    soft: '#eef1fb',
  },
  dark: {
    page: '#111318',
    card: '#1b1e24',
    text: '#e9ebef',
    muted: '#a4abb8',
    rule: '#2e333c',
    accent: '#7b93f0',
    accentText: '#0d1020',
    soft: '#232838',
  },
  size: { body: 16, small: 13, h1: 24, h2: 20, line: 1.7 },
} as const;

/**
 * The dark-mode stylesheet: for clients that honour `prefers-color-scheme` (Apple Mail,
 * iOS Mail, Outlook for Mac, Thunderbird) and Outlook.com's `[data-ogsc]` rewrite.
 * `!important` beats the inline light styles.
 */
export function darkModeCss(): string {
  const d = theme.dark;
  const rules = (prefix: string) =>
    [
      `${prefix}.nl-page{background-color:${d.page}!important}`,
      `${prefix}.nl-card{background-color:${d.card}!important}`,
      `${prefix}.nl-text{color:${d.text}!important}`,
      `${prefix}.nl-muted{color:${d.muted}!important}`,
      `${prefix}.nl-rule{border-color:${d.rule}!important}`,
      `${prefix}.nl-link{color:${d.accent}!important}`,
      `${prefix}.nl-soft{background-color:${d.soft}!important}`,
      `${prefix}.nl-badge{background-color:${d.accent}!important;color:${d.accentText}!important}`,
      `${prefix}.nl-button{background-color:${d.accent}!important}`,
      `${prefix}.nl-button a{color:${d.accentText}!important}`,
    ].join('');
  return [
    ':root{color-scheme:light dark;supported-color-schemes:light dark}',
    `@media (prefers-color-scheme: dark){${rules('')}}`,
    rules('[data-ogsc] '),
    // Phones: tighten the gutters so 320 px screens keep a readable measure.
    `@media only screen and (max-width:480px){.nl-pad{padding-left:16px!important;padding-right:16px!important}.nl-h1{font-size:21px!important}}`,
  ].join('\n');
}
