import { fork } from 'node:child_process';
import { once } from 'node:events';
import type { RequestLog } from './resend-server.ts';

/** What the server in its own process saw (tests/support/resend-server-process.ts). */
export interface ForkedServerStats {
  /** Emails accepted, and how many distinct first recipients among them. */
  received: number;
  distinct: number;
  requests: number;
  rateLimited429: number;
  validationErrors: string[];
  /** CPU time the server process has used, ms. */
  cpuMs: number;
  /** When each admitted request was counted (its head's arrival), ms since the epoch. */
  admitted: number[];
  /** The broadcast side: contacts imported, broadcast emails delivered, broadcasts created and sends accepted. */
  audience: { contacts: number; delivered: number; broadcasts: number; sends: number };
}

export interface ForkedResendServer {
  url: string;
  stats(): Promise<ForkedServerStats>;
  requests(): Promise<RequestLog[]>;
  close(): Promise<void>;
}

/**
 * The local Resend-compatible server in a child process, so that it neither shares the
 * sender's thread nor its CPU time. `warm`: send it five large batches first (under a key
 * of their own, then forgotten), as a long-running service would be warm.
 */
export async function forkResendServer(options: { ratePerSecond?: number; error500?: number; seed?: number; warm?: boolean } = {}): Promise<ForkedResendServer> {
  const { ratePerSecond = 10, error500 = 0, seed = 1, warm = false } = options;
  const child = fork(new URL('./resend-server-process.ts', import.meta.url), [String(ratePerSecond), String(error500), String(seed), warm ? '1' : '0'], {
    execArgv: ['--import', 'tsx'],
  });
  const ask = async <T>(question: string): Promise<T> => {
    child.send(question);
    const [answer] = (await once(child, 'message')) as [T];
    return answer;
  };
  const started = once(child, 'message') as Promise<[{ url: string }]>;
  const died = once(child, 'exit').then(([code]) => {
    throw new Error(`The local Resend server process exited with code ${String(code)} before it was listening.`);
  });
  const [{ url }] = await Promise.race([started, died]);
  died.catch(() => {}); // it exits later, on close()
  return {
    url,
    stats: () => ask<ForkedServerStats>('stats'),
    requests: () => ask<RequestLog[]>('requests'),
    async close() {
      if (child.exitCode !== null) return;
      child.send('close');
      await once(child, 'exit');
    },
  };
}
