/** 정보통신망법 §50⑧ / 시행령 제62조의3: consent is reconfirmed every two years from its date. */
export const RECONFIRM_YEARS = 2;

/**
 * The same instant `years` later on the calendar (UTC). A consent given on 29 February
 * falls due on 1 March of a common year, the date JavaScript's calendar rolls over to:
 * never earlier than two full years.
 */
export function addYears(iso: string, years: number): string {
  const d = new Date(iso);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d.toISOString();
}

/** The first reconfirmation date of a consent given at `consentedAt`. */
export function firstReconfirmation(consentedAt: string): string {
  return addYears(consentedAt, RECONFIRM_YEARS);
}
