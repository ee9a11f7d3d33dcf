import { Link } from '../components/react-email.ts';
import { theme } from '../theme.ts';
import { Button, P, TransactionalLayout } from './layout.tsx';

/**
 * 정보통신망법 §50⑧ (시행령 제62조의3): every two years from a consent, the sender tells
 * the recipient its name, the date and fact of the consent, and that it continues unless
 * they refuse — with a way to refuse. Not an advertisement: no "(광고)", nothing for sale.
 */
export interface ReconfirmEmailProps {
  sender: { name: string; url: string; email: string };
  /** `YYYY년 M월 D일` (KST): the day consent was given. */
  consentDate: string;
  /** One click, no login (§50⑥). */
  unsubscribeUrl: string;
}

export function reconfirmSubject(p: Pick<ReconfirmEmailProps, 'sender'>): string {
  return `[${p.sender.name}] 광고성 정보 수신동의 여부 확인 안내`;
}

export default function ReconfirmEmail(p: ReconfirmEmailProps) {
  const subject = reconfirmSubject(p);
  return (
    <TransactionalLayout subject={subject} preview={`${p.consentDate}에 동의하신 수신동의가 유지됩니다.`} heading="수신동의 여부 확인 안내" sender={p.sender}>
      <P>
        고객님께서는 {p.consentDate}에 {p.sender.name}의 광고성 정보(뉴스레터)를 이메일로 받는 데 동의하셨습니다. 정보통신망법 제50조 제8항에 따라 2년마다 수신동의 여부를 확인해 드립니다.
      </P>
      <P>계속 받기를 원하시면 아무것도 하지 않으셔도 됩니다. 수신동의는 그대로 유지됩니다.</P>
      <P>더 이상 받지 않으시려면 아래 버튼을 눌러 주세요. 로그인이나 다른 정보는 필요 없습니다.</P>
      <Button href={p.unsubscribeUrl}>수신거부 (Unsubscribe)</Button>
      <P lang="en">
        On {p.consentDate} you consented to receive {p.sender.name}'s newsletter (advertising information) by email. Korean law asks us to confirm it every two years: your consent continues unless you{' '}
        <Link href={p.unsubscribeUrl} style={{ color: theme.light.muted }}>unsubscribe</Link>.
      </P>
    </TransactionalLayout>
  );
}

export function reconfirmText(p: ReconfirmEmailProps): string {
  return [
    p.sender.name,
    '',
    '수신동의 여부 확인 안내',
    '',
    `고객님께서는 ${p.consentDate}에 ${p.sender.name}의 광고성 정보(뉴스레터)를 이메일로 받는 데 동의하셨습니다. 정보통신망법 제50조 제8항에 따라 2년마다 수신동의 여부를 확인해 드립니다.`,
    '',
    '계속 받기를 원하시면 아무것도 하지 않으셔도 됩니다. 수신동의는 그대로 유지됩니다.',
    '',
    `더 이상 받지 않으시려면: 수신거부 (Unsubscribe) ${p.unsubscribeUrl}`,
    '',
    `On ${p.consentDate} you consented to receive ${p.sender.name}'s newsletter (advertising information) by email. Korean law asks us to confirm it every two years: your consent continues unless you unsubscribe at the link above.`,
    '',
    '--',
    `${p.sender.name} · ${p.sender.url} · 문의 ${p.sender.email}`,
    '',
  ].join('\n');
}
