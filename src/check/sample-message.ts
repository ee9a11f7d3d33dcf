import type { Edition } from '../content/schema.ts';
import type { Email } from '../render/email.ts';
import { createPersonalizer, type CampaignIdentity } from '../send/personalize.ts';
import { mailbox } from '../transport/mailbox.ts';
import type { Message } from '../transport/transport.ts';

export interface SampleSettings {
  /** Base of the unsubscribe and web links (config.publicUrl, or its dev fallback). */
  publicUrl: string;
  /** The token key (config.secret, or the public dev secret). */
  secret: string;
  /** Mark as a test send: the subject gets "[테스트] ". @default false */
  test?: boolean;
}

/**
 * An edition's campaign identity: its own sender, reply-to and slug. The send command,
 * the preview and the checks all personalize with it, so what they show is what is sent.
 * The `mailto:` unsubscribe goes where replies go: a person (or a rule) handles it there.
 */
export function sampleIdentity(edition: Edition, settings: SampleSettings): CampaignIdentity {
  return {
    id: edition.slug,
    from: mailbox(edition.from.name, edition.from.email),
    ...(edition.replyTo ? { replyTo: edition.replyTo } : {}),
    publicUrl: settings.publicUrl,
    unsubscribeMailto: edition.replyTo ?? edition.from.email,
    secret: settings.secret,
    ...(settings.test ? { test: true } : {}),
  };
}

/** One message personalized for a made-up reader, to check what every message carries (headers). */
export function sampleMessage(edition: Edition, email: Email, settings: SampleSettings): Message {
  return createPersonalizer(email, sampleIdentity(edition, settings))({ email: 'reader@example.com', name: '독자', fields: {} });
}
