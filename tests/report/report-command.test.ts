import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Webhook } from 'svix';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createPersonalizer } from '../../src/send/personalize.ts';
import { sendCampaign } from '../../src/send/send-campaign.ts';
import { createResendTransport } from '../../src/transport/resend.ts';
import { email, identity, recipientList, stream } from '../fixtures/send/campaign.ts';
import { NOW, oneClick, SECRET, startTestServer, WEBHOOK_SECRET, type TestServer } from '../server/harness.ts';
import { forkResendServer, type ForkedResendServer } from '../support/fork-resend-server.ts';

const run = promisify(execFile);
const BIN = new URL('../../bin/newsletter.js', import.meta.url).pathname;
const CAMPAIGN = email.slug;
const SECOND = 1000;
const HOUR = 3600 * SECOND;
// The send starts on the hour (the journal's clock is fixed at NOW), so each event's hour
// of the timeline is known.
const T0 = NOW;

let server: TestServer;
let resend: ForkedResendServer;
/** Resend's id of each recipient's message, reader0 … reader5. */
let ids: string[];
let unsubscribeUrls: string[];

/** POSTs a Resend event, signed with Svix's own code, to `serve`; `id` is the svix-id. */
async function deliver(id: string, type: string, i: number, at: number, extra: Record<string, unknown> = {}) {
  const body = JSON.stringify({
    type,
    created_at: new Date(at).toISOString(),
    data: { email_id: ids[i], to: [`reader${i}@example.com`], subject: email.subject, tags: [{ name: 'campaign', value: CAMPAIGN }], ...extra },
  });
  const res = await fetch(`${server.url}/webhooks/resend`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'svix-id': id, 'svix-timestamp': String(NOW / 1000), 'svix-signature': new Webhook(WEBHOOK_SECRET).sign(id, new Date(NOW), body) },
    body,
  });
  expect(res.status).toBe(200);
}

const click = (link: string) => ({ click: { link, ipAddress: '203.0.113.9', timestamp: '2025-07-08T09:00:00.000Z', userAgent: 'Mozilla/5.0' } });
const LINK_A = 'https://may-i.io/blog/ai-2025?utm_source=newsletter&utm_medium=email&utm_campaign=2025-07-08-send-test';
const LINK_B = 'https://example.org/report.pdf';

async function report(...args: string[]): Promise<{ stdout: string }> {
  return run(process.execPath, [BIN, 'report', CAMPAIGN, ...args], { env: { ...process.env, NEWSLETTER_DB: server.dbPath, DEBUG: '' }, cwd: server.dir });
}

beforeAll(async () => {
  server = await startTestServer();
  resend = await forkResendServer({ ratePerSecond: 10 });
  const personalize = createPersonalizer(email, { ...identity, secret: SECRET, publicUrl: server.url });
  const sent = await sendCampaign({
    email,
    recipients: stream(recipientList(6)),
    personalize,
    transport: createResendTransport({ apiKey: 're_report', baseUrl: resend.url, timeoutMs: 10_000 }),
    store: server.store,
    // The journal's times at T0; the pacing sleeps are real (one batch needs none).
    clock: { now: () => T0, sleep: (ms, signal) => new Promise((resolve) => { const t = setTimeout(resolve, ms); signal?.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true }); }) },
    rate: 10,
  });
  expect(sent.sent).toBe(6);
  const rows = server.store.db.prepare(`SELECT address, provider_id FROM recipients WHERE campaign = ? ORDER BY address`).all(CAMPAIGN) as { address: string; provider_id: string }[];
  ids = Array.from({ length: 6 }, (_, i) => rows.find((r) => r.address === `reader${i}@example.com`)!.provider_id);
  expect(new Set(ids).size).toBe(6);
  // reader5's own unsubscribe link, as its message's List-Unsubscribe header has it.
  const header = personalize({ email: 'reader5@example.com', fields: {} }).headers?.['List-Unsubscribe'] ?? '';
  unsubscribeUrls = [/^<([^>]+)>/.exec(header)![1]!];

  // reader0: delivered, opened 10 s later (a machine's open) and again after 2 h, clicked A twice and B once.
  await deliver('ev01', 'email.delivered', 0, T0 + 5 * SECOND);
  await deliver('ev02', 'email.opened', 0, T0 + 15 * SECOND);
  await deliver('ev03', 'email.opened', 0, T0 + 2 * HOUR);
  await deliver('ev04', 'email.clicked', 0, T0 + 2 * HOUR + SECOND, click(LINK_A));
  await deliver('ev05', 'email.clicked', 0, T0 + 2 * HOUR + 2 * SECOND, click(LINK_A));
  await deliver('ev06', 'email.clicked', 0, T0 + 2 * HOUR + 3 * SECOND, click(LINK_B));
  // reader1: out of order — the open and the click arrive before the delivery.
  await deliver('ev07', 'email.opened', 1, T0 + HOUR + 30 * SECOND);
  await deliver('ev08', 'email.clicked', 1, T0 + HOUR + 40 * SECOND, click(LINK_A));
  await deliver('ev09', 'email.delivered', 1, T0 + 6 * SECOND);
  // A replay of reader0's first click (Resend retries with the same svix-id): counted once.
  await deliver('ev04', 'email.clicked', 0, T0 + 2 * HOUR + SECOND, click(LINK_A));
  // reader2: a hard bounce; reader3: a soft one.
  await deliver('ev10', 'email.bounced', 2, T0 + 7 * SECOND, { bounce: { type: 'Permanent', subType: 'NoEmail', message: 'no such user', diagnosticCode: ['smtp; 550 5.1.1 user unknown'] } });
  await deliver('ev11', 'email.bounced', 3, T0 + 8 * SECOND, { bounce: { type: 'Transient', subType: 'MailboxFull', message: 'mailbox full', diagnosticCode: [] } });
  // reader4: delivered, then "this is spam".
  await deliver('ev12', 'email.delivered', 4, T0 + 9 * SECOND);
  await deliver('ev13', 'email.complained', 4, T0 + HOUR + 5 * SECOND);
  // reader5: delivered, clicks its own unsubscribe link (tracked by Resend) and leaves by one-click.
  await deliver('ev14', 'email.delivered', 5, T0 + 10 * SECOND);
  await deliver('ev15', 'email.clicked', 5, T0 + 20 * SECOND, click(unsubscribeUrls[0]!));
  expect((await oneClick(unsubscribeUrls[0]!)).status).toBe(200);
}, 60_000);

afterAll(async () => {
  await resend?.close();
  await server?.close();
});

describe('newsletter report after signed webhook sequences', () => {
  test('--json counts each recipient once per kind, every event in totals, replays once, out-of-order events in place', async () => {
    const { stdout } = await report('--json');
    const r = JSON.parse(stdout);
    expect(r.campaign).toBe(CAMPAIGN);
    expect(r.sentAt).toBe(new Date(T0).toISOString());
    expect([r.sent, r.delivered, r.complained, r.unsubscribed]).toEqual([6, 4, 1, 1]);
    expect(r.bounced).toEqual({ total: 2, hard: 1, soft: 1, undetermined: 0 });
    // Two opened (reader0 twice, reader1 once); reader0's first open came 10 s after delivery.
    expect(r.opened).toEqual({ unique: 2, total: 3, upperBound: true, within60s: 1 });
    // Clicks: reader0 ×3, reader1 ×1, reader5 ×1 (its unsubscribe link).
    expect(r.clicked).toEqual({ unique: 3, total: 5 });
    expect(r.rates).toEqual({ delivered: 0.6667, bounced: 0.3333, opened: 0.5, clicked: 0.75, clickToOpen: 1.5, complained: 0.25, unsubscribed: 0.25 });
    const unsubscribeLink = `${server.url}/u/…`;
    expect(r.links).toEqual([
      { url: LINK_A, clicks: 3, uniqueClicks: 2 },
      { url: LINK_B, clicks: 1, uniqueClicks: 1 },
      { url: unsubscribeLink, clicks: 1, uniqueClicks: 1 },
    ].sort((a, b) => b.uniqueClicks - a.uniqueClicks || b.clicks - a.clicks || a.url.localeCompare(b.url)));
    // Hours 0, 1 and 2 since the send.
    expect(r.timeline.map((h: Record<string, number>) => [h.hour, h.delivered, h.opened, h.clicked, h.bounced, h.complained])).toEqual([
      [0, 4, 1, 1, 2, 0],
      [1, 0, 1, 1, 0, 1],
      [2, 0, 1, 3, 0, 0],
    ]);
    expect(r.bounces).toEqual([
      { to: 'r***@example.com', kind: 'hard', at: new Date(T0 + 7 * SECOND).toISOString(), detail: 'NoEmail: no such user' },
      { to: 'r***@example.com', kind: 'soft', at: new Date(T0 + 8 * SECOND).toISOString(), detail: 'MailboxFull: mailbox full' },
    ]);
    expect(r.complaints).toEqual([{ to: 'r***@example.com', at: new Date(T0 + HOUR + 5 * SECOND).toISOString() }]);
    // Nothing in it names a reader in full, nor carries an unsubscribe token.
    expect(stdout).not.toMatch(/reader\d@/);
    expect(stdout).not.toContain(unsubscribeUrls[0]!.split('/u/')[1]!);
  });

  test('the hard bounce is suppressed, the soft one is not', () => {
    const suppressed = server.store.db.prepare(`SELECT address, reason FROM suppressions ORDER BY address`).all();
    expect(suppressed).toEqual([
      { address: 'reader2@example.com', reason: 'bounced' },
      { address: 'reader4@example.com', reason: 'complained' },
      { address: 'reader5@example.com', reason: 'unsubscribed' },
    ]);
  });

  test('prints the figures, and --out writes one page with inline SVG charts and no full address', async () => {
    const { stdout } = await report('--out', 'out/report.html');
    expect(stdout).toMatch(/delivered\s+4\s+66\.7% of sent/);
    expect(stdout).toMatch(/opened\*\s+2\s+50\.0% of delivered · 3 opens · 50\.0% within 60 s/);
    expect(stdout).toContain('Wrote out/report.html');
    const html = readFileSync(join(server.dir, 'out/report.html'), 'utf8');
    expect(html.match(/<svg /g)?.length).toBe(12); // three charts, each light/dark × phone/desktop
    expect(html).not.toMatch(/<script|<link |https?:\/\/[^"]*\.(css|js)\b/);
    expect(html).not.toMatch(/reader\d@/);
    expect(html).toContain('r***@example.com');
  });

  test('an unknown campaign is one line naming the known ones, exit 1', async () => {
    const failed = await run(process.execPath, [BIN, 'report', 'no-such-edition'], { env: { ...process.env, NEWSLETTER_DB: server.dbPath } }).catch((e: { code: number; stderr: string }) => e);
    expect('code' in failed && failed.code).toBe(1);
    expect((failed as { stderr: string }).stderr.trim()).toBe(`${server.dbPath}: no campaign \`no-such-edition\` in the journal — known campaigns: ${CAMPAIGN}.`);
  });
});
