// The `newsletter` command. The only layer that reads argv, the environment and the
// clock: everything under src/ gets them as arguments.
import { NewsletterError } from '../src/errors.ts';
import type { Command } from './cli.ts';

// Summaries live here, not in the command files, so `--help` loads none of them.
const commands: Record<string, { summary: string; load: () => Promise<{ command: Command }> }> = {
  build: { summary: 'render an edition to email.html, email.txt and web.html', load: () => import('./build.ts') },
  check: { summary: 'run the checks (schema, ad-mail law, links, images, client support)', load: () => import('./check.ts') },
  send: { summary: 'send an edition to a subscriber list (Resend, or the local outbox)', load: () => import('./send.ts') },
  status: { summary: "print a campaign's journal: sent, failed, skipped, deliveries", load: () => import('./status.ts') },
  dev: { summary: 'the preview server, with live reload', load: () => import('./dev.ts') },
  serve: { summary: 'unsubscribe pages, Resend webhooks and the web archive', load: () => import('./serve.ts') },
  suppress: { summary: 'list, add, remove, import or export suppressed addresses', load: () => import('./suppress.ts') },
  subscribers: { summary: 'the stored list with consent records: list, add, import, export, erase', load: () => import('./subscribers.ts') },
  consent: { summary: 'two-yearly consent reconfirmation (§50⑧): who is due, remind them', load: () => import('./consent.ts') },
  notices: { summary: 'the confirmation and §50⑦ notices still owed: show and send them', load: () => import('./notices.ts') },
};

function usage(): string {
  return [
    'Usage: npx newsletter <command> [options]',
    '',
    'Commands:',
    ...Object.entries(commands).map(([name, { summary }]) => `  ${name.padEnd(13)}${summary}`),
    '',
    'Run `npx newsletter <command> --help` for the options of each.',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name === undefined ? 1 : 0;
  }
  const entry = commands[name];
  if (!entry) {
    console.error(`newsletter: unknown command \`${name}\`.\n\n${usage()}`);
    return 2;
  }
  const { command } = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.help);
    return 0;
  }
  return command.run(rest);
}

// `newsletter status x | head`: a closed pipe ends the command quietly, not with a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof NewsletterError) {
      console.error(error.message);
      process.exitCode = error.code === 'bad-flag' ? 2 : 1;
    } else {
      // A bug, not bad input: keep the stack so it can be reported.
      console.error(error);
      process.exitCode = 70;
    }
  },
);
