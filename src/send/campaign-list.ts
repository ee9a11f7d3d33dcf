import { ConsentGate } from '../consent/consent-gate.ts';
import { NewsletterError } from '../errors.ts';
import type { Store } from '../store/open-store.ts';
import { AddressSet } from '../subscribers/address-set.ts';
import { describeInvalidRow, readSubscribers, type LoadReport } from '../subscribers/load-subscribers.ts';
import type { Recipient } from '../subscribers/schema.ts';
import { countSubscribers, readStoredList, type StoredListReport } from '../subscribers/stored-list.ts';
import type { ListSummary } from './format-report.ts';

/**
 * Where a campaign's recipients come from, read twice (the plan, then the send):
 * - the stored list (no --to): its active subscribers with a basis for an ad;
 * - a CSV (--to): streamed; for an advertisement every row needs `consented_at` (or a
 *   recent `transaction_ended_at`) unless --consent-source attests where consent was
 *   recorded, and rows without are refused by line, or left out with --skip-unconsented;
 * - test addresses (--test).
 */
export interface CampaignListOptions {
  to?: string | undefined;
  test?: Recipient[] | undefined;
  store: Store;
  strict: boolean;
  advertisement: boolean;
  consentSource?: string | undefined;
  skipUnconsented: boolean;
  now: number;
}

export interface CampaignList {
  /** `stored`, the CSV's path, or `test`: recorded with the campaign. */
  source: string;
  /** One pass over the recipients; each call starts a new one. */
  pass(): AsyncIterable<Recipient>;
  /** After the plan's pass: throws when the list may not be sent (rows without consent). */
  checkAfterPlan(): void;
  /**
   * Whether the plan's pass could refuse the list. When not, the send may start before that
   * pass ends. A CSV always may: a row anywhere in it can fail to parse (an unclosed quote,
   * with or without --strict), --strict refuses its first bad row, and `checkAfterPlan` an
   * ad's rows without consent. The stored list (validated when it was imported) only when
   * it has no active subscriber; test addresses never.
   */
  mayRefuse(): boolean;
  /** After any pass: the plan's list lines and the warnings about it. */
  summary(): { list?: ListSummary; warnings: string[]; report?: LoadReport | StoredListReport };
  /** What the send skipped for consent, after its pass. */
  skippedUnconsented(): number;
}

export function openCampaignList(options: CampaignListOptions): CampaignList {
  if (options.test !== undefined) {
    const test = options.test;
    return {
      source: 'test',
      pass: () => iterate(test),
      checkAfterPlan: () => undefined,
      mayRefuse: () => false,
      summary: () => ({ warnings: [] }),
      skippedUnconsented: () => 0,
    };
  }
  if (options.to === undefined) {
    let report: StoredListReport | undefined;
    return {
      source: 'stored',
      pass() {
        const read = readStoredList(options.store, options.now);
        report = read.report;
        return read.recipients;
      },
      checkAfterPlan() {
        if (report !== undefined && report.sendable === 0 && report.transactionExpired === 0) {
          throw new NewsletterError(
            'empty-list',
            `The stored list has no active subscribers (${report.inactive} pending, unsubscribed, bounced or complained). Add subscribers with \`npx newsletter subscribers import <list.csv> --consent-source TEXT\` or the sign-up form of \`newsletter serve\`, or send to a CSV with --to.`,
          );
        }
      },
      // checkAfterPlan refuses a list with no active subscriber, whatever their consent.
      mayRefuse: () => countSubscribers(options.store).active === 0,
      summary() {
        const r = report;
        if (r === undefined) return { warnings: [] };
        const warnings = r.transactionExpired > 0 ? [`${r.transactionExpired} active subscriber(s) have only a 거래관계 basis that ended more than six months ago: not sent (정보통신망법 §50①, 시행령 제61조①)`] : [];
        return { list: { file: `the stored list (${r.inactive} not active: pending confirmation, unsubscribed, bounced or complained)`, rows: r.sendable + r.transactionExpired, duplicates: 0, invalidCount: 0, invalidLines: [] }, warnings, report: r };
      },
      skippedUnconsented: () => report?.transactionExpired ?? 0,
    };
  }
  const file = options.to;
  // Gate only an advertisement with no attestation; --consent-source covers every row.
  const gate = options.advertisement && options.consentSource === undefined ? new ConsentGate(options.now, options.skipUnconsented) : undefined;
  // One de-duplication table for both passes (11.4 MB at a million rows), not one each.
  const seen = new AddressSet(0);
  let report: LoadReport | undefined;
  return {
    source: file,
    pass() {
      gate?.reset();
      const read = readSubscribers(file, { strict: options.strict, seen, now: options.now, ...(gate === undefined ? {} : { filter: gate.filter }) });
      report = read.report;
      return read.recipients;
    },
    checkAfterPlan() {
      if (gate === undefined || gate.unconsented === 0 || options.skipUnconsented) return;
      const more = gate.unconsented - gate.lines.length;
      throw new NewsletterError(
        'no-consent',
        `newsletter send: refusing to send this advertisement — ${gate.unconsented} row(s) of ${file} have no consented_at date (정보통신망법 §50①: an ad needs each recipient's prior consent). Nothing was sent. Fill in consented_at for these rows, attest where the consent is recorded with --consent-source TEXT, or send to the others with --skip-unconsented:`,
        [...gate.lines.map((line) => `${file}:${line} consented_at: empty — the date this subscriber consented to 광고성 정보`), ...(more > 0 ? [`… and ${more} more row(s)`] : [])],
      );
    },
    mayRefuse: () => true,
    summary() {
      const r = report;
      if (r === undefined) return { warnings: [] };
      const warnings = [...r.warnings];
      if (gate !== undefined && gate.unconsented > 0 && options.skipUnconsented) {
        warnings.push(`${gate.unconsented} row(s) without consented_at are skipped (--skip-unconsented): ${gate.lines.map((l) => `${file}:${l}`).join(', ')}${gate.unconsented > gate.lines.length ? ' …' : ''}`);
      }
      return {
        list: { file: r.file, rows: r.rows, duplicates: r.duplicates, invalidCount: r.invalidCount, invalidLines: r.invalid.slice(0, 10).map((row) => describeInvalidRow(r.file, row)) },
        warnings,
        report: r,
      };
    },
    skippedUnconsented: () => (options.skipUnconsented ? (gate?.unconsented ?? 0) : 0),
  };
}

/** Records where the list and its consent came from, with the campaign (once it exists). */
export function recordListSource(store: Store, campaign: string, source: string, consentSource: string | undefined): void {
  store.db.prepare('UPDATE campaigns SET list_source = ?, consent_source = coalesce(?, consent_source) WHERE id = ?').run(source, consentSource ?? null, campaign);
}

async function* iterate<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}
