import { resolveConfig } from '../src/config.ts';
import { dispatchNotices } from '../src/consent/dispatch-notices.ts';
import { recordRefusal } from '../src/consent/refusal.ts';
import { NewsletterError } from '../src/errors.ts';
import { consentLogOf } from '../src/store/consent-log.ts';
import { addSubscriber, checkConsentSource } from '../src/subscribers/add-subscribers.ts';
import { consentDateProblem } from '../src/subscribers/consent-columns.ts';
import { eraseSubscriber } from '../src/subscribers/erase-subscriber.ts';
import { exportSubscribers, listSubscribers, subscriberJson } from '../src/subscribers/export-subscribers.ts';
import { importSubscribers } from '../src/subscribers/import-subscribers.ts';
import { describeInvalidRow, readSubscribers } from '../src/subscribers/load-subscribers.ts';
import { recipientSchema } from '../src/subscribers/schema.ts';
import { countSubscribers, subscriberStatuses, type SubscriberStatus } from '../src/subscribers/stored-list.ts';
import { parseFlags, type Command } from './cli.ts';
import { openListContext } from './list-context.ts';
import { withStore } from './resources.ts';
import { jsonArrayLines, writeLines } from './write-lines.ts';

const HELP = `Usage: npx newsletter subscribers <list|add|import|export|erase|unsubscribe> [options]

The stored list: every subscriber with their consent record (정보통신망법 §50①).
\`newsletter send <edition>\` without --to sends to its active subscribers.

  list [--status S] [--json]     subscribers, by address; S: ${subscriberStatuses.join(', ')}
  add <email> --consent-source TEXT [--name N] [--consented-at ISO]
                                 one subscriber, active, consent recorded as given on
                                 the command line (cli) at --consented-at (default now)
  import <list.csv> --consent-source TEXT
                                 a CSV: email, name, consented_at (a past date; empty
                                 means now), transaction_ended_at (거래관계, instead of a
                                 consent), merge fields. Streamed, validated, deduplicated;
                                 bad rows reported by line; imported subscribers are
                                 active. Suppressed addresses are never reactivated.
  export [--out FILE]            CSV with every consent record and wording (stdout without --out)
  erase <email>                  deletes the address's personal data (개인정보 보호법 §36);
                                 keeps only a hash so it is never mailed again
  unsubscribe <email>            records a refusal made another way (phone, reply):
                                 suppressed at once, and the §50⑦ notice is sent

Options:
  --consent-source <text>   where the consent is on record, kept with each record
  --db <file>               the journal (default: NEWSLETTER_DB or data/newsletter.db)
  --json                    list: a JSON array
  -h, --help                show this help`;

export const command: Command = {
  help: HELP,
  async run(argv) {
    const { values, positionals } = parseFlags('subscribers', argv, {
      status: { type: 'string' },
      json: { type: 'boolean', default: false },
      name: { type: 'string' },
      'consent-source': { type: 'string' },
      'consented-at': { type: 'string' },
      out: { type: 'string' },
      db: { type: 'string' },
    });
    const [action, ...args] = positionals;
    const config = resolveConfig(process.env, values.db === undefined ? {} : { dbPath: values.db });
    const one = (example: string): string => {
      if (args.length !== 1) throw usage(`${action}: give one address, e.g. \`npx newsletter subscribers ${action} ${example}\`.`);
      return args[0] as string;
    };
    const now = Date.now();
    switch (action) {
      case 'list': {
        const status = values.status === undefined ? undefined : readStatus(values.status);
        return withStore(config.dbPath, async (store) => {
          if (values.json) {
            await writeLines(jsonArrayLines(listSubscribers(store, status), subscriberJson), undefined);
            return 0;
          }
          const counts = countSubscribers(store);
          console.log(subscriberStatuses.map((s) => `${s} ${counts[s]}`).join(' · '));
          await writeLines(
            (function* () {
              for (const s of listSubscribers(store, status)) {
                yield `${s.email}\t${s.status}\t${s.consent.consentedAt ?? (s.consent.transactionEndsAt ? `거래관계 ~${s.consent.transactionEndsAt.slice(0, 10)}` : '-')}\t${s.consent.method ?? '-'}: ${s.consent.source ?? '-'}`;
              }
            })(),
            undefined,
          );
          return 0;
        });
      }
      case 'add': {
        const email = one('kim@example.com --consent-source "행사 신청서 2025-06"');
        const source = checkConsentSource(values['consent-source'], 'subscribers add');
        const fields: Record<string, string> = {};
        if (values['consented-at'] !== undefined) {
          const date = consentDateProblem(values['consented-at'], now);
          if (typeof date === 'string') throw usage(`--consented-at: ${date}.`);
          fields['consented_at'] = date.iso;
        }
        const parsed = recipientSchema.safeParse({ email, ...(values.name === undefined ? {} : { name: values.name }), fields });
        if (!parsed.success) throw usage(`${String(parsed.error.issues[0]?.path[0] ?? 'email')}: ${parsed.error.issues[0]?.message}.`);
        return withStore(config.dbPath, (store) => {
          const outcome = store.db.transaction(() => addSubscriber(store, parsed.data, { method: 'cli', source }, now)).immediate();
          if (outcome === 'suppressed') {
            console.error(
              `${email} is on the suppression list (they refused, bounced, complained or were erased) and was not added: a refusal wins (정보통신망법 §50②). They can sign up again through the form (the double opt-in lifts it), or lift it with \`npx newsletter suppress remove ${email}\` if it was a mistake.`,
            );
            return 1;
          }
          console.log(`${email}: ${outcome === 'updated' ? 'already active — name updated, consent record kept' : `${outcome}, consent recorded (cli: ${source})`}`);
          return 0;
        });
      }
      case 'import': {
        if (args.length !== 1) throw usage('import: give one CSV file, e.g. `npx newsletter subscribers import crm.csv --consent-source "CRM 마케팅 동의"`.');
        const source = checkConsentSource(values['consent-source'], 'subscribers import');
        const file = args[0] as string;
        return withStore(config.dbPath, async (store) => {
          const read = readSubscribers(file, { now });
          const started = performance.now();
          const progress = process.stderr.isTTY ? (rows: number) => process.stderr.write(`\r\x1b[K${rows.toLocaleString('en-US')} rows`) : undefined;
          const counts = await importSubscribers(store, read.recipients, { method: 'import', source }, now, progress);
          if (progress) process.stderr.write('\r\x1b[K');
          const r = read.report;
          console.log(
            `${file}: ${r.rows.toLocaleString('en-US')} rows in ${((performance.now() - started) / 1000).toFixed(1)} s — ${counts.added} added, ${counts.activated} activated, ${counts.updated} updated, ${counts.suppressed} suppressed (not reactivated), ${counts['no-basis']} without a basis (transaction over 6 months ago), ${r.duplicates} duplicates, ${r.invalidCount} invalid`,
          );
          for (const warning of r.warnings) console.error(warning);
          for (const row of r.invalid.slice(0, 50)) console.error(describeInvalidRow(file, row));
          if (r.invalidCount > 50) console.error(`… and ${r.invalidCount - 50} more invalid rows.`);
          return r.invalidCount > 0 ? 1 : 0;
        });
      }
      case 'export':
        return withStore(config.dbPath, async (store) => {
          const n = await writeLines(exportSubscribers(store), values.out);
          if (values.out !== undefined) console.error(`${values.out}: ${n - 1} subscribers with their consent records.`);
          return 0;
        });
      case 'erase': {
        const email = one('kim@example.com');
        return withStore(config.dbPath, (store) => {
          const result = eraseSubscriber(store, email, now);
          console.log(
            `${email}: erased — subscriber ${result.subscriber ? 'removed' : 'not in the list'}, ${result.consentLog} consent log entries, ${result.notices} notices, ${result.suppression ? 'the suppression row' : 'no suppression row'}, ${result.campaignRecipients} campaign records anonymized. Kept: a SHA-256 hash of the address, so nothing is ever sent to it again.`,
          );
          return 0;
        });
      }
      case 'unsubscribe': {
        const email = one('kim@example.com');
        const list = await openListContext(config);
        return withStore(config.dbPath, async (store) => {
          const { added } = store.db.transaction(() => recordRefusal(store, { address: email, reason: 'unsubscribed', source: 'cli', at: now }, list.settings)).immediate();
          if (!added) {
            console.log(`${email} was already suppressed: nothing changed, no notice owed.`);
            return 0;
          }
          const sent = await dispatchNotices({ store, transport: list.transport, context: list.context, now: Date.now });
          await list.transport.close();
          console.log(`${email}: unsubscribed (suppressed at once). 수신거부 notice: ${sent.sent > 0 ? 'sent' : 'owed — run `npx newsletter notices`'}.`);
          const log = consentLogOf(store, email);
          console.log(`consent log: ${log.map((e) => `${e.at} ${e.action}`).join(', ')}`);
          return 0;
        });
      }
      default:
        throw usage(action === undefined ? 'say what to do: list, add, import, export, erase or unsubscribe.' : `unknown action \`${action}\` — use list, add, import, export, erase or unsubscribe.`);
    }
  },
};

function usage(message: string): NewsletterError {
  return new NewsletterError('bad-flag', `newsletter subscribers ${message} See \`npx newsletter subscribers --help\`.`);
}

function readStatus(value: string): SubscriberStatus {
  const status = subscriberStatuses.find((s) => s === value);
  if (status === undefined) throw usage(`list: --status must be one of ${subscriberStatuses.join(', ')}, got \`${value}\`.`);
  return status;
}
