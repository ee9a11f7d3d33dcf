import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NewsletterError } from '../../src/errors.ts';
import { holdCampaign, holderGone, type HolderProcess } from '../../src/send/hold-campaign.ts';
import type { Clock } from '../../src/send/clock.ts';
import { campaignLease } from '../../src/store/campaign-lease.ts';
import { createJournal } from '../../src/store/journal.ts';
import { openStore, type Store } from '../../src/store/open-store.ts';

// The lease against a real journal file, each "run" with a connection of its own, as two
// processes would have. (Two real processes: tests/scripts/send-lease.test.ts.)

const T0 = Date.parse('2025-07-08T00:00:00Z');
const dirs: string[] = [];
const stores: Store[] = [];
const holds: { release(): void }[] = [];
afterEach(() => {
  for (const h of holds.splice(0)) h.release();
  for (const s of stores.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function twoConnections(): [Store, Store] {
  const dir = mkdtempSync(join(tmpdir(), 'lease-'));
  dirs.push(dir);
  const a = openStore(join(dir, 'newsletter.db'));
  const b = openStore(join(dir, 'newsletter.db'));
  stores.push(a, b);
  return [a, b];
}

/** A clock that never fires its sleeps on its own (the heartbeat waits forever unless aborted). */
function stillClock(time: { now: number }): Clock {
  return {
    now: () => time.now,
    sleep: (_ms, signal) => new Promise<void>((resolve) => signal?.addEventListener('abort', () => resolve(), { once: true })),
  };
}

const alive = new Set<number>();
const proc = (pid: number, host = 'mail-1', bootedAt = T0 - 86_400_000): HolderProcess => ({ pid, host, bootedAt, isAlive: (p) => alive.has(p) });

describe('campaign lease', () => {
  it('refuses a second run while the first holds it, naming the pid, the host and since when', () => {
    const [a, b] = twoConnections();
    const time = { now: T0 };
    alive.add(101).add(202);
    holds.push(holdCampaign({ store: a, campaign: 'c1', holder: proc(101), clock: stillClock(time) }));
    time.now = T0 + 12_000;
    let error: unknown;
    try {
      holdCampaign({ store: b, campaign: 'c1', holder: proc(202), clock: stillClock(time) });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NewsletterError);
    expect((error as NewsletterError).code).toBe('campaign-busy');
    expect((error as Error).message).toContain('pid 101 on mail-1, since 2025-07-08T00:00:00.000Z (12 s ago; its last heartbeat 12 s ago)');
    // Another campaign is free.
    holds.push(holdCampaign({ store: b, campaign: 'c2', holder: proc(202), clock: stillClock(time) }));
  });

  it('is taken over when its holder on this host no longer runs, and the old holder can then write nothing', () => {
    const [a, b] = twoConnections();
    const time = { now: T0 };
    alive.add(303);
    const first = holdCampaign({ store: a, campaign: 'c1', holder: proc(303), clock: stillClock(time) });
    holds.push(first);
    const journalA = createJournal(a, { guard: () => first.lease.assertHeld() });
    journalA.beginCampaign({ id: 'c1', subject: 's', transport: 'resend', at: T0 });
    journalA.recordBatch({ campaign: 'c1', seq: 1, idempotencyKey: 'k1', payloadHash: 'h', recipients: [{ email: 'a@example.com', fields: {} }], at: T0 });

    alive.delete(303); // SIGKILLed
    time.now = T0 + 1000; // a second later: no need to wait for the heartbeat to go stale
    const second = holdCampaign({ store: b, campaign: 'c1', holder: proc(404), clock: stillClock(time) });
    holds.push(second);
    expect(second.tookOver).toContain('from pid 303 on mail-1');
    expect(second.tookOver).toContain('pid 303 no longer runs');
    expect(campaignLease(b, 'c1')).toMatchObject({ pid: 404, host: 'mail-1' });

    // Were the first one not dead after all (paused, say), its next write is refused.
    expect(() => journalA.markAttempt('c1', 1, T0 + 2000)).toThrowError(/lost its lease on campaign c1 \(pid 404 on mail-1/);
    expect(createJournal(b).openBatches('c1')[0]?.state).toBe('pending');
    // And its release does not free the new holder's lease.
    first.release();
    expect(campaignLease(b, 'c1')?.pid).toBe(404);
    second.release();
    expect(campaignLease(b, 'c1')).toBeUndefined();
  });

  it('judges a holder gone by reboot, by a stale heartbeat on another host, never while it beats', () => {
    const record = { campaign: 'c', token: 't', pid: 7, host: 'mail-1', startedAt: new Date(T0).toISOString(), heartbeatAt: new Date(T0 + 50_000).toISOString() };
    alive.add(7);
    const now = T0 + 60_000;
    // Alive, beating 10 s ago: held.
    expect(holderGone(record, proc(8), now, 30_000)).toBeUndefined();
    // The machine booted after the lease was taken: pid 7 is someone else now.
    expect(holderGone(record, proc(8, 'mail-1', T0 + 1000), now, 30_000)).toBe('the machine has rebooted since it started');
    // Another host's pid means nothing here: only its heartbeat tells.
    alive.delete(7);
    expect(holderGone(record, proc(8, 'mail-2'), now, 30_000)).toBeUndefined();
    expect(holderGone(record, proc(8, 'mail-2'), T0 + 81_000, 30_000)).toBe('no heartbeat for 31 s');
  });

  it('renews its heartbeat every heartbeatMs while held', async () => {
    const [a] = twoConnections();
    const time = { now: T0 };
    const ticks: (() => void)[] = [];
    const clock: Clock = {
      now: () => time.now,
      sleep: (_ms, signal) => new Promise<void>((resolve) => {
        ticks.push(resolve);
        signal?.addEventListener('abort', () => resolve(), { once: true });
      }),
    };
    const hold = holdCampaign({ store: a, campaign: 'c1', holder: proc(9), clock, heartbeatMs: 5000 });
    holds.push(hold);
    time.now = T0 + 5000;
    ticks.shift()?.();
    await new Promise((r) => setImmediate(r));
    expect(campaignLease(a, 'c1')?.heartbeatAt).toBe(new Date(T0 + 5000).toISOString());
  });
});
