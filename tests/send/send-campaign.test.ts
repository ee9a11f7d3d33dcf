import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NewsletterError } from '../../src/errors.ts';
import { systemClock, type Clock } from '../../src/send/clock.ts';
import { createPersonalizer } from '../../src/send/personalize.ts';
import { sendCampaign, type SendCampaignOptions } from '../../src/send/send-campaign.ts';
import { createJournal } from '../../src/store/journal.ts';
import { openStore, type Store } from '../../src/store/open-store.ts';
import { suppress } from '../../src/store/suppressions.ts';
import { createResendTransport } from '../../src/transport/resend.ts';
import { TransportError, type Transport } from '../../src/transport/transport.ts';
import { forkResendServer } from '../support/fork-resend-server.ts';
import { startResendServer, type ResendServer, type ResendServerOptions } from '../support/resend-server.ts';
import { email, identity, personalize, recipientList, stream } from '../fixtures/send/campaign.ts';

// The send loop against the real resend SDK, over real HTTP, to the local Resend-compatible
// server, with a real SQLite journal in a temp dir.

const KEY = 're_test_send_campaign';
const servers: ResendServer[] = [];
const stores: Store[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const server of servers) expect(server.validationErrors).toEqual([]);
  await Promise.all(servers.splice(0).map((s) => s.close()));
  for (const s of stores.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function setup(serverOptions: ResendServerOptions = {}) {
  const server = await startResendServer({ ratePerSecond: 200, ...serverOptions });
  servers.push(server);
  const dir = mkdtempSync(join(tmpdir(), 'send-campaign-'));
  dirs.push(dir);
  const file = join(dir, 'newsletter.db');
  const store = openStore(file);
  stores.push(store);
  const transport = createResendTransport({ apiKey: KEY, baseUrl: server.url, timeoutMs: 5000 });
  return { server, store, file, transport };
}

/** The loop's options for a fast test: rate 200/s, short backoffs. */
function options(base: { store: Store; transport: Transport }, overrides: Partial<SendCampaignOptions> & { list?: number } = {}): SendCampaignOptions {
  const { list = 1000, ...rest } = overrides;
  return {
    email,
    recipients: stream(recipientList(list)),
    personalize,
    transport: base.transport,
    store: base.store,
    clock: systemClock,
    rate: 200,
    backoff: { baseMs: 20, maxMs: 400 },
    ...rest,
  };
}

/** How many times each address was received. */
function deliveries(server: ResendServer): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of server.received) for (const to of r.to) counts.set(to, (counts.get(to) ?? 0) + 1);
  return counts;
}

function expectEachOnce(server: ResendServer, n: number, prefix = 'reader') {
  const counts = deliveries(server);
  const expected = recipientList(n, prefix).map((r) => r.email);
  expect([...counts.keys()].sort()).toEqual([...expected].sort());
  expect([...counts.values()].every((c) => c === 1)).toBe(true);
}

describe('sendCampaign through Resend (local server)', () => {
  it('sends 1,000 recipients, each exactly once, and the journal says 1,000 sent', async () => {
    const base = await setup();
    const report = await sendCampaign(options(base));
    expect(report).toMatchObject({ sent: 1000, failedCount: 0, alreadySent: 0, attempts: 10, retries: 0, warnings: [] });
    expect(report.paused).toBeUndefined();
    expect(report.stopped).toBeUndefined();
    expectEachOnce(base.server, 1000);
    const summary = createJournal(base.store).summary(email.slug);
    expect(summary?.campaign.status).toBe('done');
    expect(summary?.recipients).toEqual({ queued: 0, sent: 1000, failed: 0, skipped: 0 });
    expect(summary?.batches).toEqual({ pending: 0, in_flight: 0, done: 10, failed: 0 });
    // Ten batches, ten distinct keys, all in permissive mode.
    const keys = base.server.requests.map((r) => r.idempotencyKey);
    expect(new Set(keys).size).toBe(10);
    expect(keys[0]).toMatch(/^2025-07-08-send-test-00001-[0-9a-f]{40}$/);
    expect(base.server.requests.every((r) => r.batchValidation === 'permissive')).toBe(true);
  });

  it('sends each recipient exactly once under 10% 500s, 5% dropped connections (before and after accepting) and 429 bursts', async () => {
    const base = await setup({ seed: 1, faults: { error500: 0.1, drop: 0.05, dropAfterAccept: 0.05, burst429: 0.05 } });
    // Batches of 20: fifty calls, enough for every kind of fault to come up.
    const report = await sendCampaign(options(base, { batchSize: 20 }));
    expect(report).toMatchObject({ sent: 1000, failedCount: 0 });
    expect(report.paused).toBeUndefined();
    expectEachOnce(base.server, 1000);
    const faults = new Set(base.server.requests.map((r) => r.fault).filter((f) => f !== undefined));
    // The seed makes every kind of fault happen in this run: the test proves what it claims.
    expect([...faults].sort()).toEqual(['burst429', 'drop', 'dropAfterAccept', 'error500']);
    expect(report.retries).toBe(base.server.requests.filter((r) => r.fault !== undefined).length);
    // Every dropAfterAccept was answered on retry from the stored key, not sent again.
    expect(base.server.requests.filter((r) => r.replayed).length).toBeGreaterThanOrEqual(base.server.requests.filter((r) => r.fault === 'dropAfterAccept').length);
    expect(createJournal(base.store).summary(email.slug)?.recipients.sent).toBe(1000);
  });

  it('keeps to 10 requests/s for 3 s against a server enforcing 10/s: not a single 429', async () => {
    // The server in its own process, as a provider is: in this one it would notice each
    // request only when the sender's own work let it, on a busy machine tens of ms late,
    // and one request noticed late beside one noticed at once is 11 in a second (it did
    // happen here, 1 run in 8 with the other test files running).
    const server = await forkResendServer({ ratePerSecond: 10 });
    try {
      const base = await setup();
      const transport = createResendTransport({ apiKey: KEY, baseUrl: server.url, timeoutMs: 5000 });
      const started = Date.now();
      const report = await sendCampaign(options({ ...base, transport }, { list: 3000, rate: 10 }));
      const elapsed = Date.now() - started;
      expect(report.sent).toBe(3000);
      const requests = await server.requests();
      expect(requests.filter((r) => r.status === 429)).toEqual([]);
      expect(requests).toHaveLength(30);
      expect((await server.stats()).validationErrors).toEqual([]);
      // 30 starts, 102.5 ms apart (10/s plus the 25 ms margin): about 3 s, and not much more.
      expect(elapsed).toBeGreaterThanOrEqual(2900);
      expect(elapsed).toBeLessThan(4500);
      const times = requests.map((r) => r.time);
      for (const t of times) expect(times.filter((x) => x > t - 1000 && x <= t).length).toBeLessThanOrEqual(10);
    } finally {
      await server.close();
    }
  });

  it('stops on a permanent error (bad API key) with its message, then a resume with the right key sends everyone once', async () => {
    const base = await setup();
    const bad = createResendTransport({ apiKey: 'not-a-resend-key', baseUrl: base.server.url, timeoutMs: 5000 });
    const report = await sendCampaign(options({ ...base, transport: bad }, { list: 300 }));
    expect(report.sent).toBe(0);
    expect(report.stopped).toMatch(/Resend rejected the API key \(401\) — check RESEND_API_KEY/);
    expect(report.failedCount).toBeGreaterThanOrEqual(100);
    expect(report.failed[0]?.reason).toBe(report.stopped);
    expect(report.retries).toBe(0);
    const journal = createJournal(base.store);
    expect(journal.campaign(email.slug)).toMatchObject({ status: 'stopped', statusReason: report.stopped });
    expect(base.server.received).toEqual([]);

    const resumed = await sendCampaign(options(base, { list: 300 }));
    expect(resumed).toMatchObject({ sent: 300, failedCount: 0, alreadySent: 0 });
    expectEachOnce(base.server, 300);
    expect(journal.summary(email.slug)?.recipients).toEqual({ queued: 0, sent: 300, failed: 0, skipped: 0 });
  });

  it('pauses after N failed attempts in a row, leaving the batch open; rerunning resends it with the same key', async () => {
    const base = await setup({ faults: { error500: 1 } });
    const report = await sendCampaign(options(base, { list: 250, maxConsecutiveFailures: 3, concurrency: 1 }));
    expect(report.paused).toMatch(/^3 failed attempts in a row; the last: Resend had a server error \(500/);
    expect(report.sent).toBe(0);
    expect(report).toMatchObject({ attempts: 3, retries: 2 });
    const journal = createJournal(base.store);
    expect(journal.campaign(email.slug)?.status).toBe('paused');
    const open = journal.openBatches(email.slug);
    expect(open.map((b) => ({ seq: b.seq, state: b.state, attempts: b.attempts }))).toEqual([{ seq: 1, state: 'in_flight', attempts: 3 }]);

    base.server.setFaults(undefined);
    const resumed = await sendCampaign(options(base, { list: 250, concurrency: 1 }));
    expect(resumed).toMatchObject({ sent: 250, resumedBatches: 1, failedCount: 0 });
    expectEachOnce(base.server, 250);
    const firstKey = base.server.requests[0]?.idempotencyKey;
    expect(base.server.requests.filter((r) => r.idempotencyKey === firstKey)).toHaveLength(4);
  });

  it('resends a batch that was in flight at a crash with the same key and payload: the provider answers from the key, nobody gets it twice', async () => {
    const base = await setup();
    let calls = 0;
    // Sends for real, then "crashes" on the second batch's answer: the batch reached the
    // provider but its outcome was never recorded.
    const crashing: Transport = {
      ...base.transport,
      async sendBatch(messages, opts) {
        const result = await base.transport.sendBatch(messages, opts);
        if (++calls === 2) throw new Error('simulated crash after the provider accepted the batch');
        return result;
      },
    };
    await expect(sendCampaign(options({ ...base, transport: crashing }, { list: 500, concurrency: 1 }))).rejects.toThrowError('simulated crash');
    const journal = createJournal(base.store);
    expect(journal.openBatches(email.slug).map((b) => b.seq)).toEqual([2]);
    expect(base.server.received).toHaveLength(200);

    const resumed = await sendCampaign(options(base, { list: 500, concurrency: 1 }));
    expect(resumed).toMatchObject({ sent: 400, alreadySent: 100, resumedBatches: 1 });
    expectEachOnce(base.server, 500);
    const replays = base.server.requests.filter((r) => r.replayed);
    expect(replays).toHaveLength(1);
    expect(replays[0]?.idempotencyKey).toBe(base.server.requests[1]?.idempotencyKey);
    expect(journal.summary(email.slug)?.recipients.sent).toBe(500);
  });

  it('refuses to resume an in-flight batch whose payload would differ (the secret changed), sending nothing', async () => {
    const base = await setup();
    const crashing: Transport = {
      ...base.transport,
      async sendBatch() {
        throw new Error('simulated crash before any answer');
      },
    };
    await expect(sendCampaign(options({ ...base, transport: crashing }, { list: 100 }))).rejects.toThrowError('simulated crash');
    const other = createPersonalizer(email, { ...identity, secret: 'a-different-secret-0123456789' });
    const error = await sendCampaign(options(base, { list: 100, personalize: other })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NewsletterError);
    expect((error as NewsletterError).code).toBe('resume-payload-changed');
    expect((error as Error).message).toMatch(/batch 1 \(100 recipients\) was in flight.*NEWSLETTER_SECRET/);
    expect(base.server.requests).toEqual([]);
  });

  it('refuses a transport that sends without taking its rate-limit slot', async () => {
    const base = await setup();
    const unpaced: Transport = {
      ...base.transport,
      sendBatch: (messages, opts) => base.transport.sendBatch(messages, { idempotencyKey: opts.idempotencyKey }),
    };
    await expect(sendCampaign(options({ ...base, transport: unpaced }, { list: 100 }))).rejects.toThrowError(
      'The resend transport sent batch 1 without taking a rate-limit slot (SendOptions.acquireSlot).',
    );
  });

  it('keeps a batch open (never re-keys it) when a permanent error follows an attempt whose outcome is unknown', async () => {
    const base = await setup();
    let calls = 0;
    const flaky: Transport = {
      ...base.transport,
      async sendBatch() {
        calls++;
        if (calls === 1) throw new TransportError('timed out', { retryable: true, code: 'timeout' });
        throw new TransportError('refused', { retryable: false, status: 422 });
      },
    };
    const report = await sendCampaign(options({ ...base, transport: flaky }, { list: 100 }));
    expect(report).toMatchObject({ stopped: 'refused', failedCount: 0, retries: 1 });
    const journal = createJournal(base.store);
    expect(journal.openBatches(email.slug)).toHaveLength(1);
    expect(journal.recipientState(email.slug, 'reader0@example.com')).toBe('queued');
  });

  it('records per-recipient refusals (permissive mode) with their reason, sends the rest, and retries only those on a rerun', async () => {
    const reject = (to: string) => (/^reader(7|42)@/.test(to) ? `Invalid \`to\` field: ${to} is on a block list.` : undefined);
    const base = await setup({ faults: { rejectAddress: reject } });
    const report = await sendCampaign(options(base, { list: 100 }));
    expect(report.sent).toBe(98);
    expect(report.failed).toEqual([
      { address: 'reader7@example.com', reason: 'Invalid `to` field: reader7@example.com is on a block list.' },
      { address: 'reader42@example.com', reason: 'Invalid `to` field: reader42@example.com is on a block list.' },
    ]);
    expect(createJournal(base.store).summary(email.slug)?.failures.map((f) => f.examples[0])).toEqual(['reader42@example.com', 'reader7@example.com']);

    const again = await sendCampaign(options(base, { list: 100 }));
    expect(again).toMatchObject({ sent: 0, alreadySent: 98, failedCount: 2 });
    expect(base.server.requests.at(-1)?.idempotencyKey).not.toBe(base.server.requests[0]?.idempotencyKey);
  });

  it('skips suppressed addresses, in any case, including one suppressed by another connection while the send runs', async () => {
    const base = await setup();
    suppress(base.store, { address: 'READER3@example.com', reason: 'unsubscribed', source: 'test', at: Date.now() });
    suppress(base.store, { address: 'reader10@example.com', reason: 'bounced', source: 'test', at: Date.now() });
    // The unsubscribe server: its own connection to the same file.
    const webhook = openStore(base.file);
    stores.push(webhook);
    let once = false;
    const report = await sendCampaign(
      options(base, {
        list: 600,
        concurrency: 1,
        onProgress() {
          if (once) return;
          once = true;
          suppress(webhook, { address: 'reader555@example.com', reason: 'complained', source: 'webhook', at: Date.now() });
        },
      }),
    );
    expect(report.skipped.suppressed).toBe(3);
    expect(report.sent).toBe(597);
    const got = deliveries(base.server);
    for (const skipped of ['reader3@example.com', 'reader10@example.com', 'reader555@example.com']) expect(got.has(skipped)).toBe(false);
    expect(createJournal(base.store).summary(email.slug)?.skipped.suppressed).toBe(3);
  });

  it('does everything but the transport in a dry run: no request, no journal entry', async () => {
    const base = await setup();
    suppress(base.store, { address: 'reader1@example.com', reason: 'manual', source: 'test', at: Date.now() });
    const report = await sendCampaign(options(base, { list: 250, dryRun: true, listReport: { invalidCount: 2, duplicates: 1 } }));
    expect(report).toMatchObject({ dryRun: true, sent: 249, skipped: { suppressed: 1, invalid: 2, duplicate: 1 } });
    expect(base.server.requests).toEqual([]);
    expect(createJournal(base.store).campaign(email.slug)).toBeUndefined();
  });

  it('stops on Ctrl-C after the batches in flight are recorded; rerunning finishes with nobody twice', async () => {
    const base = await setup({ ratePerSecond: 20 });
    const controller = new AbortController();
    const report = await sendCampaign(
      options(base, {
        list: 2000,
        rate: 20,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.sent >= 300) controller.abort();
        },
      }),
    );
    expect(report.interrupted).toBe(true);
    expect(report.stopped).toBe('interrupted (Ctrl-C)');
    expect(report.sent).toBeGreaterThanOrEqual(300);
    expect(report.sent).toBeLessThan(2000);
    const journal = createJournal(base.store);
    expect(journal.campaign(email.slug)?.status).toBe('interrupted');
    // Whatever came back was recorded: the journal's sent count is what the server got.
    expect(journal.summary(email.slug)?.recipients.sent).toBe(base.server.received.length);

    const resumed = await sendCampaign(options(base, { list: 2000, rate: 200 }));
    expect(resumed.sent + resumed.alreadySent).toBe(2000);
    expectEachOnce(base.server, 2000);
  });

  it("warns when resuming past Resend's 24 h idempotency window", async () => {
    const base = await setup();
    const crashing: Transport = { ...base.transport, sendBatch: () => Promise.reject(new Error('crash')) };
    await expect(sendCampaign(options({ ...base, transport: crashing }, { list: 10 }))).rejects.toThrowError('crash');
    const later: Clock = { ...systemClock, now: () => Date.now() + 25 * 3_600_000 };
    const report = await sendCampaign(options(base, { list: 10, clock: later }));
    expect(report.sent).toBe(10);
    expect(report.warnings).toEqual([expect.stringMatching(/^This campaign was first sent 25 h ago, past Resend's 24 h idempotency window/)]);
  });

  it('streams: reads the list only as fast as batches go out', async () => {
    const base = await setup();
    let read = 0;
    async function* counting() {
      for (const r of recipientList(5000)) {
        read++;
        yield r;
      }
    }
    let readAtFirstAnswer = -1;
    await sendCampaign(
      options(base, {
        recipients: counting(),
        concurrency: 2,
        onProgress: () => {
          if (readAtFirstAnswer < 0) readAtFirstAnswer = read;
        },
      }),
    );
    // Two batches in flight and one being built: a few hundred rows read, not 5,000.
    expect(readAtFirstAnswer).toBeGreaterThan(0);
    expect(readAtFirstAnswer).toBeLessThanOrEqual(400);
  });
});
