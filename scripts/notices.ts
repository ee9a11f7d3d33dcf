import { resolveConfig } from '../src/config.ts';
import { dispatchNotices } from '../src/consent/dispatch-notices.ts';
import { owedNotices, requeueFailedNotices, summarizeNotices, type NoticeRow } from '../src/consent/notices.ts';
import { NewsletterError } from '../src/errors.ts';
import { maskAddress } from '../src/subscribers/mask-address.ts';
import { openStore } from '../src/store/open-store.ts';
import { parseFlags, type Command } from './cli.ts';
import { openListContext } from './list-context.ts';

const HELP = `Usage: npx newsletter notices [--list-only] [--retry-failed] [--json]

Shows what the list still owes people — confirmation emails, the 처리결과 notices that
정보통신망법 §50⑦ requires within 14 days of a consent or refusal, and §50⑧
reconfirmations — then sends them (exactly once: each is journaled, and resent after a
crash under the same idempotency key). \`serve\` does this by itself; run this when it
was down, or when it warns that a notice is overdue.

Options:
  --list-only      show, send nothing
  --retry-failed   also retry notices that failed permanently (after fixing the cause)
  --json           print {summary, owed, sent} as JSON
  --db <file>      the journal (default: NEWSLETTER_DB or data/newsletter.db)
  --list <file>    the list settings (default: NEWSLETTER_LIST or content/list.yaml)
  -h, --help       show this help

Exit status: 0 when nothing is owed afterwards; 1 when some are (the output says why).`;

export const command: Command = {
  help: HELP,
  async run(argv) {
    const { values, positionals } = parseFlags('notices', argv, {
      'list-only': { type: 'boolean', default: false },
      'retry-failed': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      db: { type: 'string' },
      list: { type: 'string' },
    });
    if (positionals.length > 0) throw new NewsletterError('bad-flag', `newsletter notices: unexpected argument \`${positionals[0]}\`. See \`npx newsletter notices --help\`.`);
    const config = resolveConfig(process.env, { ...(values.db === undefined ? {} : { dbPath: values.db }), ...(values.list === undefined ? {} : { listPath: values.list }) });
    const store = openStore(config.dbPath);
    const say = (line: string) => (values.json ? console.error(line) : console.log(line));
    try {
      const now = Date.now();
      if (values['retry-failed']) requeueFailedNotices(store, now);
      const before = summarizeNotices(store, now);
      const owed = owedNotices(store, { limit: 50 });
      say(`${before.owed} notice(s) owed${before.failed > 0 ? `, ${before.failed} failed` : ''}.`);
      for (const n of owed) say(describe(n, now));
      if (before.owed > owed.length) say(`… and ${before.owed - owed.length} more.`);
      if (before.overdue > 0) {
        console.error(`\n!!! ${before.overdue} notice(s) are past their deadline (정보통신망법 §50⑦: 14 days after the consent or refusal). Send them now; fix what made them fail (the errors are above).`);
      } else if (before.dueSoon > 0) {
        console.error(`\n! ${before.dueSoon} notice(s) reach their deadline within 3 days.`);
      }
      let sent = { sent: 0, failed: 0, retrying: 0 };
      if (!values['list-only'] && before.owed > 0) {
        const list = await openListContext(config);
        try {
          // Everything owed now, retries included: a person asked.
          sent = await dispatchNotices({ store, transport: list.transport, context: list.context, now: Date.now, all: true });
        } finally {
          await list.transport.close();
        }
        say(`Sent ${sent.sent}${sent.retrying > 0 ? `; ${sent.retrying} failed for now (retried later)` : ''}${sent.failed > 0 ? `; ${sent.failed} failed (see \`--retry-failed\`)` : ''}${list.outboxDir === undefined ? '' : ` — outbox: ${list.outboxDir}/`}.`);
      }
      const after = summarizeNotices(store, Date.now());
      if (values.json) console.log(JSON.stringify({ summary: after, owed: owed.map((n) => ({ id: n.id, kind: n.kind, state: n.state, dueBy: n.due_by, attempts: n.attempts, error: n.error })), sent }));
      return after.owed === 0 ? 0 : 1;
    } finally {
      store.close();
    }
  },
};

function describe(n: NoticeRow, now: number): string {
  const days = Math.floor((Date.parse(n.due_by) - now) / 86_400_000);
  const due = days < 0 ? `OVERDUE by ${-days} day(s)` : `due in ${days} day(s)`;
  return `  ${n.kind.padEnd(15)} ${maskAddress(n.email).padEnd(28)} ${n.state.padEnd(9)} ${due}, ${n.attempts} attempt(s)${n.error ? ` — ${n.error}` : ''}`;
}
