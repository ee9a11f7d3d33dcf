import { describe, expect, it } from 'vitest';
import { engineFlag } from '../../scripts/cli.ts';
import { loadEdition } from '../../src/content/load-edition.ts';
import { NewsletterError } from '../../src/errors.ts';
import { buildEdition } from '../../src/render/build-edition.ts';
import { ENGINES, renderEmail } from '../../src/render/render-email.ts';

const edition = await loadEdition('content/2025-07-08-ai-issues-2025-h1.md');
/** MJML's skeleton carries the Outlook namespaces; React Email's does not. */
const isMjml = (html: string) => html.includes('xmlns:o="urn:schemas-microsoft-com:office:office"') && html.includes('mj-column-per-100');

describe('choosing the engine', () => {
  it('knows react and mjml, from the front-matter schema', () => {
    expect(ENGINES).toEqual(['react', 'mjml']);
    expect(edition.engine).toBe('react');
  });

  it('renders with the edition’s engine when no option is given', async () => {
    expect(isMjml((await renderEmail(edition)).html)).toBe(false);
    expect(isMjml((await renderEmail({ ...edition, engine: 'mjml' })).html)).toBe(true);
  });

  it('lets the option override the edition, both ways', async () => {
    expect(isMjml((await renderEmail(edition, { engine: 'mjml' })).html)).toBe(true);
    expect(isMjml((await renderEmail({ ...edition, engine: 'mjml' }, { engine: 'react' })).html)).toBe(false);
  });

  it('builds an MJML edition through the same buildEdition, with its size measured', async () => {
    const built = await buildEdition({ ...edition, engine: 'mjml' });
    expect(isMjml(built.email.html)).toBe(true);
    expect(built.htmlBytes).toBe(Buffer.byteLength(built.email.html));
    expect(built.warnings).toEqual([]);
  });
});

describe('engineFlag (--engine)', () => {
  it('passes react and mjml, and no flag', () => {
    expect(engineFlag('build', 'react')).toBe('react');
    expect(engineFlag('build', 'mjml')).toBe('mjml');
    expect(engineFlag('build', undefined)).toBeUndefined();
  });

  it('refuses anything else, quoting the value and the choices', () => {
    expect(() => engineFlag('build', 'MJML')).toThrow(NewsletterError);
    expect(() => engineFlag('send', 'handlebars')).toThrow('newsletter send: expected --engine to be one of react, mjml, got `handlebars`.');
  });
});
