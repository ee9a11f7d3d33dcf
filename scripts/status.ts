import { basename } from 'node:path';
import { resolveConfig } from '../src/config.ts';
import { NewsletterError } from '../src/errors.ts';
import { formatSummary } from '../src/send/format-report.ts';
import { createJournal, journalCampaignId, type CampaignSummary } from '../src/store/journal.ts';
import { openStore } from '../src/store/open-store.ts';
import { countSuppressions } from '../src/store/suppressions.ts';
import { deliveryCounts, type DeliveryCounts } from '../src/webhooks/index.ts';
import { parseFlags, type Command } from './cli.ts';
import { broadcastCampaignId, stepJournal } from '../src/broadcast/broadcast-steps.ts';
import { broadcastStatus, formatBroadcastStatus, type BroadcastStatus } from '../src/broadcast/broadcast-status.ts';
import { createCaller, createCallPace } from '../src/broadcast/resend-calls.ts';
import { Resend } from 'resend';

export const command: Command = {
  help: `Usage: npx newsletter status [<campaign>] [--json]

Prints what the journal (NEWSLETTER_DB, default data/newsletter.db) knows of a
campaign: its status, recipients sent, failed (with reasons), queued and
skipped, and batches open for a resume. <campaign> is the edition's slug
(its file name without .md) or the edition file itself; outbox runs are
listed next to the real send. Without <campaign>, lists every campaign.

Options:
  --json       print as JSON
  -h, --help   show this help`,

  async run(argv) {
    const { values, positionals } = parseFlags('status', argv, { json: { type: 'boolean', default: false } });
    if (positionals.length > 1) throw new NewsletterError('bad-flag', 'newsletter status: give at most one campaign. See `npx newsletter status --help`.');
    const config = resolveConfig(process.env);
    const store = openStore(config.dbPath);
    try {
      const journal = createJournal(store);
      const arg = positionals[0];
      if (arg === undefined) {
        const campaigns = journal.campaigns();
        if (values.json) console.log(JSON.stringify({ campaigns, suppressions: countSuppressions(store) }));
        else if (campaigns.length === 0) console.log(`No campaigns in ${config.dbPath} yet.`);
        else for (const c of campaigns) console.log(`${c.id}  ${c.status}  ${c.updatedAt}  ${c.subject}`);
        return 0;
      }
      const slug = basename(arg).replace(/\.md$/i, '');
      // The real send and its outbox previews, whichever exist; `x@outbox` names one directly.
      const ids = /@(outbox|broadcast)$/.test(slug) ? [slug] : [journalCampaignId(slug, 'resend'), journalCampaignId(slug, 'outbox'), broadcastCampaignId(slug)];
      const summaries = ids.map((id) => journal.summary(id)).filter((s): s is CampaignSummary => s !== undefined);
      if (summaries.length === 0) {
        const known = journal.campaigns().map((c) => c.id);
        throw new NewsletterError(
          'unknown-campaign',
          `${config.dbPath}: no campaign \`${slug}\` in the journal — ${known.length === 0 ? 'nothing has been sent with this journal yet (is NEWSLETTER_DB the same as when you sent?)' : `known campaigns: ${known.join(', ')}`}.`,
        );
      }
      // What Resend's webhooks reported, tied to the campaign by its tag (the slug); only
      // real sends have any.
      const deliveries = (id: string): DeliveryCounts | undefined => (/@(outbox|broadcast)$/.test(id) ? undefined : deliveryCounts(store.db, id));
      // A broadcast's own account of itself is Resend's: asked when there is a key to ask with.
      const broadcastId = stepJournal(store, broadcastCampaignId(slug.replace(/@broadcast$/, ''))).get('create')?.resendId;
      let broadcast: BroadcastStatus | undefined;
      if (broadcastId !== undefined && config.resendApiKey !== undefined) {
        const resend = new Resend(config.resendApiKey, config.resendBaseUrl === undefined ? undefined : { baseUrl: config.resendBaseUrl });
        broadcast = await broadcastStatus(resend, createCaller({ pace: createCallPace({ rate: config.ratePerSecond }), timeoutMs: config.timeoutMs }), broadcastId);
      }
      if (values.json) {
        const campaigns = summaries.map((s) => ({ ...s, deliveries: deliveries(s.campaign.id) }));
        console.log(JSON.stringify({ campaigns, suppressions: countSuppressions(store), ...(broadcast === undefined ? {} : { broadcast }) }));
      } else {
        const blocks = summaries.map((s) => {
          const lines = formatSummary(s);
          if (s.campaign.id.endsWith('@broadcast')) {
            if (broadcast !== undefined) lines.push(...formatBroadcastStatus(broadcast));
            else if (broadcastId !== undefined) lines.push(`  broadcast     ${broadcastId} (set RESEND_API_KEY to ask Resend how it went)`);
          }
          const d = deliveries(s.campaign.id);
          if (d !== undefined) {
            const seen = Object.entries(d).filter(([, c]) => c.messages > 0);
            lines.push(
              seen.length === 0
                ? '  deliveries    no webhook events yet (`npx newsletter serve` receives them from Resend)'
                : `  deliveries    ${seen.map(([type, c]) => `${type.replace('_', ' ')} ${c.messages}`).join(' · ')}\n                (\`npx newsletter report ${s.campaign.id}\` for rates, clicks per link and charts)`,
            );
          }
          return lines.join('\n');
        });
        console.log(blocks.join('\n\n'));
        const s = countSuppressions(store);
        console.log(`\nSuppressed addresses (all campaigns): unsubscribed ${s.unsubscribed} · bounced ${s.bounced} · complained ${s.complained} · manual ${s.manual}`);
      }
      return 0;
    } finally {
      store.close();
    }
  },
};
