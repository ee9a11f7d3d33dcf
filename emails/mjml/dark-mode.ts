import { darkModeCss, theme } from '../theme.ts';

/**
 * The stylesheet of the MJML email: the shared dark-mode rules of theme.ts (they reach
 * the `<p>`, `<h2>` and `<a>` elements our templates write, which carry the same
 * `nl-*` classes as the React Email version), plus rules for what MJML generates.
 *
 * MJML puts a `css-class` on the outer element of a body, section or column (on the cell
 * around a button), but the colour it is given inline lands on the elements inside too
 * (the body's wrapper <div>, a section's table, a card's inner table); so the dark
 * colours have to name those descendants, or the light background shows through.
 */
export function mjmlCss(): string {
  const d = theme.dark;
  const rules = (prefix: string) =>
    [
      `${prefix}.nl-page,${prefix}.nl-page>div{background-color:${d.page}!important}`,
      `${prefix}.nl-card,${prefix}.nl-card>table{background-color:${d.card}!important}`,
      `${prefix}.nl-index-col>table>tbody>tr>td>table{background-color:${d.soft}!important}`,
      `${prefix}.nl-cta td,${prefix}.nl-cta a{background-color:${d.accent}!important;color:${d.accentText}!important}`,
      `${prefix}.nl-rule p{border-top-color:${d.rule}!important}`,
    ].join('');
  return [
    darkModeCss(),
    `@media (prefers-color-scheme: dark){${rules('')}}`,
    rules('[data-ogsc] '),
    // Phones: the gutters of theme.ts's `.nl-pad`, applied to the cell MJML pads; the
    // index grid keeps 10 px because its cards add 6 px of their own.
    '@media only screen and (max-width:479px){.nl-pad>table>tbody>tr>td{padding-left:16px!important;padding-right:16px!important}.nl-grid>table>tbody>tr>td{padding-left:10px!important;padding-right:10px!important}}',
  ].join('\n');
}
