import type { FormProblem } from '../consent/sign-up-form.ts';
import type { ListSettings } from '../consent/list-settings.ts';
import { escapeHtml } from '../send/personalize.ts';
import { pageLayout } from './page-layout.ts';

/**
 * The pages of `/subscribe` and `/confirm/<token>`: Korean first, English below, no
 * script. The consent checkbox is never ticked in advance (§50①: explicit consent), and
 * its label is the wording stored with every consent it collects.
 */

export interface FormState {
  problems?: FormProblem[];
  email?: string;
  name?: string;
}

export function subscribePage(settings: ListSettings, state: FormState = {}): string {
  const e = escapeHtml;
  const problem = (field: FormProblem['field']) => state.problems?.find((p) => p.field === field);
  const error = (field: FormProblem['field']) => {
    const p = problem(field);
    return p === undefined ? '' : `<p class="error" id="${field}-error" role="alert">${e(p.ko)} <span lang="en">${e(p.en)}</span></p>`;
  };
  const described = (field: FormProblem['field']) => (problem(field) ? ` aria-invalid="true" aria-describedby="${field}-error"` : '');
  return pageLayout(
    `${e(settings.sender.name)} 뉴스레터 구독 · Subscribe`,
    `<h1>${e(settings.sender.name)} 뉴스레터 구독</h1>
<p class="en" lang="en">Subscribe to ${e(settings.sender.name)}'s newsletter.</p>
<form method="post" action="/subscribe">
<p><label for="email">이메일 <span lang="en">Email</span></label><br>
<input id="email" name="email" type="email" required maxlength="254" autocomplete="email" value="${e(state.email ?? '')}"${described('email')}></p>
${error('email')}
<p><label for="name">이름 (선택) <span lang="en">Name (optional)</span></label><br>
<input id="name" name="name" type="text" maxlength="100" autocomplete="name" value="${e(state.name ?? '')}"${described('name')}></p>
${error('name')}
<p class="consent"><input id="consent" name="consent" type="checkbox" value="yes" required${described('consent')}>
<label for="consent">[필수] ${e(settings.consent.ko)} <span class="en" lang="en">(Required) ${e(settings.consent.en)}</span></label></p>
${error('consent')}
<p><button type="submit">구독 신청 · Subscribe</button></p>
</form>
<p class="muted">신청하시면 확인 메일을 보내 드립니다. 메일의 버튼을 눌러야 구독이 완료되며, 언제든지 메일 하단의 수신거부 링크로 그만 받으실 수 있습니다.
<span lang="en">We will email you a link to confirm; nothing is sent until you do, and every email has a one-click unsubscribe link.</span></p>`,
  );
}

/** The answer to every valid sign-up — new, pending or already subscribed alike. */
export function checkInboxPage(settings: ListSettings): string {
  return pageLayout(
    '메일을 확인해 주세요 · Check your inbox',
    `<h1>메일함을 확인해 주세요</h1>
<p>입력하신 주소로 ${escapeHtml(settings.sender.name)} 뉴스레터 구독 확인 메일을 보냈습니다. 메일의 “구독 확인하기” 버튼을 누르면 구독이 완료됩니다. 이미 구독 중이시라면 따로 하실 일은 없습니다.</p>
<p class="en" lang="en">If the address can subscribe, a confirmation email is on its way: press its button to complete your subscription. If you are already subscribed, there is nothing more to do.</p>
<p class="muted">메일이 오지 않으면 스팸함을 확인해 주세요. <span lang="en">No email? Check your spam folder.</span></p>`,
  );
}

export function tooManySignUpsPage(retryAfterS: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterS / 60));
  return pageLayout(
    '잠시 후 다시 시도해 주세요 · Too many requests',
    `<h1>잠시 후 다시 시도해 주세요</h1>
<p>같은 곳에서 구독 신청이 너무 많이 들어왔습니다. ${minutes}분 뒤에 다시 시도해 주세요.</p>
<p class="en" lang="en">Too many sign-ups from your network. Please try again in ${minutes} minute${minutes === 1 ? '' : 's'}.</p>`,
  );
}

/** GET /confirm/<token>: a button, because mail scanners open every link. */
export function confirmSubscriptionPage(maskedAddress: string, senderName: string): string {
  const who = escapeHtml(maskedAddress);
  return pageLayout(
    '구독 확인 · Confirm subscription',
    `<h1>구독을 확인해 주세요</h1>
<p><strong>${who}</strong> 주소로 ${escapeHtml(senderName)} 뉴스레터(광고성 정보)를 받으시려면 아래 버튼을 눌러 주세요.</p>
<p class="en" lang="en">To receive ${escapeHtml(senderName)}'s newsletter at <strong>${who}</strong>, press the button below.</p>
<form method="post">
<p><button type="submit">구독 확인 · Confirm</button></p>
</form>
<p class="muted">버튼을 누르기 전에는 아무것도 바뀌지 않습니다. <span lang="en">Nothing changes until you press the button.</span></p>`,
  );
}

export function confirmedPage(maskedAddress: string, senderName: string): string {
  const who = escapeHtml(maskedAddress);
  return pageLayout(
    '구독 완료 · Subscribed',
    `<h1>구독이 완료되었습니다</h1>
<p><strong>${who}</strong> 주소로 ${escapeHtml(senderName)} 뉴스레터를 보내 드립니다. 수신동의 처리 결과를 메일로도 알려 드립니다.</p>
<p class="en" lang="en">You are subscribed at <strong>${who}</strong>. We are also emailing you a record of your consent.</p>`,
  );
}

const REASONS = {
  invalid: ['링크를 확인할 수 없습니다', '확인 링크가 올바르지 않거나 일부가 잘렸습니다. 받으신 메일에서 링크 전체를 다시 열어 주세요.', 'This confirmation link is not valid, or part of it was cut off. Open the whole link from the email again.'],
  expired: ['링크의 유효기간이 지났습니다', '확인 링크는 보낸 날부터 정해진 기간 동안만 쓸 수 있습니다. 구독 신청을 다시 해 주세요.', 'This confirmation link has expired. Please sign up again to get a new one.'],
  used: ['이미 사용된 링크입니다', '이 확인 링크는 이미 사용되었거나 더 새 링크로 바뀌었습니다. 구독이 되어 있지 않다면 다시 신청해 주세요.', 'This confirmation link was already used, or a newer one replaced it. If you are not subscribed, sign up again.'],
} as const;

export function confirmFailedPage(reason: keyof typeof REASONS, signUpUrl: string | undefined): string {
  const [title, ko, en] = REASONS[reason];
  const again = signUpUrl === undefined ? '' : `<p><a href="${escapeHtml(signUpUrl)}">구독 신청 페이지로 · Sign up again</a></p>`;
  return pageLayout(`${title} · Confirmation link`, `<h1>${title}</h1>\n<p>${ko}</p>\n<p class="en" lang="en">${en}</p>\n${again}`);
}
