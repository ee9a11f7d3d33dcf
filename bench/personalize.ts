/**
 * Personalization: µs per recipient from a rendered Email to a ready Message, against
 * calling React Email's `render` once per recipient, in the same run.
 * Goal (issue 3): ≤ 20 µs per recipient and ≥ 100× faster than rendering.
 *
 *   npx tsx bench/personalize.ts                      # a small hand-built email
 *   npx tsx bench/personalize.ts --edition content/2025-07-08-ai-issues-2025-h1.md
 *                                                     # the real template and edition
 *
 * Prints one JSON line: { personalizeUs, joinedUs, renderUs, ratio, joinedRatio, … }.
 */
import { parseArgs } from 'node:util';
import { Body, Container, Head, Hr, Html, Link, Preview, Section, Text } from '@react-email/components';
import { render } from '@react-email/render';
import { createElement as h, type ReactElement } from 'react';
import type { Email } from '../src/render/email.ts';
import { createPersonalizer } from '../src/send/personalize.ts';
import type { Recipient } from '../src/subscribers/schema.ts';

const RECIPIENTS = 20_000;
const RENDERS = 200;

interface Props {
  greeting: string;
  name: string;
  company: string;
  unsubscribeUrl: string;
  webUrl: string;
}

const ISSUES = [
  ['AI 기본법 시행령 입법예고', '과학기술정보통신부가 AI 기본법 시행령 초안을 공개했습니다. 고영향 AI의 범위와 사업자 의무가 구체화되었습니다.'],
  ['EU AI Act 범용 AI 의무 발효', '8월부터 범용 AI 모델 제공자에게 투명성과 저작권 관련 의무가 적용됩니다.'],
  ['온디바이스 AI 경쟁 본격화', '스마트폰과 PC 제조사가 기기 안에서 돌아가는 모델을 앞다투어 내놓고 있습니다.'],
  ['영상 분석 AI와 개인정보', '공공장소 영상 분석에 대한 개인정보보호위원회의 안내서가 개정되었습니다.'],
  ['AI 반도체 수급', 'GPU 공급은 여전히 빠듯하지만, 추론 전용 칩의 선택지가 늘고 있습니다.'],
] as const;

/** A small newsletter: a greeting, five issues, a footer with the unsubscribe link. */
function MiniNewsletter(p: Props): ReactElement {
  const text = (children: string) => h(Text, { style: { fontSize: '16px', lineHeight: '1.6', wordBreak: 'keep-all' } }, children);
  return h(
    Html,
    { lang: 'ko' },
    h(Head, null),
    h(Preview, null, '2025 상반기 AI 이슈를 정리했습니다'),
    h(
      Body,
      { style: { fontFamily: "'Apple SD Gothic Neo','Malgun Gothic','맑은 고딕',sans-serif", backgroundColor: '#f4f4f5' } },
      h(
        Container,
        { style: { maxWidth: '600px', backgroundColor: '#ffffff', padding: '24px' } },
        text(p.greeting),
        text(`${p.company} 구독자 ${p.name}님을 위해 고른 소식입니다.`),
        ...ISSUES.map(([title, body], i) =>
          h(
            Section,
            { key: title, style: { padding: '12px 0' } },
            h(Text, { style: { fontSize: '20px', fontWeight: 700 } }, `${i + 1}. ${title}`),
            text(body),
            h(Link, { href: `${p.webUrl}#issue-${i + 1}`, style: { color: '#2563eb' } }, '자세히 보기'),
          ),
        ),
        h(Hr, null),
        h(
          Text,
          { style: { fontSize: '12px', color: '#71717a' } },
          '메이아이 · 서울특별시 예시구 예시로 1 · ',
          h(Link, { href: p.webUrl }, '웹에서 보기'),
          ' · ',
          h(Link, { href: p.unsubscribeUrl }, '수신거부'),
        ),
      ),
    ),
  );
}

async function miniEmail(): Promise<{ email: Email; renderOne: (r: Recipient) => Promise<string> }> {
  // Rendered once with the slots in, exactly as the build step does.
  const slots: Props = { greeting: '{{greeting}}', name: '{{name}}', company: '{{company}}', unsubscribeUrl: '{{unsubscribe_url}}', webUrl: '{{web_url}}' };
  const html = await render(h(MiniNewsletter, slots));
  const textPart = await render(h(MiniNewsletter, slots), { plainText: true });
  const email: Email = {
    slug: '2025-07-08-ai-issues',
    subject: '(광고) {{name}}님을 위한 2025 상반기 AI 이슈',
    preheader: '2025 상반기 AI 이슈를 정리했습니다',
    html,
    text: textPart,
    greeting: { named: '{{name}}님, 안녕하세요.', anonymous: '안녕하세요.' },
  };
  // The alternative: render per recipient with the values in (the token's cost is left
  // out of this side, which flatters it).
  const renderOne = (r: Recipient) =>
    render(
      h(MiniNewsletter, {
        greeting: r.name ? `${r.name}님, 안녕하세요.` : '안녕하세요.',
        name: r.name ?? '',
        company: r.fields.company ?? '',
        unsubscribeUrl: `https://news.may-i.io/u/${r.email}`,
        webUrl: 'https://news.may-i.io/archive/2025-07-08-ai-issues',
      }),
    );
  return { email, renderOne };
}

async function realEmail(file: string): Promise<{ email: Email; renderOne: (r: Recipient) => Promise<string> }> {
  const { loadEdition } = await import('../src/content/load-edition.ts');
  const { renderEmail } = await import('../src/render/render-email.ts');
  const edition = await loadEdition(file);
  const email = await renderEmail(edition);
  // The template takes no recipient, so "render per recipient" is rendering the edition again.
  return { email, renderOne: async () => (await renderEmail(edition)).html };
}

function recipients(n: number): Recipient[] {
  return Array.from({ length: n }, (_, i) => ({
    email: `reader${i}@example.com`,
    // Every fifth has no name; every fiftieth has one that needs escaping.
    ...(i % 5 === 0 ? {} : { name: i % 50 === 1 ? `<b>독자 ${i}</b> & "co"` : `독자${i}` }),
    fields: { company: i % 3 === 0 ? '메이아이' : `회사 ${i}` },
  }));
}

const { values } = parseArgs({ options: { edition: { type: 'string' } } });
const { email, renderOne } = values.edition === undefined ? await miniEmail() : await realEmail(values.edition);
const list = recipients(RECIPIENTS);

const personalize = createPersonalizer(email, {
  id: '2025-07-08-ai-issues',
  from: '메이아이 <newsletter@may-i.io>',
  publicUrl: 'https://news.may-i.io',
  unsubscribeMailto: 'unsubscribe@may-i.io',
  secret: 'bench-secret-0123456789abcdef',
});

// Keep every result reachable so that nothing is optimised away. A message's html and
// text are ropes over the template's literals until something reads their characters
// (src/transport/filled-text.ts); the Resend transport never does, it encodes the pieces.
// So two figures: the message as the send loop hands it to the transport, and the same
// with both parts joined into flat strings, as the outbox reads them (charCodeAt flattens).
let sink = 0;
const asSent = (r: Recipient) => personalize(r).to.length;
const joined = (r: Recipient) => {
  const m = personalize(r);
  return m.html.charCodeAt(m.html.length >> 1) + m.text.charCodeAt(m.text.length >> 1);
};
const timeUs = (f: (r: Recipient) => number) => {
  for (let i = 0; i < 2_000; i++) sink += f(list[i % list.length] as Recipient);
  const t = performance.now();
  for (const r of list) sink += f(r);
  return ((performance.now() - t) * 1000) / list.length;
};
const personalizeUs = timeUs(asSent);
const joinedUs = timeUs(joined);

for (let i = 0; i < 10; i++) sink += (await renderOne(list[i] as Recipient)).length;
const t1 = performance.now();
for (let i = 0; i < RENDERS; i++) sink += (await renderOne(list[i] as Recipient)).length;
const renderUs = ((performance.now() - t1) * 1000) / RENDERS;

console.log(
  JSON.stringify({
    personalizeUs: Number(personalizeUs.toFixed(2)),
    joinedUs: Number(joinedUs.toFixed(2)),
    renderUs: Number(renderUs.toFixed(0)),
    ratio: Number((renderUs / personalizeUs).toFixed(0)),
    joinedRatio: Number((renderUs / joinedUs).toFixed(0)),
    recipients: RECIPIENTS,
    renders: RENDERS,
    htmlBytes: Buffer.byteLength(email.html),
    template: values.edition ?? 'bench/personalize.ts MiniNewsletter',
    sink: sink > 0,
  }),
);
