import { setImmediate } from 'node:timers/promises';
import { createJournal, journalCampaignId } from '../store/journal.ts';
import type { Store } from '../store/open-store.ts';
import { suppressionSnapshot } from '../store/suppressions.ts';
import type { Recipient } from '../subscribers/schema.ts';
import type { Transport } from '../transport/transport.ts';

/** Rows between two turns of the event loop while the plan's pass runs beside a send. */
const YIELD_EVERY = 200;

/** Resend keeps an idempotency key for 24 hours. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * The warning for a resume past Resend's idempotency window, or undefined. Shown in
 * the plan (before confirming) and kept in the send report.
 */
export function lateResumeWarning(firstAttemptAt: string | undefined, now: number): string | undefined {
  if (firstAttemptAt === undefined) return undefined;
  const age = now - Date.parse(firstAttemptAt);
  if (!(age > IDEMPOTENCY_WINDOW_MS)) return undefined;
  return (
    `This campaign was first sent ${Math.floor(age / 3_600_000)} h ago, past Resend's 24 h idempotency window: ` +
    'a batch that was in flight when the last run stopped is sent again, and Resend may no longer recognise it, ' +
    'so those recipients could get the email twice. Recipients recorded as sent are still skipped.'
  );
}

/** What a send would do, counted before anything is sent. */
export interface CampaignPlan {
  /** The journal's campaign id. */
  campaign: string;
  /** Valid, de-duplicated rows of the list. */
  recipients: number;
  /** Recorded as sent by an earlier run. */
  alreadySent: number;
  suppressed: number;
  /** Batches an earlier run left open, and the recipients in them: they go out again first, with their keys. */
  openBatches: number;
  inOpenBatches: number;
  /** Recipients this run will send to: the open batches, then the rest of the list. */
  toSend: number;
  /** When the first batch of this campaign was attempted (Resend's 24 h idempotency window starts there). */
  firstAttemptAt: string | undefined;
  /** True when the journal already knows this campaign. */
  resuming: boolean;
}

/**
 * Reads the list through once, against the journal and the suppression list, so the
 * send command can show the plan (and ask for confirmation) before sending anything.
 * Streams: memory stays flat for any list size. Writes nothing.
 *
 * It reads the journal's record of the campaign and the suppression list before its
 * first `await` (in the call itself), and for a campaign the journal does not know yet it
 * reads the journal no more: a send started after the call, beside the rest of the pass,
 * does not change the plan (see `onSendable`).
 */
export async function planCampaign(input: {
  slug: string;
  transport: Transport['name'];
  recipients: AsyncIterable<Recipient>;
  store: Store;
  /**
   * Called once, as soon as the plan has one recipient to send: from then on `toSend` is
   * at least 1, so a caller with nothing to ask may start sending beside the rest of the
   * pass. Not called when there is nothing to send.
   */
  onSendable?: () => void;
}): Promise<CampaignPlan> {
  const journal = createJournal(input.store);
  const campaign = journalCampaignId(input.slug, input.transport);
  const record = journal.campaign(campaign);
  const open = record === undefined ? [] : journal.openBatches(campaign);
  const inOpenBatches = open.reduce((n, b) => n + b.recipients.length, 0);
  const plan: CampaignPlan = {
    campaign,
    recipients: 0,
    alreadySent: 0,
    suppressed: 0,
    openBatches: open.length,
    inOpenBatches,
    toSend: inOpenBatches,
    firstAttemptAt: record?.firstAttemptAt,
    resuming: record !== undefined,
  };
  const suppressed = suppressionSnapshot(input.store);
  let onSendable = input.onSendable;
  const sendable = () => {
    if (onSendable === undefined || plan.toSend === 0) return;
    onSendable();
    onSendable = undefined;
  };
  sendable(); // open batches to send again
  for await (const r of input.recipients) {
    plan.recipients++;
    // Beside a send, a turn of the event loop every few hundred rows (as the send loop
    // takes its own): the send's timers and answers come in on time, not after the rest
    // of a page of the list.
    if (onSendable === undefined && input.onSendable !== undefined && plan.recipients % YIELD_EVERY === 0) await setImmediate();
    const state = record === undefined ? undefined : journal.recipientState(campaign, r.email);
    if (state === 'sent') plan.alreadySent++;
    else if (state === 'queued') continue; // counted with its open batch
    else if (suppressed(r.email)) plan.suppressed++;
    else {
      plan.toSend++;
      sendable();
    }
  }
  return plan;
}
