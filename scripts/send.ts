import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkEdition } from '../src/check/check-edition.ts';
import { sampleIdentity } from '../src/check/sample-message.ts';
import type { Finding } from '../src/check/finding.ts';
import { sendVerdict } from '../src/check/send-verdict.ts';
import { resolveConfig } from '../src/config.ts';
import { loadEdition } from '../src/content/load-edition.ts';
import { NewsletterError } from '../src/errors.ts';
import { renderEmailCached } from '../src/render/render-cache.ts';
import { systemClock } from '../src/send/clock.ts';
import { formatReport } from '../src/send/format-report.ts';
import { createPersonalizer } from '../src/send/personalize.ts';
import { sendCampaign, type SendReport } from '../src/send/send-campaign.ts';
import { openStore } from '../src/store/open-store.ts';
import { recordListSource } from '../src/send/campaign-list.ts';
import { checkConsentSource } from '../src/subscribers/add-subscribers.ts';
import { holdCampaign } from '../src/send/hold-campaign.ts';
import { journalCampaignId } from '../src/store/journal.ts';
import { createTransport } from './resources.ts';
import { sendOutput } from './send-output.ts';
import { startPlan } from './send-plan.ts';
import { confirm, parseSchedule, SEND_HELP, parseTestAddresses, pickTransport, requireResendConfig, shellQuote, transportDirName, usage } from './send-options.ts';
import { engineFlag, numberFlag, parseFlags, thisProcess, type Command } from './cli.ts';

export const command: Command = {
  help: SEND_HELP,

  async run(argv) {
    const { values, positionals } = parseFlags('send', argv, {
      to: { type: 'string' },
      transport: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      test: { type: 'string' },
      schedule: { type: 'string' },
      rate: { type: 'string' },
      strict: { type: 'boolean', default: false },
      yes: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      engine: { type: 'string' },
      'consent-source': { type: 'string' },
      'skip-unconsented': { type: 'boolean', default: false },
      cancel: { type: 'boolean', default: false },
    });
    const engine = engineFlag('send', values.engine);
    const file = positionals[0];
    if (file === undefined || positionals.length > 1) {
      throw usage('give exactly one edition file, e.g. `npx newsletter send content/2025-07-08-ai-issues-2025-h1.md --to content/subscribers.sample.csv`.');
    }
    const json = values.json === true;
    const dryRun = values['dry-run'] === true;
    const testAddresses = values.test === undefined ? undefined : parseTestAddresses(values.test);
    const consentSource = values['consent-source'] === undefined ? undefined : checkConsentSource(values['consent-source'], 'send');
    const rate = values.rate === 'auto' ? 'auto' : numberFlag('send', 'rate', values.rate, 0.1);
    const config = resolveConfig(process.env, rate === undefined ? {} : { ratePerSecond: rate });
    // Human lines go to stdout; with --json, stdout holds only the JSON, so they go to stderr.
    const say = (line: string) => (json ? console.error(line) : console.log(line));

    // --- Which transport, and is it allowed to start ----------------------------------
    const transportName = pickTransport(values.transport, config);
    if (transportName !== 'outbox') requireResendConfig(config);
    if (transportName === 'broadcast' && testAddresses !== undefined) {
      throw usage('--test goes through the batch API, not a broadcast: drop --transport broadcast (use --transport resend --test …).');
    }
    if (values.cancel === true && transportName !== 'broadcast') throw usage('--cancel cancels a broadcast: give it with --transport broadcast.');
    const scheduledAt = values.schedule === undefined ? undefined : parseSchedule(values.schedule, transportName);

    // --- The edition, rendered once ---------------------------------------------------
    const loaded = await loadEdition(file);
    const edition = engine ? { ...loaded, engine } : loaded;
    // From the cache when `build` (or an earlier send) rendered this edition with the same
    // templates: then React and MJML are not even loaded.
    const { email } = await renderEmailCached(edition);
    const identity = sampleIdentity(edition, {
      publicUrl: config.publicUrl ?? config.devPublicUrl,
      secret: config.secret ?? config.devSecret,
      ...(testAddresses === undefined ? {} : { test: true }),
    });
    const personalize = createPersonalizer(email, identity);

    // --- Compliance: what the law and the mailbox providers require, checked on the
    // rendered email and one personalized message; errors refuse the send -------------
    const compliance = checkEdition({
      edition,
      email,
      file,
      source: await readFile(file, 'utf8'),
      sample: personalize({ email: 'reader@example.com', fields: {} }),
    });
    // What refuses the send and what only warns, by transport: see src/check/send-verdict.ts.
    const describe = (f: Finding) => `${f.where ? `${f.where} ` : ''}${f.message}`;
    const verdict = sendVerdict(compliance.findings, transportName === 'outbox' ? 'outbox' : 'resend');
    const blocking = verdict.blocking;
    if (blocking.length > 0) {
      throw new NewsletterError(
        'not-compliant',
        `newsletter send: refusing to send ${file} — fix these first (\`npx newsletter check ${file}\` shows every check):`,
        blocking.map(describe),
      );
    }
    const checkWarnings = verdict.warnings.map((f) => `${describe(f)}${f.severity === 'error' ? ' (newsletter check calls this an error)' : ''}`);
    if (transportName === 'broadcast') {
      // Loaded only here: it holds the resend SDK, which a send to the outbox never needs.
      const { sendBroadcast } = await import('./send-broadcast.ts');
      return sendBroadcast({
        file, slug: edition.slug, subject: email.subject, email, personalize, from: identity.from, replyTo: identity.replyTo,
        advertisement: edition.advertisement, config, to: values.to, strict: values.strict === true, consentSource,
        skipUnconsented: values['skip-unconsented'] === true, scheduledAt, dryRun, cancel: values.cancel === true,
        yes: values.yes === true, json, warnings: checkWarnings,
      });
    }
    const outboxDir = join(config.outboxDir, transportDirName(edition.slug, testAddresses !== undefined));
    if (values.transport === undefined && transportName === 'outbox') {
      const secretNote = config.secret === undefined ? ', with a fixed local development secret for the unsubscribe links (set NEWSLETTER_SECRET for real sends)' : '';
      say(
        dryRun
          ? `No RESEND_API_KEY set: a dry run against the local outbox ${outboxDir}/ (nothing is written)${secretNote}.`
          : `No RESEND_API_KEY set: writing to the local outbox ${outboxDir}/ instead of sending${secretNote}.`,
      );
    } else if (transportName === 'outbox' && config.secret === undefined) {
      say(`Writing to the local outbox ${outboxDir}/ with a fixed local development secret for the unsubscribe links (set NEWSLETTER_SECRET for real sends).`);
    }

    // A test send gets a journal of its own that vanishes with the process: it is not the
    // campaign, and must not make the real send skip the testers as "already sent".
    const store = openStore(testAddresses === undefined ? config.dbPath : ':memory:');
    const campaign = journalCampaignId(edition.slug, transportName);
    // One run per campaign at a time: a second one stops here, saying who sends it (dry and test runs write nothing).
    const hold = dryRun || testAddresses !== undefined ? undefined : holdCampaign({ store, campaign, holder: thisProcess(), clock: systemClock, heartbeatMs: config.leaseHeartbeatMs, staleMs: config.leaseStaleMs });
    if (hold?.tookOver !== undefined) say(hold.tookOver);
    const heldAt = systemClock.now();
    const transport = await createTransport(transportName, config, outboxDir);
    try {
      // --- The plan: a pass over the list, counted against the journal (send-plan.ts) ----
      // Only a real send through Resend asks before it starts.
      const asks = transportName === 'resend' && !dryRun && testAddresses === undefined && values.yes !== true;
      const output = sendOutput({ json, say });
      const stage = await startPlan({
        // The stored list, or a CSV gated for consent, or the test addresses.
        listOptions: {
          to: values.to,
          test: testAddresses,
          store,
          strict: values.strict === true,
          advertisement: edition.advertisement,
          consentSource,
          skipUnconsented: values['skip-unconsented'] === true,
          now: systemClock.now(),
        },
        slug: edition.slug, subject: email.subject, transport: transportName, campaign, config, json, scheduledAt, checkWarnings, output,
        mayOverlap: transportName === 'resend' && !dryRun && !asks,
      });
      const { list } = stage;
      if (!stage.early) {
        const plan = await stage.plan;
        if (plan.toSend === 0) {
          const nothing = { plan, report: undefined, message: 'Nothing to send: every recipient is already sent or skipped.' };
          if (json) console.log(JSON.stringify(nothing));
          else say(nothing.message);
          return 0;
        }
        if (asks) await confirm(`Send ${plan.toSend.toLocaleString('en-US')} emails through Resend now? [y/N] `, 'a send');
      }
      const controller = new AbortController();
      // Sending before the plan is in: if its pass fails, the send stops.
      stage.shown.catch(() => controller.abort());

      // --- The send -----------------------------------------------------------------------
      let interrupts = 0;
      const onSigint = () => {
        interrupts++;
        if (interrupts > 1) {
          // A second Ctrl-C is a crash on purpose: the journal still makes the next run safe.
          process.stderr.write('\nQuitting now. Batches in flight stay open in the journal and go out again (same keys) on the next run.\n');
          process.exit(130);
        }
        controller.abort();
        process.stderr.write('\nStopping: the batches in flight finish and are recorded… (Ctrl-C again to quit at once)\n');
      };
      process.on('SIGINT', onSigint);
      // The second pass over the list (or the first, beside the plan's): the one that sends.
      const recipients = list.pass();
      const sendListReport = list.summary().report;
      let sourceRecorded = false;
      const recordSource = () => {
        if (dryRun || testAddresses !== undefined) return;
        recordListSource(store, campaign, list.source, consentSource);
        sourceRecorded = true;
      };
      // A holder we took over from may have sent a moment before it died, and its requests
      // still count in Resend's one-second window for the team: let that window pass first.
      if (hold?.tookOver !== undefined && transportName === 'resend') await sleep(Math.max(0, heldAt + 1100 - systemClock.now()));
      let report: SendReport;
      try {
        report = await sendCampaign({
          email,
          recipients,
          ...(sendListReport !== undefined && 'invalidCount' in sendListReport ? { listReport: sendListReport } : {}),
          personalize,
          transport,
          store,
          clock: systemClock,
          dryRun,
          ...(scheduledAt === undefined ? {} : { scheduledAt }),
          ...(testAddresses === undefined ? {} : { keyNonce: `test-${systemClock.now()}` }),
          rate: config.ratePerSecond,
          fallbackRate: config.autoFallbackRate,
          rateMarginMs: config.rateMarginMs,
          // Resend's batch endpoint takes no scheduled_at: scheduled emails go one a request.
          batchSize: scheduledAt === undefined ? config.batchSize : 1,
          concurrency: config.concurrency,
          maxConsecutiveFailures: config.maxConsecutiveFailures,
          backoff: { baseMs: config.backoffBaseMs, maxMs: config.backoffMaxMs },
          signal: controller.signal,
          ...(hold === undefined ? {} : { lease: hold.lease }),
          onProgress(p) {
            // The campaign exists in the journal from the first progress on.
            if (!sourceRecorded) recordSource();
            output.progress(p);
          },
          onNotice(message) {
            if (stage.warnings().includes(message)) return; // already in the plan
            output.notice(message);
          },
        });
        // Overlapped, the plan's pass ends long before the send (a list read, against a send
        // paced at the team's limit), but not before a send stopped early: Ctrl-C still
        // answers while it finishes. Its failure, if any, is the command's.
        await stage.shown;
      } finally {
        process.off('SIGINT', onSigint);
        output.clear();
      }
      recordSource();
      const plan = await stage.plan;

      // --- The report ---------------------------------------------------------------------
      const resume = `npx newsletter send ${argv.map(shellQuote).join(' ')}`;
      if (json) {
        console.log(JSON.stringify({ plan, report, ...(report.paused || report.stopped ? { resume } : {}) }));
      } else {
        for (const line of formatReport(report, { resume, test: testAddresses !== undefined })) say(line);
        if (transportName === 'outbox' && !dryRun) say(`Outbox: ${outboxDir}/`);
      }
      if (report.interrupted) return 130;
      return report.failedCount === 0 && report.paused === undefined && report.stopped === undefined ? 0 : 1;
    } finally {
      hold?.release();
      await transport.close();
      store.close();
    }
  },
};
