// `npm run bench -- report`: the campaign report on 1,000,000 recipients with 3,000,000
// webhook events in the store, and webhook ingestion into `serve`.
//
// 1. A journal with one campaign of 1,000,000 sent recipients, and 3,000,000 Resend
//    events (sent, delivered, delayed, opened, clicked on eight links, bounced hard and
//    soft, complained) recorded through recordResendEvent, the code `serve` runs for each
//    webhook (grouped in transactions of 20,000 here, to fill the store in minutes).
// 2. `newsletter report <campaign> --json` and `--out report.html`, the built CLI as a
//    user runs it: wall time and peak RSS (goal < 3 s, < 300 MB). Beside it, in one
//    process: campaignReport (the roll-ups) against the raw count of the events that
//    `status` makes (deliveryCounts), the cost the roll-ups avoid.
// 3. `newsletter serve` in its own process, 20,000 signed webhooks posted 32 at a time:
//    events/s and latency p50/p99 (goal ≥ 2,000/s, p99 < 50 ms), every one stored once,
//    a replay of 1,000 of them changing nothing; beside it, the same server's /healthz
//    rate (the HTTP ceiling without the store).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'svix';
import { campaignReport } from '../src/report/campaign-report.ts';
import { openStore } from '../src/store/open-store.ts';
import { deliveryCounts } from '../src/webhooks/delivery-counts.ts';
import { recordResendEvent } from '../src/webhooks/record-resend-event.ts';
import { runCli } from './_max-rss.ts';

const BIN = new URL('../bin/newsletter.js', import.meta.url).pathname;
const RECIPIENTS = Number(process.env.BENCH_REPORT_RECIPIENTS ?? 1_000_000);
const EVENTS = Number(process.env.BENCH_REPORT_EVENTS ?? 3 * RECIPIENTS);
const POSTS = Number(process.env.BENCH_REPORT_POSTS ?? 20_000);
const CAMPAIGN = '2025-07-08-ai-issues-2025-h1';
const T0 = Date.UTC(2025, 6, 8, 9, 0, 0);
const LINKS = Array.from({ length: 8 }, (_, i) => `https://may-i.io/blog/2025-h1-${i}?utm_source=newsletter&utm_medium=email&utm_campaign=${CAMPAIGN}`);
const WEBHOOK_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

const work = mkdtempSync(join(tmpdir(), 'bench-report-'));
const dbPath = join(work, 'newsletter.db');

/** A deterministic stream of numbers in [0, 1) (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function seed(): { seedMs: number; events: number } {
  const store = openStore(dbPath);
  const db = store.db;
  const at = new Date(T0).toISOString();
  db.prepare(`INSERT INTO campaigns (id, subject, transport, status, created_at, first_attempt_at, updated_at) VALUES (?, ?, 'resend', 'done', ?, ?, ?)`).run(CAMPAIGN, '(광고) 4가지로 정리하는 2025 상반기 AI 이슈', at, at, at);
  const insert = db.prepare(`INSERT INTO recipients (campaign, address, email, state, provider_id, updated_at) VALUES (?, ?, ?, 'sent', ?, ?)`);
  db.transaction(() => {
    for (let i = 0; i < RECIPIENTS; i++) insert.run(CAMPAIGN, `reader${i}@example.com`, `reader${i}@example.com`, `m${i}`, at);
  })();
  const rand = random(7);
  let n = 0;
  const started = performance.now();
  const tags = [{ name: 'campaign', value: CAMPAIGN }];
  const event = (type: string, i: number, ms: number, extra: Record<string, unknown> = {}) => {
    recordResendEvent(store, `ev_${n++}`, { type, created_at: new Date(T0 + ms).toISOString(), data: { email_id: `m${i}`, to: [`reader${i}@example.com`], tags, ...extra } }, T0 + ms);
  };
  const group = db.transaction((from: number, to: number) => {
    for (let i = from; i < to && n < EVENTS; i++) {
      event('email.sent', i, 1000 + (i % 3600) * 250);
      const r = rand();
      if (r < 0.02) {
        event('email.bounced', i, 5000 + (i % 3600) * 250, { bounce: { type: r < 0.015 ? 'Permanent' : 'Transient', subType: 'General', message: '550 5.1.1 user unknown' } });
        continue;
      }
      if (r < 0.05) event('email.delivery_delayed', i, 3000 + (i % 3600) * 250);
      event('email.delivered', i, 4000 + (i % 3600) * 250);
      if (r > 0.9995) event('email.complained', i, 7_200_000 + (i % 3600) * 250);
      // Opens: half the readers, some of them more than once; about 4 in 10 at once (a machine).
      const opens = r < 0.55 ? 0 : r < 0.85 ? 1 : 2;
      for (let k = 0; k < opens; k++) event('email.opened', i, (k === 0 && r < 0.7 ? 20_000 : 3_600_000 * (1 + (i % 40))) + k * 60_000);
      if (r > 0.85) event('email.clicked', i, 3_600_000 * (1 + (i % 40)) + 90_000, { click: { link: LINKS[i % LINKS.length] } });
    }
  });
  for (let from = 0; from < RECIPIENTS && n < EVENTS; from += 20_000) group(from, Math.min(RECIPIENTS, from + 20_000));
  // Events still owed once every reader has had theirs: later opens of the same readers.
  const more = db.transaction((count: number) => {
    for (let i = 0; i < count; i++) event('email.opened', i % RECIPIENTS, 3_600_000 * (2 + (i % 40)));
  });
  while (n < EVENTS) more(Math.min(20_000, EVENTS - n));
  const seedMs = performance.now() - started;
  db.pragma('wal_checkpoint(TRUNCATE)');
  store.close();
  return { seedMs, events: n };
}

const run = (args: string[]) => runCli(args, { cwd: work, env: { NEWSLETTER_DB: dbPath } });

function inProcess(): { reportMs: number; rawCountsMs: number } {
  const store = openStore(dbPath);
  try {
    let t = performance.now();
    campaignReport(store.db, CAMPAIGN, Date.now());
    const reportMs = performance.now() - t;
    t = performance.now();
    deliveryCounts(store.db, CAMPAIGN);
    const rawCountsMs = performance.now() - t;
    return { reportMs, rawCountsMs };
  } finally {
    store.close();
  }
}

/** Posts `bodies` 32 at a time; each request's latency, ms. */
async function post(url: string, requests: { body: string; headers: Record<string, string> }[]): Promise<{ ms: number; latencies: number[]; statuses: Map<number, number> }> {
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < requests.length) {
        const r = requests[next++]!;
        const s = performance.now();
        const res = await fetch(url, { method: r.body === '' ? 'GET' : 'POST', headers: r.headers, ...(r.body === '' ? {} : { body: r.body }) });
        await res.arrayBuffer();
        latencies.push(performance.now() - s);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }
    }),
  );
  return { ms: performance.now() - t, latencies, statuses };
}

const quantile = (xs: number[], q: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return Math.round((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0) * 10) / 10;
};

async function ingestion(): Promise<Record<string, unknown>> {
  const db = join(work, 'serve.db');
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--db', db, '--list', join(work, 'no-list.yaml')], {
    cwd: work,
    env: { PATH: process.env.PATH ?? '', RESEND_WEBHOOK_SECRET: WEBHOOK_SECRET },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let url: string | undefined;
  let buffered = '';
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`serve exited ${String(code)}`)));
    child.stdout.on('data', (c: Buffer) => {
      buffered += c.toString();
      const m = /"event":"listening","url":"([^"]+)"/.exec(buffered);
      if (m !== null && url === undefined) {
        url = m[1];
        resolve();
      }
      if (buffered.length > 1e6) buffered = buffered.slice(-1e5);
    });
  });
  try {
    const wh = new Webhook(WEBHOOK_SECRET);
    const now = new Date();
    const types = ['email.delivered', 'email.opened', 'email.clicked', 'email.opened'];
    const requests = Array.from({ length: POSTS }, (_, i) => {
      const type = types[i % types.length]!;
      const body = JSON.stringify({
        type,
        created_at: new Date(T0 + i * 50).toISOString(),
        data: { email_id: `m${Math.floor(i / 4)}`, to: [`reader${Math.floor(i / 4)}@example.com`], subject: '(광고) 2025 상반기 AI 이슈', tags: [{ name: 'campaign', value: CAMPAIGN }], ...(type === 'email.clicked' ? { click: { link: LINKS[i % 8], ipAddress: '203.0.113.1', timestamp: now.toISOString(), userAgent: 'Mozilla/5.0' } } : {}) },
      });
      const id = `msg_bench_${i}`;
      return { body, headers: { 'content-type': 'application/json', 'svix-id': id, 'svix-timestamp': String(Math.floor(now.getTime() / 1000)), 'svix-signature': wh.sign(id, now, body) } };
    });
    const health = await post(`${url}/healthz`, Array.from({ length: POSTS }, () => ({ body: '', headers: {} })));
    const run = await post(`${url}/webhooks/resend`, requests);
    const replay = await post(`${url}/webhooks/resend`, requests.slice(0, 1000));
    const check = openStore(db);
    const stored = check.db.prepare(`SELECT count(*) FROM webhook_events`).pluck().get() as number;
    const rolled = check.db.prepare(`SELECT sum(events) FROM report_hours`).pluck().get() as number;
    check.close();
    return {
      posts: POSTS,
      eventsPerSecond: Math.round(POSTS / (run.ms / 1000)),
      p50Ms: quantile(run.latencies, 0.5),
      p99Ms: quantile(run.latencies, 0.99),
      statuses: Object.fromEntries(run.statuses),
      stored,
      rolledUp: rolled,
      replayStatuses: Object.fromEntries(replay.statuses),
      healthzPerSecond: Math.round(POSTS / (health.ms / 1000)),
      ingestOverHealthz: Math.round((health.ms / run.ms) * 1000) / 1000,
    };
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
}

try {
  const seeded = seed();
  console.log(JSON.stringify({ bench: 'report-seed', recipients: RECIPIENTS, events: seeded.events, seedS: Math.round(seeded.seedMs / 100) / 10, recordedPerSecond: Math.round(seeded.events / (seeded.seedMs / 1000)) }));
  // The first run opens a cold file; the figures are the second's (both printed).
  const cold = await run(['report', CAMPAIGN, '--json']);
  const json = await run(['report', CAMPAIGN, '--json']);
  const html = await run(['report', CAMPAIGN, '--out', join(work, 'report.html')]);
  const report = JSON.parse(json.stdout) as { sent: number; delivered: number; opened: { unique: number; total: number }; clicked: { unique: number }; links: unknown[] };
  const side = inProcess();
  console.log(
    JSON.stringify({
      bench: 'report',
      recipients: RECIPIENTS,
      events: seeded.events,
      coldJsonMs: Math.round(cold.wallMs),
      jsonMs: Math.round(json.wallMs),
      jsonMaxRssMb: json.maxRssMb,
      htmlMs: Math.round(html.wallMs),
      htmlMaxRssMb: html.maxRssMb,
      goal: 'report < 3000 ms, < 300 MB',
      inProcessReportMs: Math.round(side.reportMs),
      rawEventCountsMs: Math.round(side.rawCountsMs),
      rawCountsOverReport: Math.round((side.rawCountsMs / side.reportMs) * 100) / 100,
      counts: { sent: report.sent, delivered: report.delivered, opened: report.opened, clicked: report.clicked.unique, links: report.links.length },
    }),
  );
  console.log(JSON.stringify({ bench: 'report-ingestion', goal: '≥ 2000 events/s, p99 < 50 ms, none lost', ...(await ingestion()) }));
} finally {
  rmSync(work, { recursive: true, force: true });
}
