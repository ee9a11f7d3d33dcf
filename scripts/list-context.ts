import { join } from 'node:path';
import type { Config } from '../src/config.ts';
import { loadListSettings, type ListSettings } from '../src/consent/list-settings.ts';
import type { NoticeContext } from '../src/consent/notice-message.ts';
import { NewsletterError } from '../src/errors.ts';
import type { Transport } from '../src/transport/transport.ts';
import { createTransport } from './resources.ts';

/**
 * What the list's own emails (confirmations, §50⑦ notices, §50⑧ reminders) need, shared
 * by `serve`, `notices`, `consent remind` and `subscribers unsubscribe`: the settings,
 * the transport (Resend when RESEND_API_KEY is set, else the outbox's `notices/` folder)
 * and the links' base and key.
 */
export interface ListContext {
  settings: ListSettings;
  transport: Transport;
  context: NoticeContext;
  /** Where the outbox writes, when it is the outbox. */
  outboxDir: string | undefined;
}

export async function openListContext(config: Config): Promise<ListContext> {
  const settings = await loadListSettings(config.listPath);
  const resend = config.resendApiKey !== undefined;
  if (resend && (config.secret === undefined || config.publicUrl === undefined)) {
    throw new NewsletterError(
      'resend-config',
      'Sending the list\'s emails through Resend needs NEWSLETTER_SECRET (signs their links) and NEWSLETTER_PUBLIC_URL (the https address of `newsletter serve`) — set both, or unset RESEND_API_KEY to write them to the local outbox.',
    );
  }
  const outboxDir = resend ? undefined : join(config.outboxDir, 'notices');
  const transport = await createTransport(resend ? 'resend' : 'outbox', config, outboxDir ?? '');
  return {
    settings,
    transport,
    outboxDir,
    context: { settings, publicUrl: config.publicUrl ?? config.devPublicUrl, secret: config.secret ?? config.devSecret },
  };
}
