import type { Finding } from './finding.ts';

export interface SendVerdict {
  /** What refuses the send. */
  blocking: Finding[];
  /** What the send shows in its plan as warnings and lets through. */
  warnings: Finding[];
}

/**
 * Which check findings stop `newsletter send`, by transport:
 * - the law (정보통신망법 §50, RFC 8058 headers: `ad-rules` errors) and Gmail's clip,
 *   which would hide the 수신거부 link (`size` errors), refuse every send;
 * - an advertisement missing a contact field (email, phone, postal address; 시행령 별표 6)
 *   refuses a send through Resend, which reaches real readers; to the outbox or in a dry
 *   run it is a warning, so a draft can be tried before the details are in;
 * - other errors (a placeholder link, say) are a person's call: shown as warnings.
 */
export function sendVerdict(findings: readonly Finding[], transport: 'resend' | 'outbox'): SendVerdict {
  const blocks = (f: Finding) =>
    (f.severity === 'error' && (f.check === 'ad-rules' || f.check === 'size')) || (f.rule === 'contact-missing' && transport === 'resend');
  return {
    blocking: findings.filter(blocks),
    warnings: findings.filter((f) => !blocks(f) && (f.severity === 'error' || f.rule === 'contact-missing')),
  };
}
