import { relative } from 'node:path';
import { readFile } from 'node:fs/promises';
import { checkClientSupport } from '../src/check/check-client-support.ts';
import { checkEdition, checkProblems } from '../src/check/check-edition.ts';
import { checkInbox } from '../src/check/check-inbox.ts';
import { DEFAULT_CHROMIUM, launchChromium } from '../src/check/launch-chromium.ts';
import type { CheckReport, Finding } from '../src/check/finding.ts';
import { sampleMessage } from '../src/check/sample-message.ts';
import { readEdition } from '../src/content/load-edition.ts';
import { resolveConfig } from '../src/config.ts';
import { buildEdition } from '../src/render/build-edition.ts';
import { engineFlag, parseFlags, type Command } from './cli.ts';

export const command: Command = {
  help: `Usage: npx newsletter check <edition.md> [--json] [--all]

Loads and renders an edition and checks what a reader's mailbox will make of it:
  schema      the front matter and body (every problem, with file and line)
  ad-rules    정보통신망법 §50: "(광고)" at the very start of an advertisement's
              subject, the sender's name, email, phone and postal address in
              the footer (each missing one named), a 수신거부
              link to {{unsubscribe_url}}, and List-Unsubscribe headers
  links       absolute https:// (or mailto:, or a merge slot), no placeholders
              such as example.com, "#" or TODO
  images      alt text, a width attribute, an https:// src
  merge-slots slots that are not standard, and broken ones ({{name})
  size        the HTML against Gmail's ~102 KB clip
  clients     caniemail support in Gmail, Apple Mail, Outlook and Yahoo,
              one line per feature with the clients that lack it
  accessibility  axe-core in Chromium at 375 px, light and dark; text contrast
              of 4.5:1 in light, dark and force-inverted; the Email Markup
              Consortium's checks (lang/dir inside <body>, one h1, title,
              presentation tables, link text). Serious or critical: an error.
              Needs Chromium (CHROMIUM_PATH, default /usr/bin/chromium)
  spam        SpamAssassin (-L, local tests) over one personalized message:
              a warning from 2 points, an error from 5. Needs spamassassin

Exits 1 when there is an error, 0 when there are only warnings (CI and
\`newsletter send\` rely on this), 2 on a usage error.

Options:
  --engine <react|mjml>  the template engine (default: the edition's engine)
  --json        print the report as JSON
  --all         also list info (partial client support); --json always has it
  -h, --help    show this help`,
  async run(argv) {
    const { values, positionals } = parseFlags('check', argv, {
      json: { type: 'boolean', default: false },
      all: { type: 'boolean', default: false },
      engine: { type: 'string' },
    });
    const engine = engineFlag('check', values.engine);
    const file = positionals[0];
    if (!file || positionals.length > 1) {
      console.error('newsletter check: give exactly one edition file, e.g. `npx newsletter check content/2025-07-08-ai-issues-2025-h1.md`.');
      return 2;
    }
    const shown = relative(process.cwd(), file).startsWith('..') ? file : relative(process.cwd(), file);
    const loaded = await readEdition(file);
    let report: CheckReport;
    if (!loaded.ok) {
      report = checkProblems(loaded.problems);
    } else {
      const config = resolveConfig(process.env);
      const built = await buildEdition(loaded.edition, engine ? { engine } : {});
      const source = await readFile(file, 'utf8');
      const settings = { publicUrl: config.publicUrl ?? config.devPublicUrl, secret: config.secret ?? config.devSecret };
      const sample = sampleMessage(loaded.edition, built.email, settings);
      const browser = await launchChromium(process.env.CHROMIUM_PATH ?? DEFAULT_CHROMIUM);
      const inbox = await checkInbox(loaded.edition, built.email, { browser, settings }).finally(() => browser?.close());
      report = checkEdition({
        edition: loaded.edition,
        email: built.email,
        htmlBytes: built.htmlBytes,
        file: shown,
        source,
        sample,
        clientSupport: checkClientSupport(built.email.html),
        inbox,
      });
    }
    if (values.json) {
      console.log(JSON.stringify({ file: shown, ok: report.errors === 0, ...report }));
    } else {
      for (const line of formatReport(shown, report, values.all === true)) console.log(line);
    }
    return report.errors > 0 ? 1 : 0;
  },
};

function formatReport(file: string, report: CheckReport, all: boolean): string[] {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  // The spam score is shown even when it is only info: a low score is worth seeing too.
  const hidden = (f: Finding) => f.severity === 'info' && f.check !== 'spam';
  const infos = report.findings.filter(hidden).length;
  const lines = [
    `${report.errors > 0 ? '✗' : '✓'} ${file}: ${plural(report.errors, 'error')}, ${plural(report.warnings, 'warning')}${infos > 0 ? `, ${infos} info` : ''}`,
  ];
  for (const finding of report.findings) {
    if (hidden(finding) && !all) continue;
    lines.push(formatFinding(finding));
  }
  if (infos > 0 && !all) lines.push(`  (${plural(infos, 'note')} on partial client support and page-only accessibility rules not shown — add --all)`);
  if (report.errors > 0) lines.push('Fix the errors above; warnings alone do not stop a send.');
  return lines;
}

function formatFinding(f: Finding): string {
  const head = `  ${f.severity.padEnd(7)} ${f.check.padEnd(13)} `;
  const where = f.where ? `${f.where} ` : '';
  const url = f.support?.url ?? f.url;
  const link = url ? `\n${' '.repeat(head.length)}${url}` : '';
  return `${head}${where}${f.message}${link}`;
}
