import { render } from '@react-email/render';
import ConfirmEmail, { confirmSubject, confirmText } from '../../emails/transactional/confirm-email.tsx';
import ConsentResultEmail, { consentResultSubject, consentResultText } from '../../emails/transactional/consent-result-email.tsx';
import ReconfirmEmail, { reconfirmSubject, reconfirmText } from '../../emails/transactional/reconfirm-email.tsx';
import { unsubscribeToken } from '../send/unsubscribe-token.ts';
import { mailbox } from '../transport/mailbox.ts';
import type { Message } from '../transport/transport.ts';
import type { ListSettings } from './list-settings.ts';
import { noticeIdempotencyKey, type NoticeRow } from './notices.ts';

/**
 * The campaign id in the unsubscribe tokens of the list's own emails (the consent
 * notices and reconfirmations): `/u/<token>` then records where the refusal came from.
 */
export const CONSENT_CAMPAIGN = 'consent';

export interface NoticeContext {
  /** For the From and Reply-To: the list's sender, as configured now. */
  settings: ListSettings;
  /** Base of `/confirm/<token>` and `/u/<token>` (NEWSLETTER_PUBLIC_URL). */
  publicUrl: string;
  /** Signs the unsubscribe links (NEWSLETTER_SECRET). */
  secret: string;
}

/** What every notice payload carries: the sender as it was when the event happened. */
export interface SenderPayload {
  senderName: string;
  senderUrl: string;
  senderEmail: string;
}

export function senderPayload(settings: ListSettings): SenderPayload {
  return { senderName: settings.sender.name, senderUrl: settings.sender.url, senderEmail: settings.sender.contact.email };
}

/** A journaled notice as a ready message: the same words on every attempt (the payload is fixed). */
export async function noticeMessage(row: NoticeRow, context: NoticeContext): Promise<Message> {
  const p = JSON.parse(row.payload) as Record<string, string> & SenderPayload;
  const sender = { name: p.senderName, url: p.senderUrl, email: p.senderEmail };
  const base = context.publicUrl.replace(/\/+$/, '');
  const unsubscribeUrl = `${base}/u/${unsubscribeToken(context.secret, CONSENT_CAMPAIGN, row.address)}`;
  const listHeaders = {
    'List-Unsubscribe': `<${unsubscribeUrl}>, <mailto:${context.settings.sender.replyTo ?? context.settings.sender.from}?subject=unsubscribe>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  };
  let subject: string;
  let html: string;
  let text: string;
  let headers: Record<string, string> = {};
  switch (row.kind) {
    case 'confirm': {
      const props = { sender, confirmUrl: `${base}/confirm/${p['token']}`, expiresOn: p['expiresOn'] ?? '', wording: { ko: p['wordingKo'] ?? '', en: p['wordingEn'] ?? '' } };
      subject = confirmSubject(props);
      html = await render(ConfirmEmail(props));
      text = confirmText(props);
      break;
    }
    case 'consent-result':
    case 'refusal-result': {
      const action = row.kind === 'consent-result' ? ('consent' as const) : ('refusal' as const);
      const props = { sender, action, date: p['date'] ?? '', ...(action === 'consent' ? { unsubscribeUrl } : {}) };
      subject = consentResultSubject(props);
      html = await render(ConsentResultEmail(props));
      text = consentResultText(props);
      if (action === 'consent') headers = listHeaders;
      break;
    }
    case 'reconfirm': {
      const props = { sender, consentDate: p['consentDate'] ?? '', unsubscribeUrl };
      subject = reconfirmSubject(props);
      html = await render(ReconfirmEmail(props));
      text = reconfirmText(props);
      headers = listHeaders;
      break;
    }
  }
  return {
    to: row.email,
    from: mailbox(context.settings.sender.name, context.settings.sender.from),
    ...(context.settings.sender.replyTo === undefined ? {} : { replyTo: context.settings.sender.replyTo }),
    subject,
    html,
    text,
    headers: { ...headers, 'X-Entity-Ref-ID': noticeIdempotencyKey(row.id) },
    tags: [{ name: 'notice', value: row.kind }],
  };
}
