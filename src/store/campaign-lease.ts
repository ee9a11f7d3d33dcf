import { NewsletterError } from '../errors.ts';
import type { Store } from './open-store.ts';

/** Who runs a send: enough to tell a person where it is, and to tell whether it still runs. */
export interface LeaseHolder {
  pid: number;
  host: string;
}

/** A lease as the journal holds it. Times are ISO 8601. */
export interface LeaseRecord extends LeaseHolder {
  campaign: string;
  token: string;
  startedAt: string;
  heartbeatAt: string;
}

/** A lease this run holds. */
export interface CampaignLease {
  readonly record: LeaseRecord;
  /** Moves the heartbeat to `at`. False when the lease is no longer this run's (taken over). */
  renew(at: number): boolean;
  /**
   * Throws a `lease-lost` NewsletterError unless the journal still names this run as the
   * holder. The journal calls it inside each of its write transactions (createJournal's
   * `guard`), so a run that lost its lease cannot record anything more, even before its
   * next heartbeat notices.
   */
  assertHeld(): void;
  /** Gives the lease up (only if it is still this run's). */
  release(): void;
}

export type TakeLeaseAnswer =
  | { ok: true; lease: CampaignLease; tookOverFrom?: LeaseRecord }
  | { ok: false; holder: LeaseRecord };

/**
 * Takes the campaign's lease, in one IMMEDIATE transaction (the write lock first, so two runs
 * that start together cannot both see it free): free → taken; held by a holder that
 * `isGone` says has gone → taken over (and `tookOverFrom` says from whom); held → refused.
 * Whether a holder has gone (a dead pid, a reboot, a stale heartbeat) is the caller's
 * judgment: this file knows only the table.
 */
export function takeCampaignLease(
  store: Store,
  input: { campaign: string; holder: LeaseHolder; token: string; at: number; isGone: (record: LeaseRecord) => boolean },
): TakeLeaseAnswer {
  const db = store.db;
  const iso = (ms: number) => new Date(ms).toISOString();
  const select = db.prepare('SELECT * FROM campaign_leases WHERE campaign = ?');
  const take = db.transaction((): TakeLeaseAnswer => {
    const row = select.get(input.campaign) as LeaseRow | undefined;
    const current = row === undefined ? undefined : toRecord(row);
    if (current !== undefined && !input.isGone(current)) return { ok: false, holder: current };
    const at = iso(input.at);
    db.prepare(
      `INSERT INTO campaign_leases (campaign, token, holder_pid, host, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (campaign) DO UPDATE SET token = excluded.token, holder_pid = excluded.holder_pid, host = excluded.host,
         started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at`,
    ).run(input.campaign, input.token, input.holder.pid, input.holder.host, at, at);
    const record: LeaseRecord = { campaign: input.campaign, token: input.token, ...input.holder, startedAt: at, heartbeatAt: at };
    return { ok: true, lease: heldLease(store, record), ...(current === undefined ? {} : { tookOverFrom: current }) };
  });
  return take.immediate();
}

/** The lease of a campaign, if any run holds one (for `status`, and for messages). */
export function campaignLease(store: Store, campaign: string): LeaseRecord | undefined {
  const row = store.db.prepare('SELECT * FROM campaign_leases WHERE campaign = ?').get(campaign) as LeaseRow | undefined;
  return row === undefined ? undefined : toRecord(row);
}

function heldLease(store: Store, record: LeaseRecord): CampaignLease {
  const db = store.db;
  const q = {
    renew: db.prepare('UPDATE campaign_leases SET heartbeat_at = ? WHERE campaign = ? AND token = ?'),
    holder: db.prepare('SELECT * FROM campaign_leases WHERE campaign = ?'),
    release: db.prepare('DELETE FROM campaign_leases WHERE campaign = ? AND token = ?'),
  };
  return {
    record,
    renew: (at) => q.renew.run(new Date(at).toISOString(), record.campaign, record.token).changes === 1,
    assertHeld() {
      const row = q.holder.get(record.campaign) as LeaseRow | undefined;
      if (row?.token === record.token) return;
      const now = row === undefined ? 'nobody holds it now' : `pid ${row.holder_pid} on ${row.host} has held it since ${row.started_at}`;
      throw new NewsletterError(
        'lease-lost',
        `${store.file}: this run lost its lease on campaign ${record.campaign} (${now}): its heartbeat stopped long enough for another run to take over, ` +
          'so this run stops here and records nothing more. Nobody is sent twice: the journal holds every batch. ' +
          `Let the other run finish, or run the same command again once it has.`,
      );
    },
    release() {
      if (db.open) q.release.run(record.campaign, record.token);
    },
  };
}

interface LeaseRow {
  campaign: string;
  token: string;
  holder_pid: number;
  host: string;
  started_at: string;
  heartbeat_at: string;
}

function toRecord(r: LeaseRow): LeaseRecord {
  return { campaign: r.campaign, token: r.token, pid: r.holder_pid, host: r.host, startedAt: r.started_at, heartbeatAt: r.heartbeat_at };
}
