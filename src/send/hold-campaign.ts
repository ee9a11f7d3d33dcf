import { randomUUID } from 'node:crypto';
import { defaults } from '../config.ts';
import { NewsletterError } from '../errors.ts';
import { takeCampaignLease, type CampaignLease, type LeaseHolder, type LeaseRecord } from '../store/campaign-lease.ts';
import type { Store } from '../store/open-store.ts';
import type { Clock } from './clock.ts';

/** This process, as scripts/ describes it: who it is, and how to tell whether another one still runs. */
export interface HolderProcess extends LeaseHolder {
  /** When this machine booted (ms since the epoch): a lease taken before it belongs to a run the reboot ended. */
  bootedAt: number;
  /** Whether a process with this pid runs on this host. */
  isAlive(pid: number): boolean;
}

export interface HoldCampaignOptions {
  store: Store;
  /** The journal's campaign id. */
  campaign: string;
  holder: HolderProcess;
  clock: Clock;
  /** @default defaults.leaseHeartbeatMs (5 s) */
  heartbeatMs?: number;
  /** @default defaults.leaseStaleMs (30 s) */
  staleMs?: number;
}

export interface CampaignHold {
  lease: CampaignLease;
  /** Set when a gone holder's lease was taken over: a line for the person running the send. */
  tookOver?: string;
  /** Stops the heartbeat and gives the lease up. Safe to call twice. */
  release(): void;
}

/**
 * One sending run per campaign at a time. Two runs of one campaign (the command run twice,
 * a cron job overlapping the last) would otherwise both send from one journal: the journal
 * never lets them send anyone twice, but the second one trips over batches the first one is
 * sending. So a run takes the campaign's lease first and renews it every `heartbeatMs`; a
 * second run is refused with who holds it and since when.
 *
 * A lease outlives a holder that could not give it back (SIGKILL, a crash, a power cut): the
 * next run takes it over when the holder has gone — see `holderGone` — and resumes the
 * campaign as after any crash. A run that is paused so long that its lease is taken over
 * (Ctrl-Z, a suspended laptop) finds out at its next journal write, which the lease guards
 * (CampaignLease.assertHeld), and stops.
 */
export function holdCampaign(options: HoldCampaignOptions): CampaignHold {
  const { store, campaign, holder, clock } = options;
  const heartbeatMs = options.heartbeatMs ?? defaults.leaseHeartbeatMs;
  const staleMs = options.staleMs ?? defaults.leaseStaleMs;
  const now = clock.now();
  const answer = takeCampaignLease(store, {
    campaign,
    holder: { pid: holder.pid, host: holder.host },
    token: randomUUID(),
    at: now,
    isGone: (record) => holderGone(record, holder, now, staleMs) !== undefined,
  });
  if (!answer.ok) {
    const r = answer.holder;
    throw new NewsletterError(
      'campaign-busy',
      `Not sending: campaign ${campaign} is being sent by another run — pid ${r.pid} on ${r.host}, since ${r.startedAt} (${ago(r.startedAt, now)}; ` +
        `its last heartbeat ${ago(r.heartbeatAt, now)}). Let it finish (\`npx newsletter status\` shows its progress) or stop it; ` +
        `then run this command again to send whatever is left. Its lease lapses ${Math.round(staleMs / 1000)} s after its last heartbeat if it is gone.`,
    );
  }

  const { lease } = answer;
  const stop = new AbortController();
  void (async () => {
    while (!stop.signal.aborted) {
      await clock.sleep(heartbeatMs, stop.signal);
      if (stop.signal.aborted) return;
      try {
        // Lost: the guarded journal writes stop the run; nothing more to renew.
        if (!lease.renew(clock.now())) return;
      } catch {
        // A busy or closed database: the next beat tries again, the guard still protects.
      }
    }
  })();
  const from = answer.tookOverFrom;
  return {
    lease,
    ...(from === undefined ? {} : { tookOver: `Took over campaign ${campaign} from pid ${from.pid} on ${from.host} (since ${from.startedAt}): ${holderGone(from, holder, now, staleMs) ?? 'gone'}. Resuming where it stopped.` }),
    release() {
      stop.abort();
      lease.release();
    },
  };
}

/**
 * Why the lease's holder has gone, or undefined while it may still run:
 * - on this host, its pid no longer runs (killed, crashed), or the lease is older than the
 *   machine's boot (rebooted: the pid may now be someone else's);
 * - on any host, its heartbeat is older than `staleMs` (another machine cannot be asked).
 */
export function holderGone(record: LeaseRecord, self: HolderProcess, now: number, staleMs: number): string | undefined {
  if (record.host === self.host) {
    if (record.pid === self.pid) return 'the lease named this very process';
    if (Date.parse(record.startedAt) < self.bootedAt) return 'the machine has rebooted since it started';
    if (!self.isAlive(record.pid)) return `pid ${record.pid} no longer runs`;
  }
  const silent = now - Date.parse(record.heartbeatAt);
  if (silent > staleMs) return `no heartbeat for ${Math.round(silent / 1000)} s`;
  return undefined;
}

function ago(iso: string, now: number): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 120) return `${s} s ago`;
  if (s < 7200) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}
