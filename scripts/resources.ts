import type { Config } from '../src/config.ts';
import { openStore, type Store } from '../src/store/open-store.ts';
import type { Transport } from '../src/transport/transport.ts';

/** What the commands open, the same way each time: the journal and a transport. */

/** Runs `job` on the journal at `file`, closing it however the job ends. */
export async function withStore(file: string, job: (store: Store) => Promise<number> | number): Promise<number> {
  const store = openStore(file);
  try {
    return await job(store);
  } finally {
    store.close();
  }
}

/**
 * Resend with the configured key, base URL and timeout; or the outbox writing to `outboxDir`.
 * Each is loaded only when it is the transport: the outbox brings nodemailer's MIME composer
 * (230 KB of the bundle), which a send through Resend never uses, and Resend its SDK (with
 * its inbound-mail parser and webhook verifier, 197 KB), which the outbox never uses — nor
 * do `subscribers` and `suppress`, which import this file for `withStore`.
 */
export async function createTransport(name: 'resend' | 'outbox', config: Config, outboxDir: string): Promise<Transport> {
  if (name === 'outbox') return (await import('../src/transport/outbox.ts')).createOutboxTransport({ dir: outboxDir });
  const { createResendTransport } = await import('../src/transport/resend.ts');
  return createResendTransport({
    apiKey: config.resendApiKey as string,
    ...(config.resendBaseUrl === undefined ? {} : { baseUrl: config.resendBaseUrl }),
    timeoutMs: config.timeoutMs,
  });
}
