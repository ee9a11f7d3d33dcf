import { afterEach, describe, expect, test } from 'vitest';
import { signConfirmToken } from '../../src/consent/confirm-token.ts';
import { unsubscribeToken } from '../../src/send/unsubscribe-token.ts';
import { consentLogOf } from '../../src/store/consent-log.ts';
import { isSuppressed } from '../../src/store/suppressions.ts';
import { getSubscriber, readStoredList } from '../../src/subscribers/stored-list.ts';
import type { Recipient } from '../../src/subscribers/schema.ts';
import { count, outboxMails, postForm, SECRET, startListServer, T0, until, type ListServer } from './list-harness.ts';

let server: ListServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function storedRecipients(s: ListServer): Promise<Recipient[]> {
  const all: Recipient[] = [];
  for await (const r of readStoredList(s.store, s.clock.now).recipients) all.push(r);
  return all;
}

/** The confirmation link of the newest confirmation email to `to`. */
async function confirmLink(s: ListServer, to: string, nth = 1): Promise<string> {
  return until(async () => {
    const mails = (await outboxMails(s.outbox)).filter((m) => m.subject?.includes('구독을 확인') && m.text?.includes('구독 확인하기') && JSON.stringify(m.to).includes(to));
    if (mails.length < nth) return undefined;
    const link = /http:\/\/127\.0\.0\.1:8787(\/confirm\/[A-Za-z0-9_.-]+)/.exec(mails[nth - 1]!.text ?? '')?.[1];
    return link;
  }, `confirmation email ${nth} to ${to}`);
}

describe('sign-up with double opt-in through serve (outbox)', () => {
  test('the form, the pending subscriber, GET changes nothing, POST consents, the §50⑦ notice', async () => {
    server = await startListServer();
    const s = server;

    const form = await fetch(`${s.url}/subscribe`);
    expect(form.status).toBe(200);
    const page = await form.text();
    expect(page).toContain('<form method="post" action="/subscribe">');
    expect(page).toMatch(/<input id="consent" name="consent" type="checkbox" value="yes" required>/); // never pre-ticked
    expect(page).toContain(s.settings.consent.ko);
    expect(page).toContain('광고성 정보');

    const posted = await postForm(`${s.url}/subscribe`, { email: 'Kim.Minji@Example.com', name: '김민지', consent: 'yes' });
    expect(posted.status).toBe(200);
    const answer = await posted.text();
    expect(getSubscriber(s.store, 'kim.minji@example.com')).toMatchObject({ status: 'pending', email: 'Kim.Minji@example.com', name: '김민지' });
    expect(await storedRecipients(s)).toEqual([]); // a pending subscriber gets no newsletter

    const link = await confirmLink(s, 'Kim.Minji@example.com');
    const confirmMail = (await outboxMails(s.outbox))[0]!;
    expect(confirmMail.subject).toBe('[메이아이 (MAY-I)] 뉴스레터 구독을 확인해 주세요');
    expect(confirmMail.subject).not.toContain('(광고)');
    expect(confirmMail.html).toContain(`href="http://127.0.0.1:8787${link}"`);
    expect(confirmMail.text).toContain('2025년 7월 15일까지'); // 7 days, in KST

    // GET (a mail scanner's prefetch) shows a button and activates nobody.
    const get = await fetch(`${s.url}${link}`);
    expect(get.status).toBe(200);
    expect(await get.text()).toContain('<form method="post">');
    expect(getSubscriber(s.store, 'kim.minji@example.com')?.status).toBe('pending');

    s.clock.now = T0 + 3_600_000;
    const confirm = await postForm(`${s.url}${link}`, '');
    expect(confirm.status).toBe(200);
    expect(await confirm.text()).toContain('구독이 완료되었습니다');
    const subscriber = getSubscriber(s.store, 'kim.minji@example.com')!;
    expect(subscriber.status).toBe('active');
    expect(subscriber.consent).toMatchObject({
      method: 'form',
      source: 'http://127.0.0.1:8787/subscribe',
      version: s.settings.consent.version,
      consentedAt: new Date(T0 + 3_600_000).toISOString(),
      confirmedAt: new Date(T0 + 3_600_000).toISOString(),
      signupAt: new Date(T0).toISOString(),
      ip: '127.0.0.1',
      userAgent: 'list-test/1.0',
    });
    expect(subscriber.reconfirmDueAt).toBe('2027-07-08T10:00:00.000Z');
    expect(s.store.db.prepare('SELECT text FROM consent_wordings WHERE version = ?').pluck().get(s.settings.consent.version)).toBe(`${s.settings.consent.ko}\n${s.settings.consent.en}`);
    expect(consentLogOf(s.store, 'kim.minji@example.com').map((e) => e.action)).toEqual(['signup', 'consent']);
    expect((await storedRecipients(s)).map((r) => r.email)).toEqual(['Kim.Minji@example.com']);

    // The same link again is refused (single use), and changes nothing.
    const again = await postForm(`${s.url}${link}`, '');
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('이미 사용된 링크');

    // §50⑦: the 수신동의 result notice, once, with the sender, the act, its KST date, the result.
    const result = await until(async () => (await outboxMails(s.outbox)).find((m) => m.subject?.includes('수신동의 처리 결과')), 'the consent notice');
    expect(result.subject).toBe('[메이아이 (MAY-I)] 광고성 정보 수신동의 처리 결과 안내');
    expect(result.text).toContain('전송자:    메이아이 (MAY-I)');
    expect(result.text).toContain('수신동의 일자: 2025년 7월 8일');
    expect(result.text).toContain('처리 결과: 수신동의 처리 완료');
    expect(result.headerLines.find((h) => h.key === 'list-unsubscribe-post')?.line).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(count(s.store, "notices WHERE state = 'sent'")).toBe(2);

    // One-click unsubscribe of an edition → status, suppression, the 수신거부 notice (KST: 9 July).
    s.clock.now = Date.UTC(2025, 6, 8, 15, 30); // 00:30 KST on 9 July
    const token = unsubscribeToken(SECRET, '2025-07-08-ai-issues-2025-h1', 'kim.minji@example.com');
    const oneClick = await postForm(`${s.url}/u/${token}`, 'List-Unsubscribe=One-Click');
    expect(oneClick.status).toBe(200);
    expect(getSubscriber(s.store, 'kim.minji@example.com')?.status).toBe('unsubscribed');
    expect(isSuppressed(s.store, 'kim.minji@example.com')).toBe(true);
    expect(await storedRecipients(s)).toEqual([]);
    const refusal = await until(async () => (await outboxMails(s.outbox)).find((m) => m.subject?.includes('수신거부 처리 결과')), 'the refusal notice');
    expect(refusal.text).toContain('수신거부 일자: 2025년 7월 9일');
    expect(refusal.text).toContain('더 이상 이메일로 보내지 않습니다');
    // A repeated one-click owes no second notice.
    expect((await postForm(`${s.url}/u/${token}`, 'List-Unsubscribe=One-Click')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(count(s.store, "notices WHERE kind = 'refusal-result'")).toBe(1);
    expect((await outboxMails(s.outbox)).filter((m) => m.subject?.includes('수신거부 처리 결과'))).toHaveLength(1);
    expect(consentLogOf(s.store, 'kim.minji@example.com').map((e) => e.action)).toEqual(['signup', 'consent', 'withdrawal']);
    expect(answer).toContain('메일함을 확인해 주세요');
  });

  test('no enumeration: a new, a pending and an active address get the same page', async () => {
    server = await startListServer();
    const s = server;
    const body = async (email: string) => (await postForm(`${s.url}/subscribe`, { email, name: '', consent: 'yes' })).text();
    const fresh = await body('new@example.com');
    const pending = await body('new@example.com');
    // Make an active one.
    await body('active@example.com');
    const link = await confirmLink(s, 'active@example.com');
    expect((await postForm(`${s.url}${link}`, '')).status).toBe(200);
    const active = await body('active@example.com');
    expect(pending).toBe(fresh);
    expect(active).toBe(fresh);
    // The pending repeat within 10 minutes mailed nothing more; the active one nothing at all.
    await new Promise((r) => setTimeout(r, 200));
    const mails = await outboxMails(s.outbox);
    expect(mails.filter((m) => JSON.stringify(m.to).includes('new@example.com'))).toHaveLength(1);
    expect(mails.filter((m) => JSON.stringify(m.to).includes('active@example.com')).map((m) => m.subject)).toEqual([
      '[메이아이 (MAY-I)] 뉴스레터 구독을 확인해 주세요',
      '[메이아이 (MAY-I)] 광고성 정보 수신동의 처리 결과 안내',
    ]);
  });

  test('a missing consent, a bad address and hostile posts are refused and record nothing', async () => {
    server = await startListServer({ app: { signUpRateLimit: { max: 100, windowMs: 60_000 } } });
    const s = server;
    const noConsent = await postForm(`${s.url}/subscribe`, { email: 'kim@example.com', name: 'Kim' });
    expect(noConsent.status).toBe(400);
    const text = await noConsent.text();
    expect(text).toContain('광고성 정보 수신에 동의해 주셔야 구독할 수 있습니다');
    expect(text).toContain('value="kim@example.com"'); // what was typed is kept
    expect((await postForm(`${s.url}/subscribe`, { email: 'kim@example.com', consent: 'on' })).status).toBe(400);
    expect((await postForm(`${s.url}/subscribe`, { email: 'not-an-address', consent: 'yes' })).status).toBe(400);
    expect((await postForm(`${s.url}/subscribe`, 'email=a%40example.com&email=b%40example.com&consent=yes')).status).toBe(400);
    const script = await postForm(`${s.url}/subscribe`, { email: '"><script>alert(1)</script>', consent: 'yes' });
    expect(script.status).toBe(400);
    expect(await script.text()).not.toContain('<script>alert(1)</script>');
    const json = await fetch(`${s.url}/subscribe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":"kim@example.com","consent":"yes"}' });
    expect(json.status).toBe(415);
    const huge = await postForm(`${s.url}/subscribe`, { email: 'kim@example.com', consent: 'yes', name: 'x'.repeat(20_000) });
    expect(huge.status).toBe(413);
    expect(count(s.store, 'subscribers')).toBe(0);
    expect(count(s.store, 'notices')).toBe(0);
    expect(count(s.store, 'consent_log')).toBe(0);
  });

  test('forged and expired tokens are refused; a newer sign-up replaces the older link', async () => {
    server = await startListServer();
    const s = server;
    await postForm(`${s.url}/subscribe`, { email: 'lee@example.com', consent: 'yes' });
    const first = await confirmLink(s, 'lee@example.com');
    const forged = first.slice(0, -3) + (first.endsWith('AAA') ? 'BBB' : 'AAA');
    expect((await fetch(`${s.url}${forged}`)).status).toBe(400);
    expect((await postForm(`${s.url}${forged}`, '')).status).toBe(400);
    // Signed with another key: refused.
    const otherKey = signConfirmToken('another-secret-0123456789', { address: 'lee@example.com', issuedAt: T0, nonce: 'x' });
    expect((await postForm(`${s.url}/confirm/${otherKey}`, '')).status).toBe(400);
    // An unsubscribe token is not a confirmation token.
    expect((await postForm(`${s.url}/confirm/${unsubscribeToken(SECRET, 'c', 'lee@example.com')}`, '')).status).toBe(400);

    // A second sign-up after the quiet window: a new link; the first no longer works.
    s.clock.now = T0 + 11 * 60_000;
    await postForm(`${s.url}/subscribe`, { email: 'lee@example.com', consent: 'yes' });
    const second = await confirmLink(s, 'lee@example.com', 2);
    expect(second).not.toBe(first);
    const old = await postForm(`${s.url}${first}`, '');
    expect(old.status).toBe(400);

    // Eight days later the second one has expired.
    s.clock.now = T0 + 8 * 86_400_000;
    const expired = await fetch(`${s.url}${second}`);
    expect(expired.status).toBe(400);
    expect(await expired.text()).toContain('유효기간이 지났습니다');
    expect((await postForm(`${s.url}${second}`, '')).status).toBe(400);
    expect(getSubscriber(s.store, 'lee@example.com')?.status).toBe('pending');
  });

  test('sign-ups are rate-limited per IP', async () => {
    server = await startListServer({ app: { signUpRateLimit: { max: 3, windowMs: 60_000 } } });
    const s = server;
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await postForm(`${s.url}/subscribe`, { email: `r${i}@example.com`, consent: 'yes' })).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const limited = await postForm(`${s.url}/subscribe`, { email: 'r9@example.com', consent: 'yes' });
    expect(limited.headers.get('retry-after')).toBe('60');
    expect(count(s.store, 'subscribers')).toBe(3);
    s.clock.now = T0 + 61_000;
    expect((await postForm(`${s.url}/subscribe`, { email: 'r9@example.com', consent: 'yes' })).status).toBe(200);
  });
});
