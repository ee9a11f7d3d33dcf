import { quote } from './schema.ts';

/**
 * The list columns that carry a consent basis rather than a merge field:
 * `consented_at` (when the subscriber gave explicit prior consent, 정보통신망법 §50①) and
 * `transaction_ended_at` (the 거래관계 exception: ads for the same kind of goods for six
 * months after the transaction ended, 시행령 제61조①). Both stay in `fields` under these
 * keys, so the journal keeps them with each recipient of a send.
 */
export const CONSENT_DATE_COLUMNS = ['consented_at', 'transaction_ended_at'] as const;

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * `{iso}` for a valid past date, or what is wrong and how to fix it. A date without a
 * time is midnight in Korea; a time without a zone is Korean time too (KST, +09:00): the
 * spreadsheets these lists come from are kept in Korea.
 */
export function consentDateProblem(value: string, now: number): { iso: string } | string {
  let text = value.trim();
  if (DATE_ONLY.test(text)) text = `${text}T00:00:00+09:00`;
  else if (DATE_TIME.test(text)) {
    text = text.replace(' ', 'T');
    if (!/(Z|[+-]\d{2}:?\d{2})$/.test(text)) text = `${text}+09:00`;
  } else {
    return `${quote(value)} is not a date — write it as YYYY-MM-DD or an ISO 8601 time such as 2025-03-01T10:00:00+09:00`;
  }
  const time = Date.parse(text);
  if (!Number.isFinite(time)) return `${quote(value)} is not a real date — check the month and the day`;
  if (time > now) return `${quote(value)} is in the future — a consent date is when it was given; fix the date`;
  return { iso: new Date(time).toISOString() };
}

/**
 * A basis for an advertisement (§50①): a consent date, or a transaction that ended after
 * `cutoff` (six months ago, see `transactionCutoff`). Dates are ISO 8601 text, compared as such.
 */
export function hasConsentBasis(consentedAt: string | null | undefined, transactionEndedAt: string | null | undefined, cutoff: string): boolean {
  if (consentedAt !== undefined && consentedAt !== null && consentedAt !== '') return true;
  return transactionEndedAt !== undefined && transactionEndedAt !== null && transactionEndedAt !== '' && transactionEndedAt >= cutoff;
}
