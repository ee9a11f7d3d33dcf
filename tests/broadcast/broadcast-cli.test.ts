import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stepJournal } from '../../src/broadcast/broadcast-steps.ts';
import { openStore } from '../../src/store/open-store.ts';
import { suppress } from '../../src/store/suppressions.ts';
import { startResendServer, type ResendServer } from '../support/resend-server.ts';
import { cli, EDITION, env, expectedMessages, SLUG, tempRoot, workspace } from './broadcast-harness.ts';

let server: ResendServer;
let root: string;

beforeAll(async () => {
  server = await startResendServer({ ratePerSecond: 50 });
  root = tempRoot();
});
afterAll(async () => {
  expect(server.validationErrors).toEqual([]);
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

const SLOW = 180_000;

const HOSTILE = [
  'evil0@example.com,"<script>alert(1)</script>",ACME & <b>Co</b>',
  'evil1@example.com,"""quoted"" & \'apos\'",x',
  'evil2@example.com,"line\r\nBcc: victim@example.com",y',
  'noname@example.com,,',
];

describe('send --transport broadcast', () => {
  it('hands 2,000 subscribers to Resend once: each gets exactly the email the batch sender would send, suppressed ones none', { timeout: SLOW }, async () => {
    const rows = [...HOSTILE, ...Array.from({ length: 1996 }, (_, i) => `b${i}@example.com,독자 ${i},회사 ${i % 7}`)];
    const w = workspace(root, 'whole', rows);
    const store = openStore(w.db);
    for (const address of ['b3@example.com', 'b500@example.com']) suppress(store, { address, reason: 'unsubscribed', source: 'test', at: Date.now() });
    store.close();
    const delivered = server.audience.delivered.length;

    // Small files, so the list goes up as several imports.
    const run = await cli(['send', EDITION, '--to', w.list, '--transport', 'broadcast', '--yes', '--json'], { cwd: w.dir, env: env(server, w.db, { NEWSLETTER_BROADCAST_PART_BYTES: '250000' }) });
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(run.code, run.stderr).toBe(0);
    const outcome = JSON.parse(run.stdout) as { kind: string; plan: { contacts: number; suppressed: number; parts: number }; result: { broadcastId: string; imports: unknown[] } };
    expect(outcome.kind).toBe('sent');
    expect(outcome.plan).toMatchObject({ contacts: 1998, suppressed: 2 });
    expect(outcome.plan.parts).toBeGreaterThan(1);
    expect(outcome.result.imports).toHaveLength(outcome.plan.parts);

    const mine = server.audience.delivered.slice(delivered);
    expect(mine).toHaveLength(1998);
    expect(new Set(mine.map((m) => m.to)).size).toBe(1998);
    expect(mine.some((m) => m.to === 'b3@example.com' || m.to === 'b500@example.com')).toBe(false);
    expect(server.audience.sendCalls.get(outcome.result.broadcastId)).toBe(1);

    const expected = await expectedMessages(w.list);
    for (const m of mine) {
      expect(`${m.subject}${m.html}${m.text}`, m.to).not.toMatch(/\{\{\{|\}\}\}/);
      const want = expected.get(m.to);
      expect(want, m.to).toBeDefined();
      // Byte for byte what the batch sender makes: names, greeting, escaping, unsubscribe link.
      expect(m.html, m.to).toBe(want?.html);
      expect(m.text, m.to).toBe(want?.text);
      expect(m.subject, m.to).toBe(want?.subject);
    }
    const evil = mine.find((m) => m.to === 'evil0@example.com');
    expect(evil?.html).not.toContain('<script>');
    expect(evil?.html).toContain('&lt;script&gt;');
    expect(evil?.text).toContain('<script>alert(1)</script>');
    const crlf = mine.find((m) => m.to === 'evil2@example.com');
    expect(`${crlf?.subject}${crlf?.html}${crlf?.text}`).not.toMatch(/\r|line\nBcc/);
    // Our own signed one-click link in the body, Resend's hosted one in the headers.
    expect(evil?.html).toMatch(/https:\/\/news\.example\.com\/u\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/);
    expect(evil?.headers['List-Unsubscribe']).toMatch(/^<http:\/\/127\.0\.0\.1:\d+\/unsubscribe\/.+>$/);
    expect(evil?.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');

    // The contact files held the list: gone once it was handed off.
    expect(existsSync(join(w.dir, 'broadcast', SLUG))).toBe(false);

    // A rerun sends nothing and creates nothing.
    const broadcasts = server.audience.broadcasts.size;
    const again = await cli(['send', EDITION, '--to', w.list, '--transport', 'broadcast', '--yes'], { cwd: w.dir, env: env(server, w.db) });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('Nothing to do');
    expect(server.audience.broadcasts.size).toBe(broadcasts);
    expect(server.audience.delivered.length - delivered).toBe(1998);

    // status: the broadcast's state and counts, from Resend.
    const status = await cli(['status', SLUG, '--json'], { cwd: w.dir, env: env(server, w.db) });
    expect(status.code, status.stderr).toBe(0);
    const shown = JSON.parse(status.stdout) as { broadcast?: { status: string; counts: Record<string, number> } };
    expect(shown.broadcast?.status).toBe('sent');
    expect(shown.broadcast?.counts).toMatchObject({ sent: 1998, delivered: 1998 });
  });

  it('names the rows Resend refuses in an import by file line, sends nothing, and goes on after the fix', { timeout: SLOW }, async () => {
    const rows = Array.from({ length: 50 }, (_, i) => `r${i}@example.com,독자 ${i},x`);
    const w = workspace(root, 'refused', rows);
    server.setFaults({ rejectAddress: (to) => (to === 'r7@example.com' || to === 'r30@example.com' ? 'refused' : undefined) });
    const before = server.audience.delivered.length;
    try {
      const run = await cli(['send', EDITION, '--to', w.list, '--transport', 'broadcast', '--yes'], { cwd: w.dir, env: env(server, w.db) });
      expect(run.code).toBe(1);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(run.stderr).toMatch(/line 9: r\*\*\*@example\.com/);
      expect(run.stderr).toMatch(/line 32: r\*\*\*@example\.com/);
      expect(server.audience.delivered.length).toBe(before);
    } finally {
      server.setFaults(undefined);
    }
    const retry = await cli(['send', EDITION, '--to', w.list, '--transport', 'broadcast', '--yes'], { cwd: w.dir, env: env(server, w.db) });
    expect(retry.code, retry.stderr).toBe(0);
    expect(server.audience.delivered.length - before).toBe(50);
    const store = openStore(w.db);
    expect(stepJournal(store, `${SLUG}@broadcast`).get('send')?.state).toBe('done');
    store.close();
  });

  it('backs off a 429 on any step and still makes one broadcast, sent once', { timeout: SLOW }, async () => {
    const rows = Array.from({ length: 300 }, (_, i) => `t${i}@example.com,독자 ${i},x`);
    const w = workspace(root, 'throttled', rows);
    const before = server.audience.delivered.length;
    const broadcasts = server.audience.broadcasts.size;
    const requests = server.requests.length;
    server.setFaults({ burst429: 0.3 });
    let run;
    try {
      run = await cli(['send', EDITION, '--to', w.list, '--transport', 'broadcast', '--yes'], { cwd: w.dir, env: env(server, w.db, { NEWSLETTER_BROADCAST_PART_BYTES: '20000' }) });
    } finally {
      server.setFaults(undefined);
    }
    expect(run.code, run.stderr).toBe(0);
    const mine = server.requests.slice(requests);
    expect(mine.filter((r) => r.fault === 'burst429').length).toBeGreaterThan(0);
    expect(server.audience.broadcasts.size - broadcasts).toBe(1);
    expect(server.audience.delivered.length - before).toBe(300);
  });

  it('cancels a scheduled broadcast', { timeout: SLOW }, async () => {
    const w = workspace(root, 'scheduled', ['s0@example.com,독자,x', 's1@example.com,독자,x']);
    const at = new Date(Date.now() + 86_400_000).toISOString();
    const run = await cli(['send', EDITION, '--to', w.list, '--transport', 'broadcast', '--yes', '--schedule', at, '--json'], { cwd: w.dir, env: env(server, w.db) });
    expect(run.code, run.stderr).toBe(0);
    const { result } = JSON.parse(run.stdout) as { result: { broadcastId: string; status: string } };
    expect(result.status).toBe('scheduled');
    const cancel = await cli(['send', EDITION, '--transport', 'broadcast', '--cancel'], { cwd: w.dir, env: env(server, w.db) });
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(server.audience.broadcasts.get(result.broadcastId)?.status).toBe('canceled');
    const twice = await cli(['send', EDITION, '--transport', 'broadcast', '--cancel'], { cwd: w.dir, env: env(server, w.db) });
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('nothing left to cancel');
  });
});
