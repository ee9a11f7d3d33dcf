import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { resolveConfig } from '../src/config.ts';
import { loadEdition } from '../src/content/load-edition.ts';
import { buildEdition } from '../src/render/build-edition.ts';
import { rememberRender } from '../src/render/render-cache.ts';
import { engineFlag, parseFlags, type Command } from './cli.ts';

export const command: Command = {
  help: `Usage: npx newsletter build <edition.md> [--out dir] [--engine react|mjml]

Renders an edition and writes <out>/<slug>/email.html (with merge slots),
email.txt (the plain-text part) and web.html (the standalone web version).
Prints the subject, the HTML size against Gmail's ~102 KB clipping limit,
and any warnings.

Options:
  --out <dir>       where to write (default: out)
  --engine <name>   react or mjml: the template engine, overriding the edition's
                    \`engine:\` front matter (default: the edition's, else react)
  --json            print the result as JSON
  -h, --help        show this help`,
  async run(argv) {
    const { values, positionals } = parseFlags('build', argv, {
      out: { type: 'string', default: 'out' },
      json: { type: 'boolean', default: false },
      engine: { type: 'string' },
    });
    const engine = engineFlag('build', values.engine);
    const file = positionals[0];
    if (!file || positionals.length > 1) {
      console.error('newsletter build: give exactly one edition file, e.g. `npx newsletter build content/2025-07-08-ai-issues-2025-h1.md`.');
      return 2;
    }
    const started = performance.now();
    const loaded = await loadEdition(file);
    // The flag wins over the front matter; renderEmail reads the engine from the edition.
    const edition = engine ? { ...loaded, engine } : loaded;
    // The web version's own "웹에서 보기" link: its archive address once a public URL is
    // configured; until then the publisher's site (a local http address has no place in it).
    const { publicUrl } = resolveConfig(process.env);
    const built = await buildEdition(edition, { webUrl: publicUrl && `${publicUrl}/archive/${edition.slug}` });
    // A `send` of this edition, with these templates, then starts from this render (src/render/render-cache.ts).
    rememberRender(edition, edition.engine, built.email);
    const renderMs = performance.now() - started;
    const dir = join(values.out ?? 'out', edition.slug);
    await mkdir(dir, { recursive: true });
    await Promise.all([
      writeFile(join(dir, 'email.html'), built.email.html),
      writeFile(join(dir, 'email.txt'), built.email.text),
      writeFile(join(dir, 'web.html'), built.web),
    ]);
    if (values.json) {
      console.log(JSON.stringify({ slug: edition.slug, dir, engine: edition.engine, subject: built.email.subject, htmlBytes: built.htmlBytes, textBytes: built.textBytes, warnings: built.warnings, renderMs: Math.round(renderMs) }));
      return 0;
    }
    console.log(`Built ${edition.slug} → ${displayDir(dir)}/{email.html,email.txt,web.html}`);
    console.log(`  subject  ${built.email.subject}`);
    console.log(`  engine   ${edition.engine}`);
    console.log(`  html     ${formatKb(built.htmlBytes)} of Gmail's ~102 KB clip (${Math.round((built.htmlBytes / GMAIL_CLIP_BYTES) * 100)}%)`);
    console.log(`  text     ${formatKb(built.textBytes)}`);
    console.log(`  time     ${Math.round(renderMs)} ms`);
    for (const warning of built.warnings) console.log(`  warning  ${warning}`);
    return 0;
  },
};

const GMAIL_CLIP_BYTES = 102 * 1024;


function formatKb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

/** The output folder as the user would type it: relative inside the project, absolute outside. */
function displayDir(dir: string): string {
  const rel = relative(process.cwd(), dir);
  return rel === '' || rel.startsWith('..') ? dir : rel;
}
