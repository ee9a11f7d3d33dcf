import { describe, expect, it } from 'vitest';
import { checkAdRules } from '../../src/check/check-ad-rules.ts';
import { checkImages } from '../../src/check/check-images.ts';
import { checkLinks } from '../../src/check/check-links.ts';
import { checkMergeSlots } from '../../src/check/check-merge-slots.ts';
import { checkSize, GMAIL_CLIP_BYTES } from '../../src/check/check-size.ts';
import { scanHtml } from '../../src/check/scan-html.ts';
import { sourceLocator } from '../../src/check/source-locator.ts';
import { toReport } from '../../src/check/finding.ts';

const nowhere = sourceLocator(undefined, undefined);
const footer =
  '<p><strong>메이아이</strong> · 이메일 contact@may-i.io · 전화 02-000-0000 · 주소 테스트시 테스트로 1</p>' +
  '<a href="{{web_url}}">웹에서 보기</a> · <a href="{{unsubscribe_url}}">수신거부 Unsubscribe</a>';
const contact = { email: 'contact@may-i.io', phone: '02-000-0000', address: '테스트시 테스트로 1' };
const ad = { advertisement: true, subject: '(광고) 1월 소식', from: { name: '메이아이' }, contact };
const text = '본문\n수신거부 Unsubscribe: {{unsubscribe_url}}\n';
const headers = {
  'List-Unsubscribe': '<https://news.may-i.io/u/abc.def>, <mailto:contact@may-i.io?subject=unsubscribe>',
  'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
};

describe('checkAdRules (정보통신망법 §50)', () => {
  it('passes an advertisement with the prefix, the identity, the refusal link and both headers', () => {
    expect(checkAdRules(ad, { html: scanHtml(`<body>${footer}</body>`), text, headers }, nowhere)).toEqual([]);
  });

  it.each(['1월 소식 (광고)', '[광고] 1월 소식', '( 광고 ) 1월 소식', ' 1월 소식'])('refuses the ad subject %j', (subject) => {
    const findings = checkAdRules({ ...ad, subject }, { html: scanHtml(footer), text }, nowhere);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ check: 'ad-rules', severity: 'error' });
    expect(findings[0]?.message).toContain('must begin with "(광고)" exactly');
    expect(findings[0]?.message).toContain('write subject: "(광고) 1월 소식');
  });

  it('points the subject error at the front-matter line', () => {
    const locate = sourceLocator('content/x.md', '---\ndate: 2025-01-06\nsubject: "1월 소식"\n---\n');
    const [finding] = checkAdRules({ ...ad, subject: '1월 소식' }, { html: scanHtml(footer), text }, locate);
    expect(finding?.where).toBe('content/x.md:3');
  });

  it('requires the sender name and contact in the footer of an ad, and only warns otherwise', () => {
    const html = scanHtml('<a href="{{unsubscribe_url}}">수신거부</a>');
    const asAd = checkAdRules(ad, { html, text }, nowhere);
    expect(asAd.map((f) => [f.severity, f.message.split(' — ')[0]])).toEqual([
      ['error', 'the sender\'s name "메이아이" is not in the email\'s text'],
      ['error', 'contact.email "contact@may-i.io" is not in the email\'s text'],
      ['error', 'contact.phone "02-000-0000" is not in the email\'s text'],
      ['error', 'contact.address "테스트시 테스트로 1" is not in the email\'s text'],
    ]);
    const notAd = checkAdRules({ ...ad, advertisement: false, subject: '1월 소식' }, { html, text }, nowhere);
    expect(notAd.map((f) => f.severity)).toEqual(['warning', 'warning', 'warning', 'warning']);
  });

  it('names each contact field an advertisement lacks (시행령 별표 6), as a warning with its own rule', () => {
    const html = scanHtml('<p><strong>메이아이</strong> · 이메일 contact@may-i.io</p><a href="{{unsubscribe_url}}">수신거부</a>');
    const locate = sourceLocator('content/x.md', '---\nsubject: "(광고) 1월 소식"\ncontact: { email: contact@may-i.io }\n---\n');
    const findings = checkAdRules({ ...ad, contact: { email: 'contact@may-i.io' } }, { html, text }, locate);
    expect(findings.map((f) => [f.severity, f.rule, f.where, f.message.split(' — ')[0]])).toEqual([
      ['warning', 'contact-missing', 'content/x.md:3', 'contact.phone is missing'],
      ['warning', 'contact-missing', 'content/x.md:3', 'contact.address is missing'],
    ]);
    expect(findings[0]?.message).toContain('phone number (전화번호)');
    expect(findings[1]?.message).toContain('postal address (주소)');
    // Not an advertisement: the law's list does not apply.
    expect(checkAdRules({ ...ad, advertisement: false, subject: '1월 소식', contact: { email: 'contact@may-i.io' } }, { html, text }, locate)).toEqual([]);
  });

  it('requires a 수신거부 link to {{unsubscribe_url}} in the HTML and the slot in the text', () => {
    const identity = '<p>메이아이 · 이메일 contact@may-i.io · 전화 02-000-0000 · 주소 테스트시 테스트로 1</p>';
    const none = checkAdRules(ad, { html: scanHtml(identity), text: '본문' }, nowhere).map((f) => f.message);
    expect(none).toEqual([expect.stringContaining('no "수신거부" link in the HTML'), expect.stringContaining('the plain-text part has no {{unsubscribe_url}}')]);
    const elsewhere = checkAdRules(ad, { html: scanHtml(`${identity}<a href="https://may-i.io">수신거부</a>`), text }, nowhere);
    expect(elsewhere.map((f) => f.message)).toEqual([expect.stringContaining('the "수신거부" link goes to "https://may-i.io" — point it at {{unsubscribe_url}}')]);
  });

  it('requires both List-Unsubscribe headers on a message', () => {
    const html = scanHtml(footer);
    const missing = checkAdRules(ad, { html, text, headers: { 'List-Unsubscribe': headers['List-Unsubscribe'] } }, nowhere);
    expect(missing.map((f) => f.message)).toEqual([expect.stringContaining('"List-Unsubscribe-Post: List-Unsubscribe=One-Click"')]);
    const none = checkAdRules(ad, { html, text, headers: {} }, nowhere);
    expect(none).toHaveLength(2);
  });

  it('warns when a non-advertisement subject starts with (광고)', () => {
    const findings = checkAdRules({ ...ad, advertisement: false }, { html: scanHtml(footer), text }, nowhere);
    expect(findings).toEqual([expect.objectContaining({ severity: 'warning', message: expect.stringContaining('advertisement is false') })]);
  });
});

describe('checkLinks', () => {
  it('reports each bad address once, from HTML and text, with the source line', () => {
    const html = scanHtml('<a href="https://example.com">하나</a><a href="https://example.com">둘</a><a href="#">셋</a><a href="https://may-i.io">좋음</a>');
    const locate = sourceLocator('content/x.md', 'intro\n[하나](https://example.com)\n');
    const findings = checkLinks(html, '읽기: http://may-i.io/a.\n좋음: https://may-i.io/b', locate);
    expect(findings.map((f) => [f.where, f.message])).toEqual([
      ['content/x.md:2', 'the link "https://example.com" points at example.com, a placeholder host — write the real address (link text "하나")'],
      [undefined, 'the link points at "#", a placeholder — write the real https:// URL (link text "셋")'],
      [undefined, 'the link "http://may-i.io/a" uses http:// — use https:// (mail clients warn about, and some block, plain http) — in the plain-text part'],
    ]);
  });
});

describe('checkImages', () => {
  it('wants an https src, alt and a pixel width', () => {
    const html = scanHtml(
      '<img src="https://may-i.io/a.png" alt="매장 지도" width="552">' +
        '<img src="http://may-i.io/b.png" alt="" width="100%">' +
        '<img src="https://may-i.io/c.png">',
    );
    const findings = checkImages(html, nowhere);
    expect(findings.map((f) => [f.severity, f.message.split(' — ')[0]])).toEqual([
      ['error', 'the image "http://may-i.io/b.png" uses http://'],
      ['warning', 'the image http://may-i.io/b.png has an empty alt: readers who block images see nothing'],
      ['error', 'the image http://may-i.io/b.png has width="100%", not a number of pixels'],
      ['error', 'the image https://may-i.io/c.png has no alt attribute'],
      ['error', 'the image https://may-i.io/c.png has no width attribute'],
    ]);
  });
});

describe('checkMergeSlots', () => {
  it('warns of non-standard slots and refuses broken ones, ignoring CSS braces', () => {
    const findings = checkMergeSlots(
      {
        subject: '{{name}}님께',
        html: '<style>@media (prefers-color-scheme: dark){.a{color:#fff}}</style><p>{{greeting}} {{company}}</p><p>{{name}</p>',
        text: '{{greeting}}\n{{ company }}',
      },
      nowhere,
    );
    expect(findings.map((f) => [f.severity, f.message.split(' — ')[0]])).toEqual([
      ['warning', '{{company}} is not a standard merge slot: it is filled from a subscriber-list column named "company", and left empty for anyone without one'],
      ['error', 'a broken merge slot in the HTML: "{{name}"'],
    ]);
  });
});

describe('checkSize', () => {
  it('is quiet under half the clip, warns past half, refuses past the clip', () => {
    expect(checkSize(GMAIL_CLIP_BYTES / 2)).toEqual([]);
    expect(checkSize(GMAIL_CLIP_BYTES / 2 + 1)[0]?.severity).toBe('warning');
    expect(checkSize(GMAIL_CLIP_BYTES + 1)[0]).toMatchObject({ severity: 'error', message: expect.stringContaining('past Gmail\'s ~102 KB clip') });
  });
});

describe('toReport', () => {
  it('orders errors, warnings, info and counts them', () => {
    const report = toReport([
      { check: 'clients', severity: 'info', message: 'c' },
      { check: 'links', severity: 'error', message: 'a' },
      { check: 'size', severity: 'warning', message: 'b' },
      { check: 'images', severity: 'error', message: 'd' },
    ]);
    expect(report.findings.map((f) => f.message)).toEqual(['a', 'd', 'b', 'c']);
    expect([report.errors, report.warnings]).toEqual([2, 1]);
  });
});
