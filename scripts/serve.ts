import { existsSync } from 'node:fs';
import { resolveConfig } from '../src/config.ts';
import { startNoticeLoop } from '../src/consent/notice-loop.ts';
import { NewsletterError } from '../src/errors.ts';
import { createApp } from '../src/server/create-app.ts';
import { jsonLog } from '../src/server/json-log.ts';
import { startServer } from '../src/server/start-server.ts';
import { MIN_ADMIN_TOKEN_LENGTH } from '../src/server/routes/admin-routes.ts';
import { openStore } from '../src/store/open-store.ts';
import { numberFlag, parseFlags, type Command } from './cli.ts';
import { openListContext, type ListContext } from './list-context.ts';

export const command: Command = {
  help: `Usage: npx newsletter serve [--port 8787] [--host 127.0.0.1]

Runs the public server on the same journal as \`newsletter send\` (both can run at once):

  GET  /u/<token>          a page that asks to confirm (changes nothing)
  POST /u/<token>          unsubscribes: RFC 8058 one-click and the page's button
  POST /webhooks/resend    Resend events, Svix-signed: bounces and complaints suppress
                           the address; delivery events feed \`newsletter status\`
  GET  /archive            the sent editions; /archive/<slug> the web version of one
  GET  /subscribe          the sign-up form (double opt-in; content/list.yaml's wording)
  POST /subscribe          records a pending subscriber, mails the confirmation link
  GET  /confirm/<token>    a page with a button (changes nothing)
  POST /confirm/<token>    activates the subscriber and records the consent

It also sends what the list owes people — the confirmation emails and the 처리결과
notices of 정보통신망법 §50⑦ after every consent and refusal — exactly once, through
Resend when RESEND_API_KEY is set, else to out/outbox/notices/; a failed one is
retried, and \`npx newsletter notices\` shows any still owed.

Put it behind your HTTPS proxy at NEWSLETTER_PUBLIC_URL. Logs are JSON lines on
stdout, with addresses masked (k***@example.com). Ctrl-C or SIGTERM stops it
gracefully: requests in flight are answered first.

Options:
  --port <n>        port to listen on (default: 8787; 0 picks a free one)
  --host <addr>     address to listen on (default: 127.0.0.1; 0.0.0.0 for all)
  --content <dir>   where the editions are, for the archive (default: content)
  --archive-all     serve every edition in --content, sent or not (local preview)
  --db <file>       the journal (default: NEWSLETTER_DB or data/newsletter.db)
  --list <file>     the list settings (default: NEWSLETTER_LIST or content/list.yaml)
  --trust-proxy     take the client address (sign-up rate limit, consent record) from
                    X-Forwarded-For: only behind your own proxy
  -h, --help        show this help

Environment:
  NEWSLETTER_SECRET        the key the send command signed unsubscribe links with
  RESEND_WEBHOOK_SECRET    the webhook's signing secret (whsec_…) from Resend
  NEWSLETTER_PUBLIC_URL    the public base URL (used in the web version's links)
  NEWSLETTER_DB            the journal
  NEWSLETTER_ADMIN_TOKEN   with it, /admin shows every campaign's report to whoever
                           sends it (Authorization: Bearer …, or the login form);
                           without it /admin does not exist. 24 characters or more:
                           \`openssl rand -base64 32\``,
  async run(argv) {
    const { values, positionals } = parseFlags('serve', argv, {
      port: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      content: { type: 'string', default: 'content' },
      'archive-all': { type: 'boolean', default: false },
      db: { type: 'string' },
      list: { type: 'string' },
      'trust-proxy': { type: 'boolean', default: false },
    });
    if (positionals.length > 0) {
      throw new NewsletterError('bad-flag', `newsletter serve: unexpected argument \`${positionals[0]}\`. See \`npx newsletter serve --help\`.`);
    }
    const port = numberFlag('serve', 'port', values.port, 0) ?? 8787;
    if (!Number.isInteger(port) || port > 65535) {
      throw new NewsletterError('bad-flag', `newsletter serve: expected --port to be a whole number from 0 to 65535, got \`${values.port}\`.`);
    }
    const config = resolveConfig(process.env, { ...(values.db === undefined ? {} : { dbPath: values.db }), ...(values.list === undefined ? {} : { listPath: values.list }) });
    const log = jsonLog((line) => process.stdout.write(line), Date.now);

    // Links from a real send are signed with NEWSLETTER_SECRET; the development secret
    // only verifies outbox and dry-run links. Serving a public URL with it would answer
    // 400 to every real reader who tries to unsubscribe, so that is refused.
    let secret = config.secret;
    if (secret === undefined) {
      if (config.publicUrl !== undefined) {
        throw new NewsletterError(
          'missing-secret',
          'newsletter serve: NEWSLETTER_PUBLIC_URL is set but NEWSLETTER_SECRET is not — set NEWSLETTER_SECRET to the secret the send command used, or no unsubscribe link will verify.',
        );
      }
      secret = config.devSecret;
      log({ event: 'warning', message: 'NEWSLETTER_SECRET is not set: using the development secret, which verifies only links from outbox and dry-run sends' });
    }
    const webhookSecret = process.env['RESEND_WEBHOOK_SECRET']?.trim() || undefined;
    if (webhookSecret === undefined) {
      log({ event: 'warning', message: 'RESEND_WEBHOOK_SECRET is not set: POST /webhooks/resend answers 503 until it is' });
    }

    const adminToken = process.env['NEWSLETTER_ADMIN_TOKEN']?.trim() || undefined;
    if (adminToken !== undefined && adminToken.length < MIN_ADMIN_TOKEN_LENGTH) {
      throw new NewsletterError(
        'weak-admin-token',
        `newsletter serve: NEWSLETTER_ADMIN_TOKEN is ${adminToken.length} characters; use ${MIN_ADMIN_TOKEN_LENGTH} or more (for example the output of \`openssl rand -base64 32\`), or unset it to turn /admin off.`,
      );
    }

    // The list settings are what the sign-up form and the consent notices say; without
    // the file serve still unsubscribes, but owes notices it cannot write: say so loudly.
    let list: ListContext | undefined;
    if (existsSync(config.listPath)) {
      list = await openListContext(config);
    } else {
      log({ event: 'warning', message: `${config.listPath} does not exist: no sign-up form, and no 정보통신망법 §50⑦ notice after an unsubscribe — create it (see the README) or pass --list` });
    }

    const store = openStore(config.dbPath);
    const notices = list === undefined ? undefined : startNoticeLoop({ store, transport: list.transport, context: list.context, now: Date.now, log });
    let app;
    try {
      app = createApp({
        store,
        secret,
        webhookSecret,
        adminToken,
        contentDir: values.content ?? 'content',
        archive: values['archive-all'] ? 'all' : 'sent',
        publicUrl: config.publicUrl ?? config.devPublicUrl,
        now: Date.now,
        log,
        list: list?.settings,
        trustProxy: values['trust-proxy'] === true,
        ...(notices === undefined ? {} : { onNotice: notices.kick }),
      });
    } catch (error) {
      await notices?.stop();
      store.close();
      throw error;
    }
    const server = await startServer(app, { port, host: values.host ?? '127.0.0.1' }).catch(async (error: unknown) => {
      await notices?.stop();
      store.close();
      throw error;
    });
    log({
      event: 'listening',
      url: server.url,
      db: store.file,
      archive: values['archive-all'] ? 'all' : 'sent',
      webhooks: webhookSecret !== undefined,
      admin: adminToken !== undefined,
      signUp: list !== undefined,
      notices: list === undefined ? 'off' : list.outboxDir ?? 'resend',
    });

    // Graceful shutdown: stop accepting, let requests in flight finish (each unsubscribe
    // answers only after its commit), then close the database, which checkpoints the
    // WAL. A second signal stops at once.
    return new Promise<number>((resolve) => {
      let stopping = false;
      const stop = (signal: NodeJS.Signals) => {
        if (stopping) {
          log({ event: 'stopped', signal, graceful: false });
          process.exit(130);
        }
        stopping = true;
        log({ event: 'stopping', signal });
        void server.close().then(async () => {
          await notices?.stop();
          await list?.transport.close();
          store.close();
          log({ event: 'stopped', signal, graceful: true });
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve(0);
        });
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
  },
};
