import { Link } from '../components/react-email.ts';
import { theme } from '../theme.ts';
import { P, TransactionalLayout } from './layout.tsx';

/**
 * 정보통신망법 §50⑦ (시행령 제62조의2): within 14 days of a consent or a refusal, the
 * sender tells the recipient its name, what they did and when, and the result.
 */
export interface ConsentResultEmailProps {
  sender: { name: string; url: string; email: string };
  action: 'consent' | 'refusal';
  /** `YYYY년 M월 D일` (KST): the day of the consent or refusal. */
  date: string;
  /** After a consent: the one-click way to refuse. */
  unsubscribeUrl?: string;
}

const WHAT = { consent: '수신동의', refusal: '수신거부' } as const;

export function consentResultSubject(p: Pick<ConsentResultEmailProps, 'sender' | 'action'>): string {
  return `[${p.sender.name}] 광고성 정보 ${WHAT[p.action]} 처리 결과 안내`;
}

/** The result, one sentence: what changes for the recipient from now on. */
function resultLine(p: ConsentResultEmailProps): string {
  return p.action === 'consent'
    ? `${p.sender.name}의 광고성 정보(뉴스레터)를 이메일로 보내 드립니다.`
    : `${p.sender.name}의 광고성 정보(뉴스레터)를 더 이상 이메일로 보내지 않습니다.`;
}

function englishLine(p: ConsentResultEmailProps): string {
  return p.action === 'consent'
    ? `On ${p.date} you consented to receive advertising information from ${p.sender.name} by email; it has been processed, and we will send you our newsletter.`
    : `On ${p.date} you refused advertising information from ${p.sender.name} by email; it has been processed, and we will send you no more of it.`;
}

export default function ConsentResultEmail(p: ConsentResultEmailProps) {
  const subject = consentResultSubject(p);
  const what = WHAT[p.action];
  const cell = { padding: '6px 12px 6px 0', fontSize: '15px', lineHeight: 1.6, color: theme.light.text, verticalAlign: 'top' } as const;
  return (
    <TransactionalLayout subject={subject} preview={`${p.date} ${what}가 처리되었습니다.`} heading={`${what} 처리 결과 안내`} sender={p.sender}>
      <P>정보통신망법 제50조 제7항에 따라 광고성 정보 {what} 처리 결과를 알려 드립니다.</P>
      <table role="presentation" cellPadding={0} cellSpacing={0} border={0} style={{ margin: '0 0 16px' }}>
        <tbody>
          <tr><td className="nl-muted" style={{ ...cell, color: theme.light.muted }}>전송자</td><td className="nl-text" style={cell}>{p.sender.name}</td></tr>
          <tr><td className="nl-muted" style={{ ...cell, color: theme.light.muted }}>처리 내용</td><td className="nl-text" style={cell}>광고성 정보 이메일 {what}</td></tr>
          <tr><td className="nl-muted" style={{ ...cell, color: theme.light.muted }}>{what} 일자</td><td className="nl-text" style={cell}>{p.date}</td></tr>
          <tr><td className="nl-muted" style={{ ...cell, color: theme.light.muted }}>처리 결과</td><td className="nl-text" style={cell}>{what} 처리 완료 — {resultLine(p)}</td></tr>
        </tbody>
      </table>
      {p.unsubscribeUrl === undefined ? null : (
        <P>
          더 이상 받지 않으시려면 언제든지{' '}
          <Link href={p.unsubscribeUrl} style={{ color: theme.light.accent }}>수신거부 (Unsubscribe)</Link>를 눌러 주세요. 한 번이면 됩니다.
        </P>
      )}
      <P lang="en">{englishLine(p)}</P>
    </TransactionalLayout>
  );
}

export function consentResultText(p: ConsentResultEmailProps): string {
  const what = WHAT[p.action];
  return [
    p.sender.name,
    '',
    `${what} 처리 결과 안내`,
    '',
    `정보통신망법 제50조 제7항에 따라 광고성 정보 ${what} 처리 결과를 알려 드립니다.`,
    '',
    `전송자:    ${p.sender.name}`,
    `처리 내용: 광고성 정보 이메일 ${what}`,
    `${what} 일자: ${p.date}`,
    `처리 결과: ${what} 처리 완료 — ${resultLine(p)}`,
    '',
    ...(p.unsubscribeUrl === undefined ? [] : [`수신거부 (Unsubscribe): ${p.unsubscribeUrl}`, '']),
    englishLine(p),
    '',
    '--',
    `${p.sender.name} · ${p.sender.url} · 문의 ${p.sender.email}`,
    '',
  ].join('\n');
}
