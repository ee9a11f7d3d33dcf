// The `newsletter` command. The only layer that reads argv, the environment and the
// clock: everything under src/ gets them as arguments.
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NewsletterError } from '../src/errors.ts';
import type { Command } from './cli.ts';

// Summaries live here, not in the command files, so `--help` loads none of them.
const commands: Record<string, { summary: string; load: () => Promise<{ command: Command }> }> = {
  build: { summary: 'render an edition to email.html, email.txt and web.html', load: () => import('./build.ts') },
  check: { summary: 'run the checks (schema, ad-mail law, links, images, client support)', load: () => import('./check.ts') },
  send: { summary: 'send an edition to a subscriber list (Resend, or the local outbox)', load: () => import('./send.ts') },
  status: { summary: "print a campaign's journal: sent, failed, skipped, deliveries", load: () => import('./status.ts') },
  report: { summary: 'what happened after a send: deliveries, bounces, opens, clicks per link, with charts', load: () => import('./report.ts') },
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

/**
 * An error that is not a NewsletterError is a bug or something the code did not foresee (a
 * full disk, a locked database): one line naming what failed and where, never a stack
 * trace — unless DEBUG=newsletter asks for it, for a bug report.
 */
function reportUnexpected(error: unknown): void {
  const debug = /(^|,)\s*(newsletter|\*)\s*(,|$)/.test(process.env.DEBUG ?? '');
  if (debug) {
    console.error(error);
    return;
  }
  const what = error instanceof Error ? `${error.name}${'code' in error && typeof error.code === 'string' ? ` (${error.code})` : ''}: ${error.message}` : String(error);
  const first = what.split('\n')[0] ?? what;
  const command = process.argv[2] === undefined ? 'newsletter' : `newsletter ${process.argv[2]}`;
  console.error(`${command}: unexpected error — ${first}${whereIn(error)} (rerun with DEBUG=newsletter to see the stack trace)`);
}

/**
 * ` in openStore (src/store/open-store.ts:35)`: the first frame of the stack in this
 * project's code. From the bundle (dist/bundle/, see scripts/build-cli.mjs), each frame is
 * looked up in the chunk's source map, read here, only on this error path: enabling
 * source maps for the whole run cost ~50 ms of every start.
 */
function whereIn(error: unknown): string {
  // The project: two up from dist/scripts/ or dist/bundle/, one up from scripts/.
  const root = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../..' : '..', import.meta.url));
  for (const line of (error instanceof Error ? (error.stack ?? '') : '').split('\n').slice(1)) {
    const frame = /^\s*at (?:(.+?) \()?(?:file:\/\/)?(\/[^():]+):(\d+):(\d+)\)?$/.exec(line);
    if (frame === null) continue;
    const place = original(frame[2] as string, Number(frame[3]), Number(frame[4]));
    if (!place.file.startsWith(root) || place.file.includes('/node_modules/')) continue;
    return ` in ${frame[1] === undefined ? '' : `${frame[1]} `}(${place.file.slice(root.length)}:${place.line})`;
  }
  return '';
}

/** A bundle chunk's line and column (1-based) as the TypeScript file and line it came from; others as they are. */
function original(file: string, line: number, column: number): { file: string; line: number } {
  if (!/\/dist\/bundle\/[^/]+\.js$/.test(file)) return { file, line };
  try {
    const map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
    const entry = map.findEntry(line - 1, column - 1) as { originalSource?: string; originalLine?: number };
    if (entry.originalSource === undefined || entry.originalLine === undefined) return { file, line };
    const source = entry.originalSource.startsWith('file://') ? fileURLToPath(entry.originalSource) : resolve(dirname(file), entry.originalSource);
    return { file: source, line: entry.originalLine + 1 };
  } catch {
    return { file, line };
  }
}

function reportAndExit(error: unknown): void {
  if (error instanceof NewsletterError) {
    console.error(error.message);
    process.exitCode = error.code === 'bad-flag' ? 2 : 1;
  } else {
    reportUnexpected(error);
    process.exitCode = 70;
  }
}

// An error thrown outside main's promise (a timer, a stream's event) ends the process the same way.
process.on('uncaughtException', (error) => {
  reportAndExit(error);
  process.exit();
});
process.on('unhandledRejection', (error) => {
  reportAndExit(error);
  process.exit();
});

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
}, reportAndExit);
