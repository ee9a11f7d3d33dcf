import { dirname, join } from 'node:path';
import { Resend } from 'resend';
import { broadcastCampaignId } from '../src/broadcast/broadcast-steps.ts';
import { cancelBroadcast } from '../src/broadcast/cancel-broadcast.ts';
import { formatBroadcastOutcome, formatBroadcastPlan, formatImportProgress } from '../src/broadcast/format-broadcast.ts';
import { runBroadcast } from '../src/broadcast/run-broadcast.ts';
import type { Config } from '../src/config.ts';
import type { Email } from '../src/render/email.ts';
import { openCampaignList } from '../src/send/campaign-list.ts';
import { systemClock } from '../src/send/clock.ts';
import { holdCampaign } from '../src/send/hold-campaign.ts';
import { openStore } from '../src/store/open-store.ts';
import type { Recipient } from '../src/subscribers/schema.ts';
import type { Message } from '../src/transport/transport.ts';
import { thisProcess } from './cli.ts';
import { confirm } from './send-options.ts';

/** `send --transport broadcast`: the edition is checked and rendered by send.ts; this hands it to Resend. */
export interface SendBroadcastInput {
  file: string;
  slug: string;
  subject: string;
  email: Email;
  personalize: (recipient: Recipient) => Message;
  from: string;
  replyTo: string | undefined;
  advertisement: boolean;
  config: Config;
  to: string | undefined;
  strict: boolean;
  consentSource: string | undefined;
  skipUnconsented: boolean;
  scheduledAt: string | undefined;
  dryRun: boolean;
  cancel: boolean;
  yes: boolean;
  json: boolean;
  warnings: string[];
}

export async function sendBroadcast(input: SendBroadcastInput): Promise<number> {
  const { config, json } = input;
  const say = (line: string) => (json ? console.error(line) : console.log(line));
  const campaign = broadcastCampaignId(input.slug);
  const store = openStore(config.dbPath);
  const resend = new Resend(config.resendApiKey, config.resendBaseUrl === undefined ? undefined : { baseUrl: config.resendBaseUrl });
  const hold = input.dryRun ? undefined : holdCampaign({ store, campaign, holder: thisProcess(), clock: systemClock, heartbeatMs: config.leaseHeartbeatMs, staleMs: config.leaseStaleMs });
  if (hold?.tookOver !== undefined) say(hold.tookOver);
  const controller = new AbortController();
  const onSigint = () => {
    controller.abort();
    process.stderr.write('\nStopping: every step done so far is in the journal; run the same command again to go on.\n');
  };
  process.on('SIGINT', onSigint);
  let barShown = false;
  const clearBar = () => {
    if (barShown) process.stderr.write('\r\x1b[K');
    barShown = false;
  };
  try {
    if (input.cancel) {
      const cancelled = await cancelBroadcast({ store, campaign, resend, rate: config.ratePerSecond, timeoutMs: config.timeoutMs, now: systemClock.now, ...(hold === undefined ? {} : { lease: hold.lease }) });
      if (json) console.log(JSON.stringify(cancelled));
      else say(`Cancelled broadcast ${cancelled.broadcastId} of ${input.slug}: Resend sends no more of it (emails already sent are not recalled).`);
      return 0;
    }
    const list = openCampaignList({
      to: input.to,
      test: undefined,
      store,
      strict: input.strict,
      advertisement: input.advertisement,
      consentSource: input.consentSource,
      skipUnconsented: input.skipUnconsented,
      now: systemClock.now(),
    });
    const progressOnTty = process.stderr.isTTY === true && !json;
    let lastPlain = 0;
    const outcome = await runBroadcast({
      campaign,
      subject: input.subject,
      email: input.email,
      personalize: input.personalize,
      from: input.from,
      replyTo: input.replyTo,
      list,
      consentSource: input.consentSource,
      store,
      resend,
      rate: config.ratePerSecond,
      timeoutMs: config.timeoutMs,
      scheduledAt: input.scheduledAt,
      dryRun: input.dryRun,
      workDir: join(dirname(config.dbPath), 'broadcast', input.slug),
      maxPartBytes: config.broadcastPartBytes,
      pollMs: config.broadcastPollMs,
      lease: hold?.lease,
      now: systemClock.now,
      signal: controller.signal,
      confirm: async (plan) => {
        const summary = list.summary();
        if (!json) for (const line of formatBroadcastPlan({ slug: input.slug, subject: input.subject, plan, warnings: [...input.warnings, ...summary.warnings], ...(summary.list === undefined ? {} : { list: summary.list }), scheduledAt: input.scheduledAt })) say(line);
        if (!input.yes) await confirm(`Hand ${plan.contacts.toLocaleString('en-US')} contacts to Resend as a broadcast and send it now? [y/N] `, 'a broadcast');
      },
      onImport(progress) {
        if (progressOnTty) {
          process.stderr.write(`\r\x1b[K${formatImportProgress(progress, { bar: true })}`);
          barShown = true;
        } else if (!json && (systemClock.now() - lastPlain >= 2000 || progress.status === 'completed')) {
          lastPlain = systemClock.now();
          console.error(formatImportProgress(progress, { bar: false }));
        }
      },
      onNotice(message) {
        clearBar();
        console.error(message);
      },
    });
    clearBar();
    if (json) console.log(JSON.stringify(outcome));
    else for (const line of formatBroadcastOutcome(outcome, input.slug)) say(line);
    return 0;
  } catch (error) {
    clearBar();
    if (controller.signal.aborted) {
      say('Stopped. Run the same command again to go on from the last step the journal recorded.');
      return 130;
    }
    throw error;
  } finally {
    process.off('SIGINT', onSigint);
    hold?.release();
    store.close();
  }
}

