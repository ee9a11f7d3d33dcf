import type { Config } from '../src/config.ts';
import { openStore, type Store } from '../src/store/open-store.ts';
import { createResendTransport } from '../src/transport/resend.ts';
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
 * The outbox is loaded only when it is the transport: it brings nodemailer's MIME composer
 * (230 KB of the bundle), which a send through Resend never uses.
 */
export async function createTransport(name: 'resend' | 'outbox', config: Config, outboxDir: string): Promise<Transport> {
  if (name === 'outbox') return (await import('../src/transport/outbox.ts')).createOutboxTransport({ dir: outboxDir });
  return createResendTransport({
    apiKey: config.resendApiKey as string,
    ...(config.resendBaseUrl === undefined ? {} : { baseUrl: config.resendBaseUrl }),
    timeoutMs: config.timeoutMs,
  });
}
