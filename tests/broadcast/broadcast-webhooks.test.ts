import { Webhook } from 'svix';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { stepJournal } from '../../src/broadcast/broadcast-steps.ts';
import { RESEND_PAGE_SOURCE } from '../../src/server/create-app.ts';
import { addSubscriber } from '../../src/subscribers/add-subscribers.ts';
import { listSuppressions } from '../../src/store/suppressions.ts';
import { outboxMails, startListServer, until, type ListServer } from '../consent/list-harness.ts';

// A broadcast's List-Unsubscribe header is Resend's own page; Resend then tells us with a
// signed `contact.updated` webhook. `serve` must make that the same refusal as our /u/
// link: suppression, status, consent log and the §50⑦ 수신거부 notice.

const WEBHOOK_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
let server: ListServer;
beforeEach(async () => {
  server = await startListServer({ app: { webhookSecret: WEBHOOK_SECRET } });
});
afterEach(async () => {
  await server.close();
});

async function deliver(payload: unknown, id = `msg_${Math.random().toString(36).slice(2)}`) {
  const body = JSON.stringify(payload);
  const signature = new Webhook(WEBHOOK_SECRET).sign(id, new Date(server.clock.now), body);
  return fetch(`${server.url}/webhooks/resend`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'svix-id': id, 'svix-timestamp': String(Math.floor(server.clock.now / 1000)), 'svix-signature': signature },
    body,
  });
}

const contactUpdated = (email: string, unsubscribed: boolean) => ({
  type: 'contact.updated',
  created_at: new Date(server.clock.now).toISOString(),
  data: { id: 'c0ffee00-0000-4000-8000-000000000001', email, unsubscribed, created_at: '2025-07-01T00:00:00.000Z', updated_at: new Date(server.clock.now).toISOString(), segment_ids: [] },
});

test('contact.updated with unsubscribed: true is a refusal, once, with its 수신거부 notice', async () => {
  expect(addSubscriber(server.store, { email: 'Leaving@Example.com', name: '떠나는 독자', fields: {} }, { method: 'cli', source: 'test' }, server.clock.now - 86_400_000)).toBe('added');
  const res = await deliver(contactUpdated('Leaving@Example.com', true), 'msg_leave');
  expect(res.status).toBe(200);
  expect(listSuppressions(server.store)).toEqual([expect.objectContaining({ address: 'leaving@example.com', reason: 'unsubscribed', source: RESEND_PAGE_SOURCE })]);
  const status = server.store.db.prepare('SELECT status FROM subscribers WHERE address = ?').pluck().get('leaving@example.com');
  expect(status).toBe('unsubscribed');
  // The replay is a duplicate: no second notice.
  expect(await (await deliver(contactUpdated('Leaving@Example.com', true), 'msg_leave')).json()).toEqual({ ok: true, duplicate: true });
  const mails = await until(async () => {
    const all = await outboxMails(server.outbox);
    return all.length > 0 ? all : undefined;
  }, 'the 수신거부 notice');
  expect(mails).toHaveLength(1);
  expect(mails[0]?.subject).toContain('수신거부 처리 결과 안내');
});

test('contact.updated that is not an unsubscribe changes nothing', async () => {
  expect((await deliver(contactUpdated('stay@example.com', false))).status).toBe(200);
  expect(listSuppressions(server.store)).toEqual([]);
});

test("a broadcast's email events are filed under the campaign that created the broadcast", async () => {
  stepJournal(server.store, 'some-edition@broadcast').start('create', { name: 'x' }, server.clock.now);
  stepJournal(server.store, 'some-edition@broadcast').done('create', 'b1b1b1b1-0000-4000-8000-000000000001', { name: 'x' }, server.clock.now);
  const res = await deliver({ type: 'email.delivered', created_at: new Date(server.clock.now).toISOString(), data: { email_id: 'e1', to: ['r@example.com'], broadcast_id: 'b1b1b1b1-0000-4000-8000-000000000001' } });
  expect(res.status).toBe(200);
  expect(server.store.db.prepare('SELECT campaign FROM webhook_events').pluck().all()).toEqual(['some-edition@broadcast']);
});
