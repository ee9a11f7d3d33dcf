import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { Message } from './transport.ts';

/**
 * One message as the outbox writes it: real MIME (multipart/alternative, quoted-printable
 * or base64 as nodemailer picks), with the message's headers, a Message-ID at the
 * sender's domain and a Date. The spam check scores exactly these bytes.
 */
export function composeEml(message: Message, id: string, date: Date): Promise<Buffer> {
  const domain = /@([^>\s]+)>?\s*$/.exec(message.from)?.[1] ?? 'outbox.invalid';
  return new MailComposer({
    from: message.from,
    to: message.to,
    ...(message.replyTo === undefined ? {} : { replyTo: message.replyTo }),
    subject: message.subject,
    text: message.text,
    html: message.html,
    headers: message.headers,
    messageId: `<${id}@${domain}>`,
    date,
  })
    .compile()
    .build();
}
