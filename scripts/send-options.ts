import { createInterface } from 'node:readline/promises';
import type { Config } from '../src/config.ts';
import { NewsletterError } from '../src/errors.ts';
import { systemClock } from '../src/send/clock.ts';
import { recipientSchema, type Recipient } from '../src/subscribers/schema.ts';

/** `send`'s help and flags, read and checked, its preconditions, and its confirmation prompt (the command itself: send.ts). */

export const SEND_HELP = `Usage: npx newsletter send <edition.md> [--to <list.csv>] [options]

Sends the edition to every subscriber on the list exactly once, paced to
Resend's rate limit, with retries. Every batch is recorded in the journal
(NEWSLETTER_DB, default data/newsletter.db) before and after it is sent, so
after a crash, Ctrl-C or a pause, running the same command again resumes:
nobody is sent twice, nobody is left out.

It shows the plan first (recipients, duplicates, invalid rows, suppressed,
already sent). Through Resend it then asks for confirmation (--yes without a
terminal); the outbox and --dry-run go ahead.

Options:
  --to <list.csv>         a CSV instead of the stored list (header row: email, optional
                          name, consented_at, merge fields); without --to, the stored
                          list's active subscribers (\`npx newsletter subscribers\`)
  --consent-source <text> an advertisement to a CSV: where its recipients' consent is
                          recorded, for rows without consented_at (kept with the campaign)
  --skip-unconsented      an advertisement to a CSV: leave out rows without consented_at
                          instead of refusing the list
  --transport <name>      resend (the batch API, from this machine), broadcast (a Resend
                          Broadcast to a Segment: the list goes up once as contact imports
                          and Resend sends; for lists beyond one machine) or outbox
                          (default: resend when RESEND_API_KEY is set)
  --cancel                with --transport broadcast: cancel the campaign's scheduled or
                          queued broadcast
  --dry-run               everything but the transport: nothing sent, nothing recorded
  --test <a@x,b@y>        send only to these addresses, subject marked as a test,
                          not recorded as the campaign (--to is then optional)
  --schedule <ISO time>   Resend delivers at this time (e.g. 2025-07-08T09:00:00+09:00);
                          one email per request (Resend's batch endpoint takes no
                          schedule), so about 10 emails/s
  --engine <react|mjml>   the template engine (default: the edition's engine front matter)
  --rate <auto|n>         requests per second, 100 emails each (default auto: the
                          team's limit, read from Resend's ratelimit-limit header)
  --strict                refuse the list if any row is invalid, instead of skipping it
  --yes                   confirm a Resend send without a prompt
  --json                  print the plan and the report as JSON
  -h, --help              show this help

Environment:
  RESEND_API_KEY          sends through Resend (unset: the outbox, out/outbox/<slug>/)
  NEWSLETTER_SECRET       signs the unsubscribe links (required for Resend)
  NEWSLETTER_PUBLIC_URL   https base of the unsubscribe links (required for Resend)
  NEWSLETTER_DB           the journal (default data/newsletter.db)

Exit status: 0 when every intended recipient was sent; 1 otherwise (failed,
paused or stopped: the report says which); 130 after Ctrl-C; 2 for bad flags.`;

export function usage(message: string): NewsletterError {
  return new NewsletterError('bad-flag', `newsletter send: ${message} See \`npx newsletter send --help\`.`);
}

export function pickTransport(flag: string | undefined, config: Config): 'resend' | 'broadcast' | 'outbox' {
  if (flag === undefined) return config.resendApiKey === undefined ? 'outbox' : 'resend';
  if (flag === 'resend' || flag === 'outbox' || flag === 'broadcast') return flag;
  throw usage(`--transport must be resend, broadcast or outbox, got \`${flag}\`.`);
}

/** Sending through Resend reaches real people: refuse to start with links that cannot work. */
export function requireResendConfig(config: Config): void {
  const problems: string[] = [];
  if (config.resendApiKey === undefined) problems.push('RESEND_API_KEY is not set — create an API key in the Resend dashboard and export it, or use --transport outbox.');
  if (config.secret === undefined) {
    problems.push('NEWSLETTER_SECRET is not set — it signs the unsubscribe links; set it to a long random string (e.g. `openssl rand -base64 32`) and keep it: changing it breaks the links already sent.');
  } else if (config.secret.length < 16) {
    problems.push('NEWSLETTER_SECRET is shorter than 16 characters — use a long random string (e.g. `openssl rand -base64 32`).');
  }
  if (config.publicUrl === undefined) {
    problems.push('NEWSLETTER_PUBLIC_URL is not set — the https address where the unsubscribe page is served, such as https://news.may-i.io.');
  } else if (!config.publicUrl.startsWith('https://')) {
    problems.push(`NEWSLETTER_PUBLIC_URL must be an https:// URL for real sends (one-click unsubscribe, RFC 8058), got \`${config.publicUrl}\`.`);
  }
  if (problems.length > 0) throw new NewsletterError('resend-config', 'Refusing to send through Resend:', problems);
}

export function parseSchedule(value: string, transport: 'resend' | 'broadcast' | 'outbox'): string {
  if (transport === 'outbox') {
    throw usage('--schedule works only through Resend (the provider holds the email until then); the outbox writes files now. Drop --schedule, or send with --transport resend.');
  }
  // A zone is required: "09:00" alone would mean the sending machine's zone, not the reader's.
  const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
  const time = Date.parse(value);
  if (!iso.test(value) || !Number.isFinite(time)) {
    throw usage(`--schedule must be an ISO 8601 time with a zone, such as 2025-07-08T09:00:00+09:00, got \`${value}\`.`);
  }
  if (time <= systemClock.now()) throw usage(`--schedule ${value} is in the past — give a future time, or leave --schedule out to send now.`);
  // Normalized, so the payload (and so the batch keys) is the same however it was written.
  return new Date(time).toISOString();
}

export function parseTestAddresses(value: string): Recipient[] {
  const addresses = value.split(',').map((a) => a.trim()).filter((a) => a !== '');
  if (addresses.length === 0) throw usage('--test needs at least one address, such as --test me@example.com,you@example.com.');
  return addresses.map((address) => {
    const parsed = recipientSchema.safeParse({ email: address, fields: {} });
    if (!parsed.success) throw usage(`--test: ${parsed.error.issues[0]?.message ?? `\`${address}\` is not an email address`}.`);
    return parsed.data;
  });
}

export function transportDirName(slug: string, test: boolean): string {
  return test ? `${slug}-test` : slug;
}

/** Asks `question` on the terminal; anything but y/yes, or no terminal, refuses. `what`: "a send", "a broadcast". */
export async function confirm(question: string, what: string): Promise<void> {
  if (process.stdin.isTTY !== true) {
    throw new NewsletterError(
      'needs-confirmation',
      `Not sending: ${what} through Resend needs confirmation, and there is no terminal to ask in. Check the plan above, then run the same command with --yes.`,
    );
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = (await rl.question(question)).trim().toLowerCase();
    if (answer !== 'y' && answer !== 'yes') throw new NewsletterError('not-confirmed', 'Not sent: not confirmed. Nothing was sent.');
  } finally {
    rl.close();
  }
}

export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_./:=@,+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
