// The `newsletter` command. The only layer that reads argv, the environment and the
// clock: everything under src/ gets them as arguments.
import { NewsletterError } from '../src/errors.ts';
import type { Command } from './cli.ts';

const commands: Record<string, () => Promise<{ command: Command }>> = {
  build: () => import('./build.ts'),
  check: () => import('./check.ts'),
  dev: () => import('./dev.ts'),
  send: () => import('./send.ts'),
  serve: () => import('./serve.ts'),
  status: () => import('./status.ts'),
  suppress: () => import('./suppress.ts'),
};

function usage(): string {
  return [
    'Usage: npx newsletter <command> [options]',
    '',
    'Commands:',
    ...Object.keys(commands).map((name) => `  ${name}`),
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
  const load = commands[name];
  if (!load) {
    console.error(`newsletter: unknown command \`${name}\`.\n\n${usage()}`);
    return 2;
  }
  const { command } = await load();
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
