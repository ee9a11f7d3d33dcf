import { describe, expect, it } from 'vitest';
import { NewsletterError } from '../../src/errors.ts';
import type { Email } from '../../src/render/email.ts';
import { type CampaignIdentity, createPersonalizer } from '../../src/send/personalize.ts';
import { unsubscribeToken, verifyUnsubscribeToken } from '../../src/send/unsubscribe-token.ts';

const email: Email = {
  slug: '2025-07-08-ai-issues',
  subject: '(광고) {{name}}님을 위한 AI 이슈 — {{company}}',
  preheader: '상반기 정리',
  html:
    '<html lang="ko"><body><p>{{greeting}}</p><p title="{{name}}">회사: {{ company }}</p>' +
    '<a href="{{web_url}}">웹에서 보기</a><a href="{{unsubscribe_url}}">수신거부</a>{{unknown_slot}}</body></html>',
  text: '{{greeting}}\n회사: {{company}}\n웹: {{web_url}}\n수신거부: {{unsubscribe_url}}{{unknown_slot}}',
  greeting: { named: '{{name}}님, 안녕하세요.', anonymous: '안녕하세요.' },
};

const campaign: CampaignIdentity = {
  id: '2025-07-08-ai-issues',
  from: '메이아이 <newsletter@may-i.io>',
  replyTo: 'hello@may-i.io',
  publicUrl: 'https://news.may-i.io/',
  unsubscribeMailto: 'unsubscribe@may-i.io',
  secret: 'test-secret-0123456789abcdef',
};

const personalize = createPersonalizer(email, campaign);

function tokenOf(unsubscribeHeader: string): string {
  const match = /^<https:\/\/news\.may-i\.io\/u\/([^>]+)>/.exec(unsubscribeHeader);
  if (!match?.[1]) throw new Error(`no token in ${unsubscribeHeader}`);
  return match[1];
}

describe('createPersonalizer', () => {
  it('fills every slot: greeting, name, fields, web and unsubscribe URLs; unknown slots empty', () => {
    const m = personalize({ email: 'Kim@Example.com', name: '김민지', fields: { company: '메이아이' } });
    const token = tokenOf(m.headers['List-Unsubscribe'] ?? '');
    expect(m.html).toBe(
      '<html lang="ko"><body><p>김민지님, 안녕하세요.</p><p title="김민지">회사: 메이아이</p>' +
        '<a href="https://news.may-i.io/archive/2025-07-08-ai-issues">웹에서 보기</a>' +
        `<a href="https://news.may-i.io/u/${token}">수신거부</a></body></html>`,
    );
    expect(m.text).toBe(
      `김민지님, 안녕하세요.\n회사: 메이아이\n웹: https://news.may-i.io/archive/2025-07-08-ai-issues\n수신거부: https://news.may-i.io/u/${token}`,
    );
    expect(m.subject).toBe('(광고) 김민지님을 위한 AI 이슈 — 메이아이');
    expect(m.to).toBe('Kim@Example.com');
    expect(m.from).toBe('메이아이 <newsletter@may-i.io>');
    expect(m.replyTo).toBe('hello@may-i.io');
  });

  it('reads well without a name: the anonymous greeting, empty name slots', () => {
    const m = personalize({ email: 'anon@example.com', fields: {} });
    expect(m.html).toContain('<p>안녕하세요.</p><p title="">회사: </p>');
    expect(m.text.startsWith('안녕하세요.\n')).toBe(true);
    const blank = personalize({ email: 'anon@example.com', name: '', fields: {} });
    expect(blank.text.startsWith('안녕하세요.\n')).toBe(true);
  });

  it('escapes a hostile name in html (text and attribute), keeps it verbatim in text', () => {
    const hostile = `<script>alert("x")</script> & 'q'`;
    const m = personalize({ email: 'x@example.com', name: hostile, fields: { company: hostile } });
    const escaped = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;';
    expect(m.html).toContain(`<p>${escaped}님, 안녕하세요.</p>`);
    expect(m.html).toContain(`<p title="${escaped}">회사: ${escaped}</p>`);
    expect(m.html).not.toContain('<script>');
    expect(m.text).toContain(`${hostile}님, 안녕하세요.\n회사: ${hostile}\n`);
  });

  it('never lets CR/LF or control characters into the subject or a header', () => {
    const m = personalize({
      email: 'crlf@example.com',
      name: 'Eve\r\nBcc: victim@example.com',
      fields: { company: 'Acme\r\nX-Injected: 1\u0000' },
    });
    expect(m.subject).toBe('(광고) Eve Bcc: victim@example.com님을 위한 AI 이슈 — Acme X-Injected: 1');
    for (const value of [m.subject, m.from, m.to, ...Object.values(m.headers)]) {
      expect(value).not.toMatch(/[\r\n\u0000]/);
    }
    // The name is cleaned everywhere (a line break in a name is never meant); fields
    // keep their text in the body.
    expect(m.text.startsWith('Eve Bcc: victim@example.com님, 안녕하세요.\n')).toBe(true);
  });

  it('sets the exact unsubscribe headers (RFC 8058), a stable ref id and ASCII tags', () => {
    const m = personalize({ email: 'Kim@Example.com', name: '김민지', fields: {} });
    const token = unsubscribeToken(campaign.secret, campaign.id, 'Kim@Example.com');
    expect(m.headers).toEqual({
      'List-Unsubscribe': `<https://news.may-i.io/u/${token}>, <mailto:unsubscribe@may-i.io?subject=unsubscribe>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'X-Entity-Ref-ID': m.headers['X-Entity-Ref-ID'],
    });
    const ref = m.headers['X-Entity-Ref-ID'] ?? '';
    expect(ref).toMatch(/^2025-07-08-ai-issues-[A-Za-z0-9_-]{16}$/);
    expect(ref.toLowerCase()).not.toContain('kim');
    // Stable for the same recipient, different for another.
    expect(personalize({ email: 'Kim@Example.com', fields: {} }).headers['X-Entity-Ref-ID']).toBe(ref);
    expect(personalize({ email: 'lee@example.com', fields: {} }).headers['X-Entity-Ref-ID']).not.toBe(ref);
    expect(m.tags).toEqual([{ name: 'campaign', value: '2025-07-08-ai-issues' }]);
  });

  it('marks a test send before the (광고) prefix', () => {
    const test = createPersonalizer(email, { ...campaign, test: true });
    expect(test({ email: 'a@example.com', name: 'A', fields: { company: 'C' } }).subject).toBe(
      '[테스트] (광고) A님을 위한 AI 이슈 — C',
    );
  });

  it('does not find Object.prototype members as fields', () => {
    const m = createPersonalizer({ ...email, text: '[{{constructor}}][{{toString}}]' }, campaign)({
      email: 'a@example.com',
      fields: {},
    });
    expect(m.text).toBe('[][]');
  });

  it('refuses bad campaign settings with every problem named', () => {
    let error: unknown;
    try {
      createPersonalizer(email, { ...campaign, id: '한글 슬러그', secret: 'short', publicUrl: 'news.may-i.io' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NewsletterError);
    const problems = (error as NewsletterError).problems.join('\n');
    expect(problems).toContain('id: must be an ASCII slug');
    expect(problems).toContain('secret: must be at least 16 characters');
    expect(problems).toContain('publicUrl: must be an absolute URL');
  });
});

describe('unsubscribe token', () => {
  const secret = campaign.secret;

  it('round-trips campaign and lower-cased address, also from the personalized header', () => {
    const token = unsubscribeToken(secret, 'camp-1', 'Kim.MinJi@Example.COM');
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(verifyUnsubscribeToken(secret, token)).toEqual({ campaign: 'camp-1', address: 'kim.minji@example.com' });
    const m = personalize({ email: 'Kim@Example.com', fields: {} });
    expect(verifyUnsubscribeToken(secret, tokenOf(m.headers['List-Unsubscribe'] ?? ''))).toEqual({
      campaign: '2025-07-08-ai-issues',
      address: 'kim@example.com',
    });
  });

  it('is the same for any case of the address', () => {
    expect(unsubscribeToken(secret, 'c', 'A@EXAMPLE.COM')).toBe(unsubscribeToken(secret, 'c', 'a@example.com'));
  });

  it('rejects tampered, truncated, re-signed and malformed tokens', () => {
    const token = unsubscribeToken(secret, 'camp-1', 'kim@example.com');
    const [payload, mac] = token.split('.') as [string, string];
    const otherPayload = Buffer.from('camp-1\nlee@example.com').toString('base64url');
    const flipped = mac.slice(0, 10) + (mac[10] === 'A' ? 'B' : 'A') + mac.slice(11);
    for (const bad of [
      `${otherPayload}.${mac}`, // another address under the same MAC
      `${payload}.${flipped}`,
      `${payload}.${mac.slice(0, -4)}`,
      token.slice(0, -1),
      payload,
      `${payload}.`,
      `.${mac}`,
      `${payload}.${mac}.x`,
      `${payload}!.${mac}`,
      '',
    ]) {
      expect(verifyUnsubscribeToken(secret, bad), bad).toBeUndefined();
    }
    expect(verifyUnsubscribeToken('another-secret-0123456789', token)).toBeUndefined();
  });
});
