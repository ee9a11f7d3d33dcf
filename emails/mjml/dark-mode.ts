import { darkModeCss, theme } from '../theme.ts';

/**
 * The stylesheet of the MJML email: the shared dark-mode rules of theme.ts (they reach
 * the `<p>`, `<h2>` and `<a>` elements our templates write, which carry the same
 * `nl-*` classes as the React Email version), plus rules for what MJML generates.
 *
 * MJML puts a `css-class` on the outer `<div>` of a section or column (on the cell around
 * a button), but the colour it is given inline lands on the tables and cells inside; so
 * the dark colours have to name those descendants too, or the light background shows
 * through.
 */
export function mjmlCss(): string {
  const d = theme.dark;
  const rules = (prefix: string) =>
    [
      `${prefix}.nl-page{background-color:${d.page}!important}`,
      `${prefix}.nl-card,${prefix}.nl-card>table{background-color:${d.card}!important}`,
      `${prefix}.nl-soft table{background-color:${d.soft}!important}`,
      `${prefix}.nl-cta td,${prefix}.nl-cta a{background-color:${d.accent}!important;color:${d.accentText}!important}`,
      `${prefix}.nl-rule p{border-top-color:${d.rule}!important}`,
    ].join('');
  return [
    darkModeCss(),
    // MJML paints the page colour on <body> as well as on the .nl-page <div>.
    `@media (prefers-color-scheme: dark){body{background-color:${d.page}!important}${rules('')}}`,
    rules('[data-ogsc] '),
    // Phones: the gutters of theme.ts's `.nl-pad`, applied to the cell MJML pads; the
    // index grid keeps 10 px because its cards add 6 px of their own.
    '@media only screen and (max-width:479px){.nl-pad>table>tbody>tr>td{padding-left:16px!important;padding-right:16px!important}.nl-grid>table>tbody>tr>td{padding-left:10px!important;padding-right:10px!important}}',
  ].join('\n');
}
