import { resolveConfig } from '../src/config.ts';
import { dispatchNotices } from '../src/consent/dispatch-notices.ts';
import { koreanDate } from '../src/consent/korean-date.ts';
import { consentDue, countConsentDue, DUE_WINDOW_DAYS, journalReminders } from '../src/consent/reconfirmation.ts';
import { NewsletterError } from '../src/errors.ts';
import { openStore } from '../src/store/open-store.ts';
import { parseFlags, type Command } from './cli.ts';
import { openListContext } from './list-context.ts';
import { jsonArrayLines, writeLines } from './write-lines.ts';

const HELP = `Usage: npx newsletter consent <due|remind> [--at ISO] [options]

정보통신망법 §50⑧ (시행령 제62조의3): every two years from the consent date, each
subscriber is told of their consent (the sender, the date, that it continues unless
they refuse, and a one-click way to refuse). No advertising in it.

  due [--at ISO] [--json]     active subscribers whose two-year date falls within
                              ${DUE_WINDOW_DAYS} days of --at (default now), or is overdue
  remind [--at ISO] [--yes]   sends each of them the reconfirmation notice, exactly once
                              per two-year cycle (journaled first; a rerun sends nothing
                              new). Through Resend it asks first, unless --yes.

Options:
  --at <ISO time>   the date to count from (default: now)
  --db <file>       the journal (default: NEWSLETTER_DB or data/newsletter.db)
  --list <file>     the list settings (default: NEWSLETTER_LIST or content/list.yaml)
  --json            due: a JSON array
  --yes             remind: no confirmation
  -h, --help        show this help`;

export const command: Command = {
  help: HELP,
  async run(argv) {
    const { values, positionals } = parseFlags('consent', argv, {
      at: { type: 'string' },
      json: { type: 'boolean', default: false },
      yes: { type: 'boolean', default: false },
      db: { type: 'string' },
      list: { type: 'string' },
    });
    const [action, ...rest] = positionals;
    if (rest.length > 0) throw usage(`unexpected argument \`${rest[0]}\`.`);
    const at = values.at === undefined ? Date.now() : parseAt(values.at);
    const config = resolveConfig(process.env, { ...(values.db === undefined ? {} : { dbPath: values.db }), ...(values.list === undefined ? {} : { listPath: values.list }) });
    if (action === 'due') {
      const store = openStore(config.dbPath);
      try {
        if (values.json) {
          await writeLines(
            jsonArrayLines(consentDue(store, at), (d) => ({ email: d.email, name: d.name ?? null, consentedAt: d.consentedAt, dueAt: d.dueAt, overdue: d.overdue, daysLeft: d.daysLeft })),
            undefined,
          );
          return 0;
        }
        const n = countConsentDue(store, at);
        console.log(`${n} subscriber(s) due for the two-yearly consent reconfirmation by ${koreanDate(at + DUE_WINDOW_DAYS * 86_400_000)} (정보통신망법 §50⑧).`);
        await writeLines(
          (function* () {
            for (const d of consentDue(store, at)) {
              yield `${d.email}\tconsented ${koreanDate(d.consentedAt)}\tdue ${koreanDate(d.dueAt)}\t${d.overdue ? `OVERDUE by ${-d.daysLeft} day(s)` : `in ${d.daysLeft} day(s)`}`;
            }
          })(),
          undefined,
        );
        if (n > 0) console.log('Send them with `npx newsletter consent remind`.');
        return 0;
      } finally {
        store.close();
      }
    }
    if (action === 'remind') {
      const list = await openListContext(config);
      const store = openStore(config.dbPath);
      try {
        const due = countConsentDue(store, at);
        if (due > 0 && list.transport.name === 'resend' && values.yes !== true) {
          throw new NewsletterError('needs-confirmation', `${due} reconfirmation notice(s) would go out through Resend. Check \`npx newsletter consent due\`, then run the same command with --yes.`);
        }
        const journaled = journalReminders(store, list.settings, at);
        const report = await dispatchNotices({ store, transport: list.transport, context: list.context, now: Date.now });
        console.log(
          `${journaled} reconfirmation notice(s) journaled; ${report.sent} notice(s) sent${report.retrying > 0 ? `, ${report.retrying} to retry` : ''}${report.failed > 0 ? `, ${report.failed} failed` : ''}${list.outboxDir === undefined ? '' : ` (outbox: ${list.outboxDir}/)`}.`,
        );
        if (report.retrying + report.failed > 0) console.error('Some notices are still owed: `npx newsletter notices` shows why and sends them.');
        return report.retrying + report.failed > 0 ? 1 : 0;
      } finally {
        await list.transport.close();
        store.close();
      }
    }
    throw usage(action === undefined ? 'say what to do: due or remind.' : `unknown action \`${action}\` — use due or remind.`);
  },
};

function usage(message: string): NewsletterError {
  return new NewsletterError('bad-flag', `newsletter consent: ${message} See \`npx newsletter consent --help\`.`);
}

function parseAt(value: string): number {
  const time = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || !Number.isFinite(time)) throw usage(`--at must be an ISO 8601 date or time, such as 2027-07-01 or 2027-07-01T09:00:00+09:00, got \`${value}\`.`);
  return time;
}
