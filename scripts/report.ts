import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { resolveConfig } from '../src/config.ts';
import { NewsletterError } from '../src/errors.ts';
import { campaignReport } from '../src/report/campaign-report.ts';
import { findReportCampaign } from '../src/report/find-campaign.ts';
import { formatReport } from '../src/report/format-report.ts';
import { reportPage } from '../src/report/report-page.ts';
import { openStore } from '../src/store/open-store.ts';
import { parseFlags, type Command } from './cli.ts';

export const command: Command = {
  help: `Usage: npx newsletter report <campaign> [--json] [--out report.html]

What happened after a send, from the journal (NEWSLETTER_DB, default
data/newsletter.db) and the Resend webhooks \`npx newsletter serve\` received:
sent, delivered, bounced (hard and soft), complaints, opens and clicks (unique
recipients and every event), unsubscribes, rates over delivered, clicks per
link, and events per hour since the send. <campaign> is the edition's slug (or
its file), or slug@broadcast for a broadcast.

Opens are an upper bound (Apple Mail Privacy Protection and mail scanners open
every message): the report says how many came within 60 s of delivery.
No full address is ever shown.

Options:
  --json            print the report as JSON
  --out <file>      write the report as one HTML page with charts (works offline)
  -h, --help        show this help`,

  async run(argv) {
    const { values, positionals } = parseFlags('report', argv, { json: { type: 'boolean', default: false }, out: { type: 'string' } });
    const given = positionals[0];
    if (given === undefined || positionals.length > 1) {
      throw new NewsletterError('bad-flag', 'newsletter report: give one campaign, e.g. `npx newsletter report 2025-07-08-ai-issues-2025-h1`. See `npx newsletter report --help`.');
    }
    if (values.out === '') throw new NewsletterError('bad-flag', 'newsletter report: --out needs a file name, e.g. `--out report.html`.');
    const config = resolveConfig(process.env);
    const store = openStore(config.dbPath);
    try {
      const campaign = findReportCampaign(store.db, given, config.dbPath);
      const report = campaignReport(store.db, campaign, Date.now());
      if (values.out !== undefined) {
        const file = resolve(values.out);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, reportPage(report));
      }
      if (values.json) console.log(JSON.stringify(report, null, 2));
      else {
        console.log(formatReport(report).join('\n'));
        console.log(values.out === undefined ? '\nThe page with charts: add --out report.html' : `\nWrote ${values.out}`);
      }
      return 0;
    } finally {
      store.close();
    }
  },
};
