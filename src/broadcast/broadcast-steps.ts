import type { Store } from '../store/open-store.ts';
import { preparedStatements } from '../store/prepared.ts';

/**
 * The broadcast journal: one row per step of handing a campaign to Resend, written
 * before the call (`started`, with what we asked for) and after it (`done`, with what
 * Resend called it). Broadcast calls take no idempotency key, so this is what makes a
 * rerun after a crash at any instant safe: a step recorded `done` is never called
 * again, and a step left `started` is first looked up at Resend (by the name we gave
 * it, or the broadcast's status) before it is tried again.
 */

export type StepState = 'started' | 'done';

export interface BroadcastStep {
  campaign: string;
  step: string;
  state: StepState;
  resendId: string | undefined;
  detail: Record<string, unknown>;
  startedAt: string;
  doneAt: string | undefined;
}

interface Row {
  campaign: string;
  step: string;
  state: StepState;
  resend_id: string | null;
  detail: string;
  started_at: string;
  done_at: string | null;
}

const statements = preparedStatements((db) => ({
  one: db.prepare<[string, string], Row>('SELECT * FROM broadcast_steps WHERE campaign = ? AND step = ?'),
  all: db.prepare<[string], Row>('SELECT * FROM broadcast_steps WHERE campaign = ? ORDER BY started_at, step'),
  start: db.prepare(
    `INSERT INTO broadcast_steps (campaign, step, state, detail, started_at) VALUES (?, ?, 'started', ?, ?)
     ON CONFLICT (campaign, step) DO UPDATE SET state = 'started', detail = excluded.detail, resend_id = NULL,
       started_at = excluded.started_at, done_at = NULL`,
  ),
  done: db.prepare(`UPDATE broadcast_steps SET state = 'done', resend_id = ?, detail = ?, done_at = ? WHERE campaign = ? AND step = ?`),
  setId: db.prepare(`UPDATE broadcast_steps SET resend_id = ? WHERE campaign = ? AND step = ?`),
  byResendId: db.prepare<[string, string], { campaign: string }>(`SELECT campaign FROM broadcast_steps WHERE resend_id = ? AND step = ?`),
}));

function fromRow(row: Row): BroadcastStep {
  return {
    campaign: row.campaign,
    step: row.step,
    state: row.state,
    resendId: row.resend_id ?? undefined,
    detail: JSON.parse(row.detail) as Record<string, unknown>,
    startedAt: row.started_at,
    doneAt: row.done_at ?? undefined,
  };
}

export interface StepJournal {
  get(step: string): BroadcastStep | undefined;
  all(): BroadcastStep[];
  /** Records the intent, before the call. Starting a step again replaces its detail. */
  start(step: string, detail: Record<string, unknown>, at: number): void;
  /** A Resend id learned before the step is over (an import's id, while it is polled). */
  setId(step: string, resendId: string): void;
  done(step: string, resendId: string | undefined, detail: Record<string, unknown>, at: number): void;
}

export function stepJournal(store: Store, campaign: string, guard: () => void = () => {}): StepJournal {
  const q = statements(store);
  const iso = (ms: number) => new Date(ms).toISOString();
  const guarded = <A extends unknown[]>(write: (...args: A) => void) => store.db.transaction((...args: A) => {
    guard();
    write(...args);
  });
  return {
    get: (step) => {
      const row = q.one.get(campaign, step);
      return row === undefined ? undefined : fromRow(row);
    },
    all: () => q.all.all(campaign).map(fromRow),
    start: guarded((step: string, detail: Record<string, unknown>, at: number) => {
      q.start.run(campaign, step, JSON.stringify(detail), iso(at));
    }),
    setId: guarded((step: string, resendId: string) => {
      q.setId.run(resendId, campaign, step);
    }),
    done: guarded((step: string, resendId: string | undefined, detail: Record<string, unknown>, at: number) => {
      q.done.run(resendId ?? null, JSON.stringify(detail), iso(at), campaign, step);
    }),
  };
}

/** The campaign a Resend broadcast id was created for (webhook events carry `broadcast_id`). */
export function campaignOfBroadcast(store: Store, broadcastId: string): string | undefined {
  return statements(store).byResendId.get(broadcastId, 'create')?.campaign;
}

/** The journal's campaign id of a broadcast: its own, apart from batch sends and outbox runs. */
export function broadcastCampaignId(slug: string): string {
  return `${slug}@broadcast`;
}
