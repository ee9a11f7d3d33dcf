import { hostname, uptime } from 'node:os';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { NewsletterError } from '../src/errors.ts';
import { ENGINES, type Engine } from '../src/content/schema.ts';
import type { HolderProcess } from '../src/send/hold-campaign.ts';

/** A subcommand: its help text and what it does (its one-line summary lives in newsletter.ts). Returns the process exit code. */
export interface Command {
  help: string;
  run(argv: string[]): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * `util.parseArgs`, with its errors turned into a message that names the flag and
 * points at `--help`, instead of a stack trace.
 */
export function parseFlags<O extends Options>(command: string, argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(/\. To specify.*$/s, '') : String(error);
    throw new NewsletterError('bad-flag', `newsletter ${command}: ${message}. See \`npx newsletter ${command} --help\`.`);
  }
}

/** Reads a numeric flag, quoting the bad value (p-queue style). */
export function numberFlag(command: string, name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) {
    throw new NewsletterError('bad-flag', `newsletter ${command}: expected --${name} to be a number from ${min} and up, got \`${value}\`.`);
  }
  return n;
}

/** Reads `--engine`, quoting the bad value. (build, check, send and dev all take it.) */
export function engineFlag(command: string, value: string | undefined): Engine | undefined {
  if (value === undefined) return undefined;
  const engine = ENGINES.find((name) => name === value);
  if (!engine) {
    throw new NewsletterError('bad-flag', `newsletter ${command}: expected --engine to be one of ${ENGINES.join(', ')}, got \`${value}\`.`);
  }
  return engine;
}

/** This process as a campaign lease's holder: pid, host, boot time, and a liveness probe for other pids. */
export function thisProcess(): HolderProcess {
  return {
    pid: process.pid,
    host: hostname(),
    // A few seconds early: uptime and the clock are read apart, and a lease taken just
    // after the boot must not look older than it.
    bootedAt: Date.now() - uptime() * 1000 - 5000,
    isAlive(pid) {
      try {
        process.kill(pid, 0); // signal 0: no signal, only the check
        return true;
      } catch (error) {
        // EPERM: it runs, as another user.
        return (error as NodeJS.ErrnoException).code === 'EPERM';
      }
    },
  };
}
