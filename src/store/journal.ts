import { NewsletterError } from '../errors.ts';
import type { MessageOutcome } from '../transport/transport.ts';
import type { Store } from './open-store.ts';

/** A subscriber as the send loop sees it (the loader's Recipient, structurally). */
export interface JournalRecipient {
  email: string;
  name?: string;
  fields: Record<string, string>;
}

export type CampaignStatus = 'sending' | 'paused' | 'stopped' | 'interrupted' | 'done';
export type RecipientState = 'queued' | 'sent' | 'failed' | 'skipped';
export type BatchState = 'pending' | 'in_flight' | 'done' | 'failed';
export type SkipKind = 'suppressed' | 'invalid' | 'duplicate';

export interface CampaignRecord {
  /** The journal's key: the slug, or `<slug>@outbox` for outbox runs (see `journalCampaignId`). */
  id: string;
  subject: string;
  transport: string;
  status: CampaignStatus;
  statusReason: string | undefined;
  scheduledAt: string | undefined;
  createdAt: string;
  firstAttemptAt: string | undefined;
  updatedAt: string;
  invalidRows: number;
  duplicateRows: number;
}

/** A batch recorded but not finished: it must go out again with the same key and payload. */
export interface OpenBatch {
  seq: number;
  idempotencyKey: string;
  payloadHash: string;
  state: 'pending' | 'in_flight';
  attempts: number;
  recipients: JournalRecipient[];
}

export interface CampaignSummary {
  campaign: CampaignRecord;
  recipients: { queued: number; sent: number; failed: number; skipped: number };
  skipped: Record<SkipKind, number>;
  batches: Record<BatchState, number>;
  /** Failures grouped by reason, the 20 most frequent, with up to 5 addresses each. */
  failures: { reason: string; count: number; examples: string[] }[];
}

/**
 * Journal ids keep outbox runs apart from real sends: previewing a campaign into the
 * outbox must not make the real send through Resend skip everyone as "already sent".
 */
export function journalCampaignId(slug: string, transport: 'resend' | 'outbox'): string {
  return transport === 'resend' ? slug : `${slug}@outbox`;
}

/**
 * The record of what was sent. The send loop's crash safety rests on the order of
 * these writes, each its own transaction:
 *
 *   recordBatch     the batch's key, payload hash and recipients (state queued)
 *   markAttempt     batch in_flight, attempts + 1          ← before every transport call
 *   recordOutcomes  each recipient sent (provider id) or failed (reason); batch done
 *
 * A crash between the first and the last leaves the batch pending or in_flight, and its
 * recipients queued: the next run sends exactly that batch again, same key, same payload,
 * and the provider's idempotency answers with the first result if it had gone through.
 */
export interface Journal {
  campaign(id: string): CampaignRecord | undefined;
  campaigns(): CampaignRecord[];
  /** Creates the campaign, or marks an existing one as sending again (a resume). */
  beginCampaign(input: { id: string; subject: string; transport: string; scheduledAt?: string; at: number }): CampaignRecord;
  endCampaign(id: string, status: Exclude<CampaignStatus, 'sending'>, reason: string | undefined, at: number): void;
  recordListCounts(id: string, counts: { invalid: number; duplicates: number }, at: number): void;
  /** The recorded state of one address (any case) in the campaign. */
  recipientState(campaign: string, address: string): RecipientState | undefined;
  openBatches(campaign: string): OpenBatch[];
  nextSeq(campaign: string): number;
  recordBatch(input: { campaign: string; seq: number; idempotencyKey: string; payloadHash: string; recipients: readonly JournalRecipient[]; at: number }): void;
  markAttempt(campaign: string, seq: number, at: number): void;
  /** Notes a failed attempt's message on the batch; its state stays what it was. */
  recordAttemptError(campaign: string, seq: number, message: string): void;
  /** `outcomes` in the batch's order, one per recipient. */
  recordOutcomes(campaign: string, seq: number, outcomes: readonly MessageOutcome[], at: number): void;
  /** The provider refused the whole batch (nothing was sent): each recipient failed with `reason`. */
  recordBatchFailed(campaign: string, seq: number, reason: string, at: number): void;
  recordSkipped(campaign: string, recipient: JournalRecipient, kind: SkipKind, at: number): void;
  summary(campaign: string): CampaignSummary | undefined;
}

/**
 * `guard`: run first inside each transaction that records a batch, an attempt or an
 * outcome; it throws to refuse the write (the sending run's lease: CampaignLease.assertHeld).
 */
export function createJournal(store: Store, options: { guard?: () => void } = {}): Journal {
  const db = store.db;
  const guard = options.guard ?? (() => {});
  const iso = (ms: number) => new Date(ms).toISOString();

  const q = {
    campaign: db.prepare('SELECT * FROM campaigns WHERE id = ?'),
    campaigns: db.prepare('SELECT * FROM campaigns ORDER BY created_at, id'),
    insertCampaign: db.prepare(
      `INSERT INTO campaigns (id, subject, transport, status, scheduled_at, created_at, updated_at)
       VALUES (@id, @subject, @transport, 'sending', @scheduled_at, @at, @at)
       ON CONFLICT (id) DO UPDATE SET status = 'sending', status_reason = NULL, subject = excluded.subject,
         scheduled_at = excluded.scheduled_at, updated_at = excluded.updated_at`,
    ),
    endCampaign: db.prepare('UPDATE campaigns SET status = ?, status_reason = ?, updated_at = ? WHERE id = ?'),
    listCounts: db.prepare('UPDATE campaigns SET invalid_rows = ?, duplicate_rows = ?, updated_at = ? WHERE id = ?'),
    recipientState: db.prepare('SELECT state FROM recipients WHERE campaign = ? AND address = ?').pluck(),
    openBatches: db.prepare(
      `SELECT seq, idempotency_key, payload_hash, state, attempts FROM batches
       WHERE campaign = ? AND state IN ('pending', 'in_flight') ORDER BY seq`,
    ),
    batchRecipients: db.prepare('SELECT email, name, fields FROM recipients WHERE campaign = ? AND batch_seq = ? ORDER BY position'),
    maxSeq: db.prepare('SELECT coalesce(max(seq), 0) FROM batches WHERE campaign = ?').pluck(),
    insertBatch: db.prepare(
      `INSERT INTO batches (campaign, seq, idempotency_key, payload_hash, state, size, created_at)
       VALUES (?, ?, ?, ?, 'pending', ?, ?)`,
    ),
    // A recipient joins a batch only if it is new, or failed/skipped last time. `queued`
    // (in another open batch) and `sent` must never be queued again: `changes` tells.
    queueRecipient: db.prepare(
      `INSERT INTO recipients (campaign, address, email, name, fields, batch_seq, position, state, updated_at)
       VALUES (@campaign, @address, @email, @name, @fields, @seq, @position, 'queued', @at)
       ON CONFLICT (campaign, address) DO UPDATE SET email = excluded.email, name = excluded.name,
         fields = excluded.fields, batch_seq = excluded.batch_seq, position = excluded.position, state = 'queued',
         skip_kind = NULL, provider_id = NULL, reason = NULL, updated_at = excluded.updated_at
       WHERE recipients.state IN ('failed', 'skipped')`,
    ),
    markAttempt: db.prepare(
      `UPDATE batches SET state = 'in_flight', attempts = attempts + 1, last_attempt_at = ?
       WHERE campaign = ? AND seq = ? AND state IN ('pending', 'in_flight')`,
    ),
    firstAttempt: db.prepare('UPDATE campaigns SET first_attempt_at = ? WHERE id = ? AND first_attempt_at IS NULL'),
    attemptError: db.prepare('UPDATE batches SET error = ? WHERE campaign = ? AND seq = ?'),
    batchSize: db.prepare('SELECT size FROM batches WHERE campaign = ? AND seq = ?').pluck(),
    sent: db.prepare(
      `UPDATE recipients SET state = 'sent', provider_id = ?, reason = NULL, updated_at = ?
       WHERE campaign = ? AND batch_seq = ? AND position = ? AND state = 'queued'`,
    ),
    failed: db.prepare(
      `UPDATE recipients SET state = 'failed', reason = ?, updated_at = ?
       WHERE campaign = ? AND batch_seq = ? AND position = ? AND state = 'queued'`,
    ),
    failAll: db.prepare(
      `UPDATE recipients SET state = 'failed', reason = ?, updated_at = ?
       WHERE campaign = ? AND batch_seq = ? AND state = 'queued'`,
    ),
    closeBatch: db.prepare('UPDATE batches SET state = ?, error = coalesce(?, error), finished_at = ? WHERE campaign = ? AND seq = ?'),
    skip: db.prepare(
      `INSERT INTO recipients (campaign, address, email, name, fields, state, skip_kind, updated_at)
       VALUES (@campaign, @address, @email, @name, @fields, 'skipped', @kind, @at)
       ON CONFLICT (campaign, address) DO UPDATE SET state = 'skipped', skip_kind = excluded.skip_kind,
         batch_seq = NULL, position = NULL, reason = NULL, updated_at = excluded.updated_at
       WHERE recipients.state IN ('failed', 'skipped')`,
    ),
    stateCounts: db.prepare('SELECT state, count(*) AS n FROM recipients WHERE campaign = ? GROUP BY state'),
    skipCounts: db.prepare(`SELECT skip_kind AS kind, count(*) AS n FROM recipients WHERE campaign = ? AND state = 'skipped' GROUP BY skip_kind`),
    batchCounts: db.prepare('SELECT state, count(*) AS n FROM batches WHERE campaign = ? GROUP BY state'),
    failureReasons: db.prepare(
      `SELECT reason, count(*) AS n FROM recipients WHERE campaign = ? AND state = 'failed'
       GROUP BY reason ORDER BY n DESC, reason LIMIT 20`,
    ),
    failureExamples: db.prepare(
      `SELECT address FROM recipients WHERE campaign = ? AND state = 'failed' AND reason IS ? ORDER BY address LIMIT 5`,
    ).pluck(),
  };

  const campaign = (id: string): CampaignRecord | undefined => {
    const row = q.campaign.get(id) as CampaignRow | undefined;
    return row === undefined ? undefined : toCampaign(row);
  };

  const recordBatch = db.transaction((input: Parameters<Journal['recordBatch']>[0]) => {
    guard();
    const at = iso(input.at);
    q.insertBatch.run(input.campaign, input.seq, input.idempotencyKey, input.payloadHash, input.recipients.length, at);
    input.recipients.forEach((r, position) => {
      const changes = q.queueRecipient.run({
        campaign: input.campaign,
        address: r.email.toLowerCase(),
        email: r.email,
        name: r.name ?? null,
        fields: JSON.stringify(r.fields),
        seq: input.seq,
        position,
        at,
      }).changes;
      if (changes !== 1) {
        // Throwing rolls the whole batch back: nothing of it is recorded, nothing is sent.
        throw new NewsletterError(
          'journal-conflict',
          `${store.file}: ${r.email} is already queued or sent in campaign ${input.campaign} — is another \`newsletter send\` of this campaign running? Let it finish (or stop it), then run the command again.`,
        );
      }
    });
  });

  const markAttempt = db.transaction((campaignId: string, seq: number, at: number) => {
    guard();
    const changes = q.markAttempt.run(iso(at), campaignId, seq).changes;
    if (changes !== 1) {
      throw new NewsletterError(
        'journal-conflict',
        `${store.file}: batch ${seq} of campaign ${campaignId} is no longer open — another run of this campaign recorded it. Let that run finish, then run the command again.`,
      );
    }
    q.firstAttempt.run(iso(at), campaignId);
  });

  const recordOutcomes = db.transaction((campaignId: string, seq: number, outcomes: readonly MessageOutcome[], at: number) => {
    guard();
    const size = q.batchSize.get(campaignId, seq) as number | undefined;
    if (size !== outcomes.length) {
      // A transport bug; recording a partial answer would lose recipients. Roll back.
      throw new Error(`journal: batch ${seq} of ${campaignId} holds ${String(size)} messages, the transport answered ${outcomes.length}`);
    }
    const when = iso(at);
    outcomes.forEach((outcome, position) => {
      if (outcome.ok) q.sent.run(outcome.id, when, campaignId, seq, position);
      else q.failed.run(outcome.reason, when, campaignId, seq, position);
    });
    q.closeBatch.run('done', null, when, campaignId, seq);
  });

  const recordBatchFailed = db.transaction((campaignId: string, seq: number, reason: string, at: number) => {
    guard();
    const when = iso(at);
    q.failAll.run(reason, when, campaignId, seq);
    q.closeBatch.run('failed', reason, when, campaignId, seq);
  });

  return {
    campaign,
    campaigns: () => (q.campaigns.all() as CampaignRow[]).map(toCampaign),
    beginCampaign(input) {
      q.insertCampaign.run({ id: input.id, subject: input.subject, transport: input.transport, scheduled_at: input.scheduledAt ?? null, at: iso(input.at) });
      return campaign(input.id) as CampaignRecord;
    },
    endCampaign(id, status, reason, at) {
      q.endCampaign.run(status, reason ?? null, iso(at), id);
    },
    recordListCounts(id, counts, at) {
      q.listCounts.run(counts.invalid, counts.duplicates, iso(at), id);
    },
    recipientState: (campaignId, address) => q.recipientState.get(campaignId, address.toLowerCase()) as RecipientState | undefined,
    openBatches(campaignId) {
      return (q.openBatches.all(campaignId) as BatchRow[]).map((b) => ({
        seq: b.seq,
        idempotencyKey: b.idempotency_key,
        payloadHash: b.payload_hash,
        state: b.state as OpenBatch['state'],
        attempts: b.attempts,
        recipients: (q.batchRecipients.all(campaignId, b.seq) as { email: string; name: string | null; fields: string }[]).map((r) => ({
          email: r.email,
          ...(r.name === null ? {} : { name: r.name }),
          fields: JSON.parse(r.fields) as Record<string, string>,
        })),
      }));
    },
    nextSeq: (campaignId) => (q.maxSeq.get(campaignId) as number) + 1,
    recordBatch: (input) => recordBatch.immediate(input),
    markAttempt: (campaignId, seq, at) => markAttempt.immediate(campaignId, seq, at),
    recordAttemptError(campaignId, seq, message) {
      q.attemptError.run(message, campaignId, seq);
    },
    recordOutcomes: (campaignId, seq, outcomes, at) => recordOutcomes.immediate(campaignId, seq, outcomes, at),
    recordBatchFailed: (campaignId, seq, reason, at) => recordBatchFailed.immediate(campaignId, seq, reason, at),
    recordSkipped(campaignId, r, kind, at) {
      q.skip.run({ campaign: campaignId, address: r.email.toLowerCase(), email: r.email, name: r.name ?? null, fields: JSON.stringify(r.fields), kind, at: iso(at) });
    },
    summary(campaignId) {
      const record = campaign(campaignId);
      if (record === undefined) return undefined;
      const recipients = { queued: 0, sent: 0, failed: 0, skipped: 0 };
      for (const r of q.stateCounts.all(campaignId) as { state: RecipientState; n: number }[]) recipients[r.state] = r.n;
      const skipped: Record<SkipKind, number> = { suppressed: 0, invalid: record.invalidRows, duplicate: record.duplicateRows };
      for (const r of q.skipCounts.all(campaignId) as { kind: SkipKind; n: number }[]) skipped[r.kind] += r.n;
      const batches: Record<BatchState, number> = { pending: 0, in_flight: 0, done: 0, failed: 0 };
      for (const r of q.batchCounts.all(campaignId) as { state: BatchState; n: number }[]) batches[r.state] = r.n;
      const failures = (q.failureReasons.all(campaignId) as { reason: string | null; n: number }[]).map((f) => ({
        reason: f.reason ?? 'unknown',
        count: f.n,
        examples: q.failureExamples.all(campaignId, f.reason) as string[],
      }));
      return { campaign: record, recipients, skipped, batches, failures };
    },
  };
}

interface CampaignRow {
  id: string;
  subject: string;
  transport: string;
  status: CampaignStatus;
  status_reason: string | null;
  scheduled_at: string | null;
  created_at: string;
  first_attempt_at: string | null;
  updated_at: string;
  invalid_rows: number;
  duplicate_rows: number;
}

interface BatchRow {
  seq: number;
  idempotency_key: string;
  payload_hash: string;
  state: BatchState;
  attempts: number;
}

function toCampaign(r: CampaignRow): CampaignRecord {
  return {
    id: r.id,
    subject: r.subject,
    transport: r.transport,
    status: r.status,
    statusReason: r.status_reason ?? undefined,
    scheduledAt: r.scheduled_at ?? undefined,
    createdAt: r.created_at,
    firstAttemptAt: r.first_attempt_at ?? undefined,
    updatedAt: r.updated_at,
    invalidRows: r.invalid_rows,
    duplicateRows: r.duplicate_rows,
  };
}
