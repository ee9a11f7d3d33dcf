import { Button, P, TransactionalLayout } from './layout.tsx';

/** The double opt-in: one button that opens `/confirm/<token>` (a page, which asks again). */
export interface ConfirmEmailProps {
  sender: { name: string; url: string; email: string };
  confirmUrl: string;
  /** `YYYY년 M월 D일` (KST): the link's last day. */
  expiresOn: string;
  /** The consent wording the sign-up form showed, Korean and English. */
  wording: { ko: string; en: string };
}

export function confirmSubject(p: Pick<ConfirmEmailProps, 'sender'>): string {
  return `[${p.sender.name}] 뉴스레터 구독을 확인해 주세요`;
}

export default function ConfirmEmail(p: ConfirmEmailProps) {
  const subject = confirmSubject(p);
  return (
    <TransactionalLayout subject={subject} preview="버튼을 눌러야 구독이 완료됩니다." heading="구독을 확인해 주세요" sender={p.sender}>
      <P>{p.sender.name} 뉴스레터 구독 신청을 받았습니다. 아래 버튼을 눌러 확인하시면 구독이 완료됩니다.</P>
      <P>신청하신 내용: “{p.wording.ko}”</P>
      <Button href={p.confirmUrl}>구독 확인하기</Button>
      <P>이 링크는 {p.expiresOn}까지 한 번 쓸 수 있습니다. 신청하지 않으셨다면 이 메일을 무시해 주세요. 확인하지 않으면 아무것도 보내지 않습니다.</P>
      <P lang="en">Please confirm your subscription to {p.sender.name}'s newsletter with the button above (valid until {p.expiresOn}, once). If you did not sign up, ignore this email: nothing will be sent.</P>
    </TransactionalLayout>
  );
}

export function confirmText(p: ConfirmEmailProps): string {
  return [
    `${p.sender.name}`,
    '',
    '구독을 확인해 주세요',
    '',
    `${p.sender.name} 뉴스레터 구독 신청을 받았습니다. 아래 링크를 열어 확인하시면 구독이 완료됩니다.`,
    '',
    `신청하신 내용: "${p.wording.ko}"`,
    '',
    `구독 확인하기: ${p.confirmUrl}`,
    '',
    `이 링크는 ${p.expiresOn}까지 한 번 쓸 수 있습니다. 신청하지 않으셨다면 이 메일을 무시해 주세요. 확인하지 않으면 아무것도 보내지 않습니다.`,
    '',
    `Please confirm your subscription to ${p.sender.name}'s newsletter at the link above (valid until ${p.expiresOn}, once). If you did not sign up, ignore this email: nothing will be sent.`,
    '',
    '--',
    `${p.sender.name} · ${p.sender.url} · 문의 ${p.sender.email}`,
    '',
  ].join('\n');
}
