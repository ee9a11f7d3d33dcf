import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { campaignReport } from '../../src/report/campaign-report.ts';
import { openStore, type Store } from '../../src/store/open-store.ts';
import { recordResendEvent } from '../../src/webhooks/record-resend-event.ts';

let dir: string;
let store: Store | undefined;
afterEach(() => {
  store?.close();
  store = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const CAMPAIGN = 'old-edition';
const T0 = Date.UTC(2025, 6, 8, 9);

test('a store written before the roll-ups existed gets them from its stored events, and new events add to them', () => {
  dir = mkdtempSync(join(tmpdir(), 'report-backfill-'));
  store = openStore(join(dir, 'newsletter.db'));
  // The webhook table as an earlier version made it: no link column, no roll-ups.
  store.db.exec(`CREATE TABLE webhook_events (svix_id TEXT PRIMARY KEY, type TEXT NOT NULL, campaign TEXT, email_id TEXT, event_at TEXT, received_at TEXT NOT NULL) STRICT`);
  const old = store.db.prepare(`INSERT INTO webhook_events VALUES (?, ?, ?, ?, ?, ?)`);
  const iso = (ms: number) => new Date(T0 + ms).toISOString();
  old.run('a', 'email.delivered', CAMPAIGN, 'm1', iso(1000), iso(1000));
  old.run('b', 'email.opened', CAMPAIGN, 'm1', iso(30_000), iso(30_000));
  old.run('c', 'email.opened', CAMPAIGN, 'm1', iso(3_700_000), iso(3_700_000));
  old.run('d', 'email.delivered', CAMPAIGN, 'm2', iso(2000), iso(2000));
  old.run('e', 'email.bounced', CAMPAIGN, 'm3', iso(3000), iso(3000));
  old.run('f', 'email.delivered', 'other', 'x1', iso(1000), iso(1000));
  old.run('g', 'contact.updated', null, null, iso(1000), iso(1000));

  const before = campaignReport(store.db, CAMPAIGN, T0 + 86_400_000);
  expect([before.delivered, before.opened.unique, before.opened.total, before.opened.within60s, before.bounced.hard]).toEqual([2, 1, 2, 1, 1]);
  expect(before.timeline.map((h) => [h.hour, h.delivered, h.opened, h.bounced])).toEqual([
    [0, 2, 1, 1],
    [1, 0, 1, 0],
  ]);
  expect(campaignReport(store.db, 'other', T0).delivered).toBe(1);

  // A click after the upgrade: its link is stored and counted beside the backfilled figures.
  recordResendEvent(store, 'h', { type: 'email.clicked', created_at: iso(3_800_000), data: { email_id: 'm2', tags: [{ name: 'campaign', value: CAMPAIGN }], click: { link: 'https://may-i.io/' } } }, T0);
  const after = campaignReport(store.db, CAMPAIGN, T0 + 86_400_000);
  expect([after.delivered, after.clicked.unique, after.links]).toEqual([2, 1, [{ url: 'https://may-i.io/', clicks: 1, uniqueClicks: 1 }]]);
});
