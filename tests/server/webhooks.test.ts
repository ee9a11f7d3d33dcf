import { Webhook } from 'svix';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { listSuppressions, removeSuppression } from '../../src/store/suppressions.ts';
import { deliveryCounts } from '../../src/webhooks/delivery-counts.ts';
import { NOW, startTestServer, WEBHOOK_SECRET, type TestServer } from './harness.ts';

const CAMPAIGN = '2025-07-08-ai-issues';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
});

/** A Resend email event as Resend sends it (tags as the docs show them: name/value pairs). */
function event(type: string, emailId: string, to = 'reader@example.com', extra: Record<string, unknown> = {}) {
  return {
    type,
    created_at: '2025-07-08T08:59:58.000Z',
    data: {
      created_at: '2025-07-08T08:50:00.000Z',
      email_id: emailId,
      from: '메이아이 <newsletter@may-i.io>',
      to: [to],
      subject: '(광고) 4가지로 정리하는 2025 상반기 AI 이슈',
      tags: [{ name: 'campaign', value: CAMPAIGN }],
      ...extra,
    },
  };
}

/** POSTs `payload` signed with Svix's own code; `at` is the signing time, `secret` the key. */
async function deliver(payload: unknown, options: { id?: string; at?: number; secret?: string; tamper?: (body: string) => string } = {}) {
  const body = JSON.stringify(payload);
  const id = options.id ?? `msg_${Math.random().toString(36).slice(2)}`;
  const at = options.at ?? NOW;
  const signature = new Webhook(options.secret ?? WEBHOOK_SECRET).sign(id, new Date(at), body);
  return fetch(`${server.url}/webhooks/resend`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'svix-id': id, 'svix-timestamp': String(Math.floor(at / 1000)), 'svix-signature': signature },
    body: options.tamper ? options.tamper(body) : body,
  });
}

describe('POST /webhooks/resend with a valid signature', () => {
  test('email.bounced suppresses the address, with the campaign from the tag', async () => {
    const res = await deliver(event('email.bounced', 'e1', 'Gone@Example.com', { bounce: { type: 'Permanent', subType: 'General', message: 'no such user' } }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, duplicate: false });
    expect(listSuppressions(server.store)).toEqual([
      { address: 'gone@example.com', reason: 'bounced', campaign: CAMPAIGN, source: 'resend-webhook', createdAt: new Date(NOW).toISOString() },
    ]);
    const log = server.logs.find((l) => l.event === 'webhook');
    expect(log?.['suppressed']).toEqual(['g***@example.com']);
    expect(JSON.stringify(server.logs)).not.toContain('gone@');
  });

  test('email.complained suppresses the address as a complaint', async () => {
    expect((await deliver(event('email.complained', 'e2', 'angry@example.com'))).status).toBe(200);
    expect(listSuppressions(server.store).map((s) => [s.address, s.reason])).toEqual([['angry@example.com', 'complained']]);
  });

  test('delivery events are counted per campaign for `newsletter status`, and suppress nobody', async () => {
    await deliver(event('email.sent', 'e1'));
    await deliver(event('email.sent', 'e2'));
    await deliver(event('email.delivered', 'e1'));
    await deliver(event('email.delivered', 'e2'));
    await deliver(event('email.opened', 'e1'));
    await deliver(event('email.opened', 'e1')); // the same reader opening again
    await deliver(event('email.clicked', 'e2'));
    // Tags as a plain object, as some payloads carry them.
    await deliver({ ...event('email.delivery_delayed', 'e3'), data: { ...event('x', 'e3').data, tags: { campaign: CAMPAIGN } } });
    // Another campaign's event, and one without a campaign tag: not counted here.
    await deliver({ ...event('email.delivered', 'e9'), data: { ...event('x', 'e9').data, tags: [{ name: 'campaign', value: 'other' }] } });
    await deliver({ ...event('email.delivered', 'e8'), data: { ...event('x', 'e8').data, tags: undefined } });

    const counts = deliveryCounts(server.store.db, CAMPAIGN);
    expect(counts.sent).toEqual({ messages: 2, events: 2 });
    expect(counts.delivered).toEqual({ messages: 2, events: 2 });
    expect(counts.opened).toEqual({ messages: 1, events: 2 });
    expect(counts.clicked).toEqual({ messages: 1, events: 1 });
    expect(counts.delivery_delayed).toEqual({ messages: 1, events: 1 });
    expect(counts.bounced).toEqual({ messages: 0, events: 0 });
    expect(deliveryCounts(server.store.db, 'other').delivered).toEqual({ messages: 1, events: 1 });
    expect(listSuppressions(server.store)).toEqual([]);
  });

  test('an unknown event type is accepted (so Resend does not retry it) and changes nothing', async () => {
    const res = await deliver({ type: 'contact.created', created_at: '2025-07-08T09:00:00Z', data: { id: 'c1', email: 'new@example.com' } });
    expect(res.status).toBe(200);
    expect(listSuppressions(server.store)).toEqual([]);
  });

  test('a replayed svix-id changes nothing, even after the suppression was lifted by hand', async () => {
    const bounce = event('email.bounced', 'e1', 'gone@example.com');
    expect(await (await deliver(bounce, { id: 'msg_replay' })).json()).toEqual({ ok: true, duplicate: false });
    expect(removeSuppression(server.store, 'gone@example.com')).toBe(true);

    const replay = await deliver(bounce, { id: 'msg_replay' });
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual({ ok: true, duplicate: true });
    expect(listSuppressions(server.store)).toEqual([]);
    expect(deliveryCounts(server.store.db, CAMPAIGN).bounced).toEqual({ messages: 1, events: 1 });
  });

  test('300 events at once, a third of them replays, are stored once each, every one answered after its commit', async () => {
    const posts = Array.from({ length: 300 }, (_, i) => {
      const n = i % 200; // 200 distinct svix-ids; the last 100 posts repeat the first 100
      return deliver(event(n % 2 === 0 ? 'email.delivered' : 'email.opened', `e${n}`), { id: `msg_burst_${n}` });
    });
    const answers = await Promise.all(posts.map(async (p) => ((await p).status === 200 ? ((await (await p).json()) as { duplicate: boolean }) : undefined)));
    expect(answers.filter((a) => a === undefined)).toEqual([]);
    expect(answers.filter((a) => a?.duplicate === false)).toHaveLength(200);
    // Each answer came after its commit: by now every new one is in the store.
    expect(server.store.db.prepare(`SELECT count(*) FROM webhook_events WHERE svix_id LIKE 'msg_burst_%'`).pluck().get()).toBe(200);
    expect(deliveryCounts(server.store.db, CAMPAIGN).delivered).toEqual({ messages: 100, events: 100 });
    expect(server.store.db.prepare(`SELECT count(first_open_at), sum(opens) FROM report_messages WHERE campaign = ?`).raw().get(CAMPAIGN)).toEqual([100, 100]);
  });

  test('a timestamp four minutes old is still inside the tolerance', async () => {
    expect((await deliver(event('email.delivered', 'e1'), { at: NOW - 4 * 60 * 1000 })).status).toBe(200);
    expect(deliveryCounts(server.store.db, CAMPAIGN).delivered.messages).toBe(1);
  });
});

describe('POST /webhooks/resend refuses', () => {
  const bounce = () => event('email.bounced', 'e1', 'victim@example.com');
  const nothingRecorded = () => {
    expect(listSuppressions(server.store)).toEqual([]);
    expect(deliveryCounts(server.store.db, CAMPAIGN).bounced.events).toBe(0);
  };

  test('a signature made with another secret → 401', async () => {
    const res = await deliver(bounce(), { secret: 'whsec_dGhlIG9sZCBzZWNyZXQsIDI0IGJ5dGVzIQ==' });
    expect(res.status).toBe(401);
    nothingRecorded();
    expect(server.logs.find((l) => l.event === 'webhook-rejected')?.['reason']).toBe('no-matching-signature');
  });

  test('a body changed after signing → 401', async () => {
    const res = await deliver(event('email.delivered', 'e1', 'victim@example.com'), { tamper: (b) => b.replace('email.delivered', 'email.bounced') });
    expect(res.status).toBe(401);
    nothingRecorded();
  });

  test('a stale timestamp (6 minutes) and one from the future → 401', async () => {
    expect((await deliver(bounce(), { at: NOW - 6 * 60 * 1000 })).status).toBe(401);
    expect((await deliver(bounce(), { at: NOW + 6 * 60 * 1000 })).status).toBe(401);
    nothingRecorded();
    expect(server.logs.filter((l) => l.event === 'webhook-rejected').map((l) => l['reason'])).toEqual(['too-old', 'too-new']);
  });

  test('no signature headers → 401', async () => {
    const res = await fetch(`${server.url}/webhooks/resend`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(bounce()) });
    expect(res.status).toBe(401);
    nothingRecorded();
  });

  test('a signed body that is not a Resend event → 400', async () => {
    expect((await deliver({ hello: 'world' })).status).toBe(400);
    expect((await deliver('just a string')).status).toBe(400);
  });

  test('a body past the limit → 413, before any signature work', async () => {
    const res = await deliver(event('email.delivered', 'e1', 'a@example.com', { padding: 'x'.repeat(300 * 1024) }));
    expect(res.status).toBe(413);
  });

  test('without RESEND_WEBHOOK_SECRET the endpoint answers 503', async () => {
    const bare = await startTestServer({ webhookSecret: undefined });
    try {
      const res = await fetch(`${bare.url}/webhooks/resend`, { method: 'POST', body: '{}' });
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ error: 'webhooks are not configured: set RESEND_WEBHOOK_SECRET' });
    } finally {
      await bare.close();
    }
  });
});
