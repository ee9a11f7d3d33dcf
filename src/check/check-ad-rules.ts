import type { Finding } from './finding.ts';
import type { ScannedHtml } from './scan-html.ts';
import type { Locate } from './source-locator.ts';
import { CONTACT_FIELDS } from '../../emails/components/contact-line.ts';

/** The edition fields the rules look at. */
export interface AdRuleInput {
  advertisement: boolean;
  subject: string;
  from: { name: string };
  contact: { email?: string | undefined; phone?: string | undefined; address?: string | undefined };
}

/** The rendered parts the rules look at. */
export interface AdRuleEmail {
  html: ScannedHtml;
  text: string;
  /** Headers of one personalized message, when the caller made one. */
  headers?: Record<string, string>;
}

export const AD_PREFIX = '(광고)';
const FIELD_WORDS = { email: 'email address (전자우편주소)', phone: 'phone number (전화번호)', address: 'postal address (주소)' } as const;
const FIELD_EXAMPLES = { email: 'news@example.com', phone: '02-123-4567', address: '서울특별시 …' } as const;
/** The merge slot the send step fills with the recipient's one-click unsubscribe URL. */
const UNSUBSCRIBE_SLOT = /^\{\{\s*unsubscribe_url\s*\}\}$/;

/**
 * 정보통신망법 §50 (Korea's rules for advertising email) and the Gmail/Yahoo bulk-sender
 * rules, as far as they can be read off an edition:
 * - an advertisement's subject begins with "(광고)", exactly those four characters (§50④;
 *   the KISA guide rejects variants like "[광고]" or "(광 고)");
 * - the sender's name, email address, phone number and postal address are in the footer
 *   (§50④, 시행령 별표 6): a missing field is a warning here, with the rule
 *   `contact-missing`; sendVerdict makes it refuse a send through Resend;
 * - a free way to refuse: a "수신거부" link to the recipient's unsubscribe URL in the HTML
 *   and the URL in the text part (§50④ and ⑥);
 * - List-Unsubscribe and List-Unsubscribe-Post on every message (RFC 8058, required by
 *   Gmail and Yahoo from bulk senders since 2024).
 * For an advertisement each is an error; for other editions the identity lines are
 * warnings, and the refusal link and headers stay errors (every newsletter needs them).
 */
export function checkAdRules(edition: AdRuleInput, email: AdRuleEmail, locate: Locate): Finding[] {
  const findings: Finding[] = [];
  const ad = edition.advertisement;
  const add = (severity: Finding['severity'], message: string, where?: string) =>
    findings.push({ check: 'ad-rules', severity, message, ...(where ? { where } : {}) });
  const subjectAt = locate('subject:');

  if (ad && !edition.subject.startsWith(AD_PREFIX)) {
    const near = /^\s*[[(（【]\s*광\s*고\s*[\])）】]/.test(edition.subject) || edition.subject.includes('광고');
    add(
      'error',
      `an advertisement's subject must begin with "(광고)" exactly (정보통신망법 §50)${near ? ' — the subject mentions 광고 but not as "(광고)" at the very start' : ''}: write subject: "(광고) ${edition.subject.replace(/^\s*[[(（【]\s*광\s*고\s*[\])）】]/, '').trim()}", or set advertisement: false if it sells nothing`,
      subjectAt,
    );
  }
  if (!ad && edition.subject.startsWith(AD_PREFIX)) {
    add('warning', 'the subject begins with "(광고)" but advertisement is false — if it advertises, set advertisement: true so the footer carries the notice', subjectAt);
  }

  const footerText = email.html.text;
  const identity = ad ? 'error' : 'warning';
  if (!footerText.includes(edition.from.name.trim())) {
    add(identity, `the sender's name "${edition.from.name}" is not in the email's text — the footer must name the sender (정보통신망법 §50); check the template's footer`, locate('from:'));
  }
  const contactAt = locate('contact:');
  for (const [field, label] of CONTACT_FIELDS) {
    const value = edition.contact[field];
    if (value === undefined) {
      if (ad) {
        findings.push({
          check: 'ad-rules',
          severity: 'warning',
          rule: 'contact-missing',
          message: `contact.${field} is missing — an advertisement's body must give the sender's ${FIELD_WORDS[field]} (정보통신망법 시행령 별표 6): add it, e.g. contact: { …, ${field}: ${FIELD_EXAMPLES[field]} }; sending through Resend refuses it until then`,
          ...(contactAt ? { where: contactAt } : {}),
        });
      }
    } else if (!footerText.includes(`${label} ${value.trim()}`)) {
      add(identity, `contact.${field} "${value}" is not in the email's text — the footer must give it (정보통신망법 §50); check the template's footer`, contactAt);
    }
  }

  const refusal = email.html.links.filter((l) => l.text.includes('수신거부'));
  if (refusal.length === 0) {
    add('error', 'no "수신거부" link in the HTML — the footer needs a link labelled 수신거부 to {{unsubscribe_url}}, so refusing is one click and free');
  } else if (!refusal.some((l) => UNSUBSCRIBE_SLOT.test(l.href))) {
    add('error', `the "수신거부" link goes to "${refusal[0]?.href}" — point it at {{unsubscribe_url}}, the recipient's one-click unsubscribe page`);
  }
  if (!/\{\{\s*unsubscribe_url\s*\}\}/.test(email.text)) {
    add('error', 'the plain-text part has no {{unsubscribe_url}} — readers of the text part need the 수신거부 link too');
  }

  if (email.headers) {
    const names = new Map(Object.keys(email.headers).map((k) => [k.toLowerCase(), k]));
    const unsubscribe = email.headers[names.get('list-unsubscribe') ?? ''];
    const post = email.headers[names.get('list-unsubscribe-post') ?? ''];
    // http is accepted: in development the links point at the local `serve`; the send
    // command's configuration insists on an https NEWSLETTER_PUBLIC_URL for real sends.
    if (!unsubscribe || !/<https?:\/\/[^>]+>/.test(unsubscribe)) {
      add('error', 'the message has no List-Unsubscribe header with a URL — Gmail and Yahoo require one-click unsubscribe (RFC 8058) from bulk senders');
    }
    if (post !== 'List-Unsubscribe=One-Click') {
      add('error', 'the message has no "List-Unsubscribe-Post: List-Unsubscribe=One-Click" header — Gmail and Yahoo require it with List-Unsubscribe (RFC 8058)');
    }
  }
  return findings;
}
