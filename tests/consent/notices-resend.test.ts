import { afterEach, describe, expect, test } from 'vitest';
import { dispatchNotices } from '../../src/consent/dispatch-notices.ts';
import { loadListSettings } from '../../src/consent/list-settings.ts';
import { noticeMessage } from '../../src/consent/notice-message.ts';
import { enqueueNotice, getNotice, markNoticeAttempt, noticeIdempotencyKey } from '../../src/consent/notices.ts';
import { openStore } from '../../src/store/open-store.ts';
import { createResendTransport } from '../../src/transport/resend.ts';
import { startResendServer, type ResendServer } from '../support/resend-server.ts';
import { postForm, SECRET, startListServer, T0, until, type ListServer } from './list-harness.ts';

let server: ListServer | undefined;
let resend: ResendServer | undefined;
afterEach(async () => {
  await server?.close();
  await resend?.close();
  server = undefined;
  resend = undefined;
});

/** A journal in memory, the sample list's settings, and the Resend transport to `server`. */
async function noticeSetup(server: ResendServer) {
  const store = openStore(':memory:');
  const settings = await loadListSettings('content/list.yaml');
  const context = { settings, publicUrl: 'https://news.example.com', secret: SECRET };
  const transport = createResendTransport({ apiKey: 're_test_list', baseUrl: server.url, timeoutMs: 5000 });
  return { store, context, transport };
}

describe('the list’s emails through the real resend SDK against the local Resend server', () => {
  test('sign-up, confirmation and the 수신동의 notice arrive as valid Resend requests', async () => {
    resend = await startResendServer();
    const transport = createResendTransport({ apiKey: 're_test_list', baseUrl: resend.url, timeoutMs: 5000 });
    server = await startListServer({ transport });
    const s = server;
    const r = resend;
    expect((await postForm(`${s.url}/subscribe`, { email: 'park@example.org', name: '박지우', consent: 'yes' })).status).toBe(200);
    const confirm = await until(() => r.received.find((m) => m.subject.includes('구독을 확인')), 'the confirmation at Resend');
    expect(confirm.to).toEqual(['park@example.org']);
    expect(confirm.from).toBe('"메이아이 (MAY-I)" <newsletter@may-i.io>');
    const link = /http:\/\/127\.0\.0\.1:8787(\/confirm\/[A-Za-z0-9_.-]+)/.exec(confirm.text ?? '')?.[1];
    expect(link).toBeDefined();
    expect((await postForm(`${s.url}${link}`, '')).status).toBe(200);
    const notice = await until(() => r.received.find((m) => m.subject.includes('수신동의 처리 결과')), 'the consent notice at Resend');
    expect(notice.text).toContain('수신동의 일자: 2025년 7월 8일');
    expect(notice.headers?.['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(r.validationErrors).toEqual([]);
    // Each notice had its own idempotency key, derived from its journal id.
    const keys = r.requests.filter((q) => q.method === 'POST').map((q) => q.idempotencyKey);
    expect(new Set(keys).size).toBe(2);
    expect(keys.every((k) => /^notice-[0-9a-f]{40}$/.test(k ?? ''))).toBe(true);
  });

  test('a notice left in flight by a crash goes again under its key: Resend answers, nobody gets two', async () => {
    resend = await startResendServer();
    const { store, context, transport } = await noticeSetup(resend);
    try {
      const { id } = enqueueNotice(store, { kind: 'refusal-result', email: 'choi@example.net', eventAt: T0, payload: { senderName: '메이아이 (MAY-I)', senderUrl: 'https://may-i.io', senderEmail: 'contact@may-i.io', date: '2025년 7월 8일' } }, T0);
      // The "crashed" run: the attempt journaled, the call made, the outcome never recorded.
      markNoticeAttempt(store, id);
      await transport.sendBatch([await noticeMessage(getNotice(store, id)!, context)], { idempotencyKey: noticeIdempotencyKey(id) });
      expect(getNotice(store, id)?.state).toBe('in_flight');
      // The next run finds it in flight and sends it again, same key, same bytes.
      const report = await dispatchNotices({ store, transport, context, now: () => T0 + 1000 });
      expect(report).toEqual({ sent: 1, failed: 0, retrying: 0 });
      expect(getNotice(store, id)).toMatchObject({ state: 'sent', attempts: 2 });
      expect(resend.received).toHaveLength(1);
      expect(resend.requests.map((q) => q.replayed)).toEqual([false, true]);
      // And once sent, a third run sends nothing.
      expect(await dispatchNotices({ store, transport, context, now: () => T0 + 2000 })).toEqual({ sent: 0, failed: 0, retrying: 0 });
    } finally {
      await transport.close();
      store.close();
    }
  });

  test('notices take half the team’s limit, learned from its answers: on a 2/s team one a second, and no 429', async () => {
    resend = await startResendServer({ ratePerSecond: 2 });
    const { store, context, transport } = await noticeSetup(resend);
    try {
      const payload = { senderName: '메이아이', senderUrl: 'https://may-i.io', senderEmail: 'contact@may-i.io', date: '2025년 7월 8일' };
      for (let i = 0; i < 4; i++) enqueueNotice(store, { kind: 'refusal-result', email: `reader${i}@example.com`, eventAt: T0 + i, payload }, T0);
      const report = await dispatchNotices({ store, transport, context, now: () => T0 });
      expect(report).toEqual({ sent: 4, failed: 0, retrying: 0 });
      expect(resend.requests.filter((q) => q.status === 429)).toEqual([]);
      // The first alone; then 1/s (half of 2, plus the 25 ms margin): a 4/s pace would have
      // been refused here, and would leave a campaign nothing.
      const times = resend.requests.map((q) => q.time);
      for (let i = 2; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(990);
    } finally {
      await transport.close();
      store.close();
    }
  });

  test('a 500 is retried later; a refused address fails for good and is shown as owed', async () => {
    resend = await startResendServer({ faults: { rejectAddress: (to) => (to.includes('bounce') ? 'Invalid `to` field.' : undefined) } });
    const { store, context, transport } = await noticeSetup(resend);
    try {
      const payload = { senderName: '메이아이', senderUrl: 'https://may-i.io', senderEmail: 'contact@may-i.io', date: '2025년 7월 8일' };
      const good = enqueueNotice(store, { kind: 'refusal-result', email: 'ok@example.com', eventAt: T0, payload }, T0).id;
      const bad = enqueueNotice(store, { kind: 'refusal-result', email: 'bounce@example.com', eventAt: T0 + 1, payload }, T0).id;
      resend.setFaults({ error500: 1 });
      const first = await dispatchNotices({ store, transport, context, now: () => T0, random: () => 0.5 });
      expect(first).toEqual({ sent: 0, failed: 0, retrying: 2 });
      const retryAt = Date.parse(getNotice(store, good)!.next_try_at);
      expect(retryAt).toBeGreaterThan(T0);
      // Not due yet: nothing is tried.
      expect(await dispatchNotices({ store, transport, context, now: () => T0 + 1000 })).toEqual({ sent: 0, failed: 0, retrying: 0 });
      resend.setFaults({ rejectAddress: (to) => (to.includes('bounce') ? 'Invalid `to` field.' : undefined) });
      const second = await dispatchNotices({ store, transport, context, now: () => retryAt + 1 });
      expect(second.sent).toBe(1);
      expect(getNotice(store, good)?.state).toBe('sent');
      expect(getNotice(store, bad)).toMatchObject({ state: 'failed', error: expect.stringContaining('to') });
      expect(await dispatchNotices({ store, transport, context, now: () => retryAt + 2 })).toEqual({ sent: 0, failed: 0, retrying: 0 });
    } finally {
      await transport.close();
      store.close();
    }
  });
});
