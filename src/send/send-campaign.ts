import { setImmediate } from 'node:timers/promises';
import { defaults } from '../config.ts';
import { NewsletterError } from '../errors.ts';
import type { Email } from '../render/email.ts';
import type { CampaignLease } from '../store/campaign-lease.ts';
import { createJournal, journalCampaignId, type JournalRecipient } from '../store/journal.ts';
import type { Store } from '../store/open-store.ts';
import { isSuppressed } from '../store/suppressions.ts';
import type { Recipient } from '../subscribers/schema.ts';
import { TransportError, type Message, type Transport } from '../transport/transport.ts';
import { backoffDelay } from './backoff.ts';
import { idempotencyKey, payloadHash } from './batch-identity.ts';
import type { Clock } from './clock.ts';
import { lateResumeWarning } from './plan-campaign.ts';
import { RateLimiter, type RateSlot, type RateSource } from './rate-limiter.ts';

export interface SendCampaignOptions {
  /** The rendered edition: its slug names the campaign, its subject is recorded. */
  email: Pick<Email, 'slug' | 'subject'>;
  /** Streamed: read as batches go out, never held whole (a 1,000,000-row list is fine). */
  recipients: AsyncIterable<Recipient>;
  /** The loader's report, read once the recipients are exhausted (invalid and duplicate rows). */
  listReport?: { invalidCount: number; duplicates: number };
  /** Recipient → ready Message. Must be deterministic: a resume rebuilds in-flight batches with it. */
  personalize: (recipient: Recipient) => Message;
  transport: Transport;
  /** The journal. A test send passes a throwaway in-memory store, so nothing is recorded as the campaign. */
  store: Store;
  clock: Clock;
  /** `scheduled_at` of every message (Resend only); recorded with the campaign. */
  scheduledAt?: string;
  /**
   * Mixed into every idempotency key. A test send (not journaled) passes the time: two
   * test sends of the same edition to the same people are two sends, and the provider must
   * not answer the second with the first's result.
   */
  keyNonce?: string;
  /**
   * The campaign's lease, held by this run (hold-campaign.ts): every batch, attempt and
   * outcome is recorded only while it is still this run's. A run without one (a test send
   * to a throwaway store, a dry run, a test) writes unguarded.
   */
  lease?: CampaignLease;
  /** Everything but the transport: no call, no journal write. */
  dryRun?: boolean;
  /**
   * Requests per second, or `'auto'`: learned from the provider's `ratelimit-limit` (see
   * RateLimiter). The outbox, which says no limit, runs `'auto'` at defaults.outboxRatePerSecond.
   * @default defaults.ratePerSecond ('auto')
   */
  rate?: number | 'auto';
  /** `'auto'` when no answer says the limit. @default defaults.autoFallbackRate (2) */
  fallbackRate?: number;
  /** @default defaults.rateMarginMs */
  rateMarginMs?: number;
  /** @default defaults.batchSize (100), and never more than the transport's maxBatch */
  batchSize?: number;
  /** @default defaults.concurrency */
  concurrency?: number;
  /** @default defaults.maxConsecutiveFailures */
  maxConsecutiveFailures?: number;
  /** @default { baseMs: defaults.backoffBaseMs, maxMs: defaults.backoffMaxMs } */
  backoff?: { baseMs: number; maxMs: number };
  /** For the backoff's jitter. @default Math.random */
  random?: () => number;
  /** Ctrl-C: no new batch starts; calls under way finish and are recorded; then the report. */
  signal?: AbortSignal;
  onProgress?: (progress: SendProgress) => void;
  /** Things a person should know as they happen: a retry, a resumed batch, a late resume. */
  onNotice?: (message: string) => void;
}

export interface SendProgress {
  sent: number;
  failed: number;
  skipped: number;
  alreadySent: number;
  retries: number;
  elapsedMs: number;
  emailsPerSecond: number;
}

export interface SendReport {
  /** The journal's campaign id (`<slug>`, or `<slug>@outbox`). */
  campaign: string;
  transport: Transport['name'];
  dryRun: boolean;
  /** Sent in this run (a dry run: would have been sent). */
  sent: number;
  /** This run's failures, the first MAX_FAILED_LISTED; `failedCount` has them all. */
  failed: { address: string; reason: string }[];
  failedCount: number;
  skipped: { suppressed: number; invalid: number; duplicate: number };
  /** Recorded as sent by an earlier run, and not sent again. */
  alreadySent: number;
  /** Batches left open by an earlier run and sent again with their original key. */
  resumedBatches: number;
  /** Transport calls made, retries included. */
  attempts: number;
  /**
   * The rate at the end of the run and where it came from: `given` (--rate N), `ratelimit-limit`
   * (the provider's answers, under auto), `fallback` (auto, and no answer said), `outbox`.
   */
  rate: { perSecond: number; source: RateSource | 'outbox' };
  retries: number;
  elapsedMs: number;
  emailsPerSecond: number;
  /** Too many failed attempts in a row; running the same command again resumes. */
  paused?: string;
  /** A permanent error (bad API key, refused request) or Ctrl-C; the reason says which. */
  stopped?: string;
  interrupted?: boolean;
  warnings: string[];
}

function stillHeld(lease: CampaignLease | undefined): boolean {
  try {
    lease?.assertHeld();
    return true;
  } catch {
    return false;
  }
}

/** Failures listed one by one in the report; past this they are only counted (the journal has all). */
export const MAX_FAILED_LISTED = 1000;

/** One batch on its way: the same key and messages on every attempt, in every run. */
interface Batch {
  seq: number;
  key: string;
  recipients: readonly JournalRecipient[];
  messages: Message[];
  /** True when an earlier attempt may have reached the provider (a resumed batch, a timeout). */
  uncertain: boolean;
}

/**
 * Sends a campaign: every recipient exactly once, paced, retried, resumable.
 *
 * Modelled on listmonk's campaign pipe (internal/manager/pipe.go): a producer pulls
 * recipients and pushes messages, a sliding window paces them, an error counter pauses
 * the campaign past a threshold. Where listmonk checkpoints a high-water mark (the last
 * subscriber id), which can skip or repeat recipients after a crash, this loop records
 * every recipient of every batch before the batch leaves and every outcome after it
 * comes back, so a rerun knows exactly who got what.
 *
 * The order of writes is the whole of the crash safety (see store/journal.ts):
 *
 *   1. recordBatch:    key + payload hash + recipients (queued)   — one transaction
 *   2. markAttempt:    batch in_flight                             — before each call
 *   3. sendBatch:      the transport call, same key every attempt
 *   4. recordOutcomes: sent with id / failed with reason; batch done — one transaction
 *
 * Killed before 1: nothing recorded, nothing sent; the rerun batches them afresh.
 * Killed between 1 and 4: the batch is open; the rerun sends it first, rebuilt from the
 * journal byte for byte (the hash proves it), with the same key: if it had gone through,
 * the provider answers with the first result instead of sending again.
 * Killed after 4: its recipients are `sent`; the rerun skips them.
 */
export async function sendCampaign(options: SendCampaignOptions): Promise<SendReport> {
  const { email, transport, store, clock, personalize, dryRun = false } = options;
  const batchSize = Math.min(options.batchSize ?? defaults.batchSize, transport.maxBatch);
  const concurrency = options.concurrency ?? defaults.concurrency;
  const maxConsecutiveFailures = options.maxConsecutiveFailures ?? defaults.maxConsecutiveFailures;
  const backoff = options.backoff ?? { baseMs: defaults.backoffBaseMs, maxMs: defaults.backoffMaxMs };
  const random = options.random ?? Math.random;
  const { lease } = options;
  const journal = createJournal(store, lease === undefined ? {} : { guard: () => lease.assertHeld() });
  const campaign = journalCampaignId(email.slug, transport.name);
  const started = clock.now();

  const report: SendReport = {
    campaign,
    transport: transport.name,
    dryRun,
    sent: 0,
    failed: [],
    failedCount: 0,
    skipped: { suppressed: 0, invalid: 0, duplicate: 0 },
    alreadySent: 0,
    resumedBatches: 0,
    attempts: 0,
    rate: { perSecond: 0, source: 'given' },
    retries: 0,
    elapsedMs: 0,
    emailsPerSecond: 0,
    warnings: [],
  };
  const notice = (message: string) => options.onNotice?.(message);
  const warn = (message: string) => {
    report.warnings.push(message);
    notice(message);
  };
  const elapsed = () => Math.max(1, clock.now() - started);
  const progress = () =>
    options.onProgress?.({
      sent: report.sent,
      failed: report.failedCount,
      skipped: report.skipped.suppressed,
      alreadySent: report.alreadySent,
      retries: report.retries,
      elapsedMs: elapsed(),
      emailsPerSecond: (report.sent * 1000) / elapsed(),
    });
  const fail = (address: string, reason: string) => {
    report.failedCount++;
    if (report.failed.length < MAX_FAILED_LISTED) report.failed.push({ address, reason });
  };

  // --- Halting ------------------------------------------------------------------------
  // Three ways to stop early, all the same shape: stop starting batches, let calls under
  // way finish and be recorded, wake everything that waits (the limiter, the backoffs).
  // `halt` aborts the internal controller; Ctrl-C aborts the caller's signal; both wake
  // the waits through `wake`.
  const halt = new AbortController();
  const wake = options.signal === undefined ? halt.signal : AbortSignal.any([options.signal, halt.signal]);
  let halted: { kind: 'paused' | 'stopped'; reason: string } | undefined;
  let bug: unknown;
  const stopWith = (kind: 'paused' | 'stopped', reason: string) => {
    halted ??= { kind, reason };
    halt.abort();
  };
  const stopping = () => wake.aborted;

  // --- The campaign record --------------------------------------------------------------
  const late = transport.name === 'resend' ? lateResumeWarning(journal.campaign(campaign)?.firstAttemptAt, clock.now()) : undefined;
  if (late !== undefined) warn(late);
  if (!dryRun) {
    journal.beginCampaign({ id: campaign, subject: email.subject, transport: transport.name, ...(options.scheduledAt === undefined ? {} : { scheduledAt: options.scheduledAt }), at: clock.now() });
  }

  // --- Pacing and the error threshold ----------------------------------------------------
  const requested = options.rate ?? defaults.ratePerSecond;
  // The outbox answers no rate-limit headers: 'auto' there is its own fixed pace.
  const outboxAuto = requested === 'auto' && transport.name === 'outbox';
  const limiter = new RateLimiter({
    ratePerSecond: outboxAuto ? defaults.outboxRatePerSecond : requested,
    fallbackRate: options.fallbackRate ?? defaults.autoFallbackRate,
    marginMs: options.rateMarginMs ?? defaults.rateMarginMs,
    clock,
  });
  // Failed attempts in a row, across all batches; any successful call resets it. listmonk
  // counts errors in total (app.max_send_errors); in a row is kinder to long campaigns, where
  // a scattering of 500s over hours is normal and only a streak means the provider is down.
  let consecutiveFailures = 0;

  const withSchedule = (m: Message): Message =>
    // Part of the message, so the payload hash covers it: a resume with another time is refused.
    options.scheduledAt === undefined ? m : { ...m, scheduledAt: options.scheduledAt };
  const build = (recipients: readonly JournalRecipient[]) => recipients.map((r) => withSchedule(personalize(r as Recipient)));

  // --- One batch, from first attempt to recorded outcome ----------------------------------
  async function deliver(batch: Batch): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      // Halted or interrupted between attempts: leave the batch open (pending or in_flight);
      // the next run sends it again with the same key.
      if (stopping()) return;
      // in_flight before the request can leave: after a crash from here on, the batch is
      // resent (never rebuilt), because the provider may have it.
      journal.markAttempt(campaign, batch.seq, clock.now());
      // The transport takes its slot itself, once the request is built and about to leave
      // (SendOptions.acquireSlot); a halt while it waits for one sends nothing.
      let slot: RateSlot | undefined;
      const acquireSlot = async () => {
        slot = await limiter.acquire(wake);
        if (slot !== undefined) report.attempts++;
        return slot !== undefined;
      };

      let result;
      try {
        // No abort signal: a call that has started is allowed to finish (bounded by the
        // transport's own timeout) so its outcome can be recorded, Ctrl-C or not.
        result = await transport.sendBatch(batch.messages, { idempotencyKey: batch.key, acquireSlot });
      } catch (error) {
        // An error's answer says the limit too (a 429's does): the limiter learns from it.
        slot?.done(error instanceof TransportError && error.rateLimit !== undefined ? { rateLimit: error.rateLimit } : undefined);
        // Halted while waiting for its slot: nothing went; the batch stays open.
        if (slot === undefined && stopping()) return;
        if (!(error instanceof TransportError)) throw error; // a bug: surfaces with its stack
        journal.recordAttemptError(campaign, batch.seq, error.message);

        if (error.retryable) {
          // Ask the error, not the status code: the transport knows that a 429 or a timeout is
          // worth another try and a 401 is not (p-retry's shouldRetry, STYLE.md §4).
          consecutiveFailures++;
          batch.uncertain = true; // a timeout or a dropped answer may have been sent
          if (error.retryAfterMs !== undefined) limiter.blockUntil(clock.now() + error.retryAfterMs);
          if (consecutiveFailures >= maxConsecutiveFailures) {
            stopWith('paused', `${consecutiveFailures} failed attempts in a row; the last: ${error.message}`);
            return;
          }
          report.retries++;
          const delay = backoffDelay(attempt, backoff, random, error.retryAfterMs);
          notice(`batch ${batch.seq}: ${error.message} Retrying in ${(delay / 1000).toFixed(1)} s (attempt ${attempt + 2}).`);
          await clock.sleep(delay, wake);
          continue;
        }

        // Permanent: the provider refused the request, so nothing of it was sent by this call.
        if (batch.uncertain) {
          // …but an earlier attempt may have been, so the batch must stay open and go out
          // again with its key, never be rebuilt under a new one. Its recipients stay queued.
        } else {
          journal.recordBatchFailed(campaign, batch.seq, error.message, clock.now());
          for (const r of batch.recipients) fail(r.email, error.message);
        }
        stopWith('stopped', error.message);
        return;
      }

      if (slot === undefined) {
        throw new Error(`The ${transport.name} transport sent batch ${batch.seq} without taking a rate-limit slot (SendOptions.acquireSlot).`);
      }
      consecutiveFailures = 0;
      slot.done(result);
      // Throws (rolling back) if the answer does not cover the batch: a transport bug.
      journal.recordOutcomes(campaign, batch.seq, result.outcomes, clock.now());
      result.outcomes.forEach((outcome, i) => {
        if (outcome.ok) report.sent++;
        else fail((batch.recipients[i] as JournalRecipient).email, outcome.reason);
      });
      progress();
      return;
    }
  }

  // --- Dispatch: up to `concurrency` batches in flight ------------------------------------
  const inFlight = new Set<Promise<void>>();
  const dispatch = (batch: Batch) => {
    const task: Promise<void> = deliver(batch)
      .catch((error: unknown) => {
        bug ??= error;
        stopWith('stopped', error instanceof Error ? error.message : String(error));
      })
      .finally(() => inFlight.delete(task));
    inFlight.add(task);
  };
  const waitForRoom = async () => {
    while (inFlight.size >= concurrency) await Promise.race(inFlight);
  };

  try {
    // --- 1. Batches an earlier run left open: first, with their own key --------------------
    // Rebuild and check every one before sending any: if the edition, the list's names or
    // the secret changed since, the payload would differ, the provider would refuse the
    // key (409), and worse, a changed batch under a new key could reach people twice.
    const open = journal.openBatches(campaign).map((b) => {
      const messages = build(b.recipients);
      if (payloadHash(messages) !== b.payloadHash) {
        throw new NewsletterError(
          'resume-payload-changed',
          `Cannot resume ${campaign}: batch ${b.seq} (${b.recipients.length} recipients) was in flight when the last run stopped, ` +
            'and the messages rebuilt now differ from the ones sent then. Put back what changed — the edition file, ' +
            'NEWSLETTER_SECRET, NEWSLETTER_PUBLIC_URL, or --schedule — and run the same command again. ' +
            `(\`npx newsletter status ${email.slug}\` shows the campaign.)`,
        );
      }
      return { seq: b.seq, key: b.idempotencyKey, recipients: b.recipients, messages, uncertain: b.state === 'in_flight' };
    });
    if (open.length > 0) {
      const people = open.reduce((n, b) => n + b.recipients.length, 0);
      notice(`Resuming: ${open.length} batch${open.length === 1 ? '' : 'es'} (${people} recipients) left open by the last run go out first, with their original keys.`);
    }
    for (const batch of open) {
      if (stopping()) break;
      report.resumedBatches++;
      if (dryRun) {
        report.sent += batch.messages.length;
        continue;
      }
      await waitForRoom();
      if (stopping()) break;
      dispatch(batch);
    }

    // --- 2. The list, streamed: skip what is done, batch the rest as we go -----------------
    let seq = journal.nextSeq(campaign);
    let pending: Recipient[] = [];
    // Addresses in `pending`, lower-cased: the loader already de-duplicates, this guards
    // the journal's one-row-per-address rule against a second source of recipients.
    let pendingAddresses = new Set<string>();

    const flush = async () => {
      const recipients = pending;
      pending = [];
      pendingAddresses = new Set();
      // A dry run personalizes every message (that is where a bad row or template shows) but
      // neither records nor sends the batch, so it needs no key and no payload hash: hashing
      // ~3 MB of text a batch was most of a dry run's time (~60 µs a recipient, 1M rows in
      // ~130 s) and its transient UTF-8 copies most of its memory churn. Nor does it hold the
      // batch's messages: one at a time, each is garbage before the next (a batch of 100
      // kept together outlived young collections, and late in a 1M-row run V8 began
      // allocating messages straight into the old generation: +38 MB of heap by the end).
      if (dryRun) {
        for (const r of recipients) withSchedule(personalize(r));
        report.sent += recipients.length;
        progress();
        return;
      }
      // Personalize before waiting for room: the next batch is ready the moment a slot frees.
      const messages = recipients.map((r) => withSchedule(personalize(r)));
      const hash = payloadHash(messages);
      const batchSeq = seq++;
      const key = idempotencyKey({
        slug: email.slug,
        campaign: options.keyNonce === undefined ? campaign : `${campaign}\n${options.keyNonce}`,
        seq: batchSeq,
        addresses: recipients.map((r) => r.email),
        payloadHash: hash,
      });
      const batch: Batch = {
        seq: batchSeq,
        key,
        recipients,
        messages,
        uncertain: false,
      };
      await waitForRoom();
      // Halted while waiting: not recorded, so these recipients are simply not queued; the
      // next run batches them afresh (possibly with others), under a new key.
      if (stopping()) return;
      journal.recordBatch({ campaign, seq: batch.seq, idempotencyKey: batch.key, payloadHash: hash, recipients, at: clock.now() });
      dispatch(batch);
      // A turn of the event loop before the next batch is made: the requests already on
      // their way need it to connect and to write their bodies (libuv writes on this
      // thread). Without it, the first batches, made back to back while the code is still
      // cold (~50 ms each), held the first requests' uploads up by ~150 ms, and the rate
      // limiter, which places a request by when it had left, carried that through the run.
      await setImmediate();
    };

    for await (const recipient of options.recipients) {
      if (stopping()) break; // `break` closes the list's stream (the iterator's return())
      const state = journal.recipientState(campaign, recipient.email);
      if (state === 'sent') {
        report.alreadySent++;
        continue;
      }
      // In a batch an earlier run left open: it went out again in step 1.
      if (state === 'queued') continue;
      const address = recipient.email.toLowerCase();
      if (pendingAddresses.has(address)) continue;
      // Checked on every run, not only the first: someone who unsubscribed after the
      // campaign started (or after a failure) must not get it on the resume.
      if (isSuppressed(store, address)) {
        report.skipped.suppressed++;
        if (!dryRun) journal.recordSkipped(campaign, recipient, 'suppressed', clock.now());
        continue;
      }
      // `failed` and `skipped` from an earlier run are tried again, in a new batch.
      pending.push(recipient);
      pendingAddresses.add(address);
      if (pending.length >= batchSize) await flush();
    }
    if (pending.length > 0 && !stopping()) await flush();
  } catch (error) {
    // A bad list row in strict mode, a journal conflict, a changed payload: stop starting
    // batches, but first let the ones in flight finish and be recorded.
    bug ??= error;
    stopWith('stopped', error instanceof Error ? error.message : String(error));
  } finally {
    await Promise.all(inFlight);
  }

  // --- The outcome ---------------------------------------------------------------------------
  if (options.listReport !== undefined) {
    report.skipped.invalid = options.listReport.invalidCount;
    report.skipped.duplicate = options.listReport.duplicates;
  }
  const interrupted = options.signal?.aborted === true && halted === undefined;
  if (halted?.kind === 'paused') report.paused = halted.reason;
  if (halted?.kind === 'stopped') report.stopped = halted.reason;
  if (interrupted) {
    report.interrupted = true;
    report.stopped = 'interrupted (Ctrl-C)';
  }
  report.rate = { perSecond: limiter.ratePerSecond, source: outboxAuto ? 'outbox' : limiter.source };
  if (typeof requested === 'number' && limiter.ratePerSecond < requested) {
    warn(`The provider's rate limit is ${limiter.ratePerSecond}/s, below the requested rate; the send slowed down to it.`);
  }
  report.elapsedMs = elapsed();
  report.emailsPerSecond = (report.sent * 1000) / report.elapsedMs;

  // A run that lost its lease leaves the campaign's record to the run that took it over.
  if (!dryRun && stillHeld(lease)) {
    const counts = { invalid: report.skipped.invalid, duplicates: report.skipped.duplicate };
    if (!interrupted && halted === undefined) journal.recordListCounts(campaign, counts, clock.now());
    const status = interrupted ? 'interrupted' : (halted?.kind ?? 'done');
    journal.endCampaign(campaign, status, report.stopped ?? report.paused, clock.now());
  }
  if (bug !== undefined) throw bug;
  progress();
  return report;
}
