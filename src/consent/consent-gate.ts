import { transactionCutoff } from '../subscribers/stored-list.ts';
import { hasConsentBasis } from '../subscribers/consent-columns.ts';
import type { Recipient } from '../subscribers/schema.ts';

/** Lines listed by name in a refusal; past this they are counted. */
const MAX_LINES_LISTED = 20;

/**
 * §50① for a list given as a CSV: every recipient of an advertisement needs a basis — a
 * `consented_at` date, or a `transaction_ended_at` within six months (거래관계) — unless
 * the sender attests with --consent-source where consent was recorded. The gate is the
 * loader's filter: it counts (and names by line) the rows without one, and, when told to
 * skip them, leaves them out of the send.
 */
export class ConsentGate {
  unconsented = 0;
  lines: number[] = [];
  private readonly cutoff: string;

  constructor(now: number, private readonly skip: boolean) {
    this.cutoff = transactionCutoff(now);
  }

  /** Call before each pass over the list. */
  reset(): void {
    this.unconsented = 0;
    this.lines = [];
  }

  readonly filter = (recipient: Recipient, line: number): boolean => {
    if (hasConsentBasis(recipient.fields['consented_at'], recipient.fields['transaction_ended_at'], this.cutoff)) return true;
    this.unconsented++;
    if (this.lines.length < MAX_LINES_LISTED) this.lines.push(line);
    return !this.skip;
  };
}
