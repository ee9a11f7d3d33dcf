import { resolve } from 'node:path';
import { resolveConfig } from '../src/config.ts';
import { NewsletterError } from '../src/errors.ts';
import { spawnPreviewServer } from '../src/preview/spawn-preview-server.ts';
import { engineFlag, numberFlag, parseFlags, type Command } from './cli.ts';

export const command: Command = {
  help: `Usage: npx newsletter dev [--port 3000] [--host 127.0.0.1] [--root .] [--engine react|mjml]

Serves a preview of every edition in content/: the email in frames at desktop
(700 px) and phone (375 and 320 px) widths, light and dark (a client that
honours prefers-color-scheme, and one that inverts colours as Gmail and
Outlook do), the plain text, the HTML source and the web version, its size
against Gmail's ~102 KB clip, the same checks as \`newsletter check\`, the
merge slots filled for a row of content/subscribers.sample.csv, and a test
send (through Resend when RESEND_API_KEY is set, else to the outbox in
out/outbox/<slug>-test/). Tabs switch the engine (React Email, MJML) or show
both side by side at 700 and 375 px, each with its size and check counts.

Saving an edition or a template (emails/**) updates open pages by itself; a
broken edition or template shows its error, with file and line, until fixed.

Options:
  --port <n>    port to listen on (default: 3000; 0 picks a free one)
  --host <h>    interface to bind (default: 127.0.0.1, this machine only;
                0.0.0.0 opens it to the network — it can send email)
  --root <dir>  the project folder holding content/ and emails/ (default: .)
  --engine <react|mjml>  the engine pages open with (default: each edition's
                own \`engine\` front matter)
  -h, --help    show this help`,
  async run(argv) {
    const { values, positionals } = parseFlags('dev', argv, {
      port: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      root: { type: 'string', default: '.' },
      engine: { type: 'string' },
    });
    if (positionals.length > 0) {
      throw new NewsletterError('bad-flag', `newsletter dev: unexpected \`${positionals[0]}\` — the preview serves every edition in content/; open it in the browser. See \`npx newsletter dev --help\`.`);
    }
    const port = numberFlag('dev', 'port', values.port, 0) ?? 3000;
    if (!Number.isInteger(port) || port > 65_535) throw new NewsletterError('bad-flag', `newsletter dev: expected --port to be a whole number from 0 to 65535, got \`${values.port}\`.`);
    const engine = engineFlag('dev', values.engine);
    const config = resolveConfig(process.env);
    const server = await spawnPreviewServer({
      root: resolve(values.root ?? '.'),
      port,
      host: values.host ?? '127.0.0.1',
      publicUrl: config.publicUrl ?? config.devPublicUrl,
      secret: config.secret ?? config.devSecret,
      outboxDir: config.outboxDir,
      ...(engine ? { engine } : {}),
      ...(process.env.CHROMIUM_PATH ? { chromiumPath: process.env.CHROMIUM_PATH } : {}),
      ...(config.resendApiKey ? { resend: { apiKey: config.resendApiKey, ...(config.resendBaseUrl ? { baseUrl: config.resendBaseUrl } : {}) } } : {}),
    });
    console.log(`Preview: ${server.url}/  (test sends go ${config.resendApiKey ? 'through Resend' : `to ${config.outboxDir}/<slug>-test/`}; Ctrl-C stops)`);
    const stop = () => void server.close();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const code = await server.exited;
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    return code === 0 || code === 130 || code === 143 ? 0 : code;
  },
};
