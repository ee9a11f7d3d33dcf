import { escapeHtml } from '../send/personalize.ts';
import { pageLayout } from './page-layout.ts';

/**
 * The pages of `/u/TOKEN`. The address is shown masked (k***@example.com): enough for a
 * reader with several addresses to see which one this is, and nothing for whoever finds
 * a forwarded link.
 */

/** GET: asks, changes nothing (mail scanners and link previews fetch every link). */
export function confirmPage(maskedAddress: string): string {
  const who = escapeHtml(maskedAddress);
  return pageLayout(
    '수신거부 · Unsubscribe',
    `<h1>뉴스레터 수신거부</h1>
<p><strong>${who}</strong> 주소로 보내 드리는 뉴스레터를 더 이상 받지 않으시려면 아래 버튼을 눌러 주세요.</p>
<p class="en" lang="en">To stop receiving this newsletter at <strong>${who}</strong>, press the button below.</p>
<form method="post">
<input type="hidden" name="confirm" value="yes">
<p><button type="submit">수신거부 · Unsubscribe</button></p>
</form>
<p class="muted">버튼을 누르기 전에는 아무것도 바뀌지 않습니다. <span lang="en">Nothing changes until you press the button.</span></p>`,
  );
}

/** POST: done (also on a repeat: the answer to an idempotent request does not change). */
export function donePage(maskedAddress: string): string {
  const who = escapeHtml(maskedAddress);
  return pageLayout(
    '수신거부 완료 · Unsubscribed',
    `<h1>수신거부가 완료되었습니다</h1>
<p><strong>${who}</strong> 주소로는 이 뉴스레터를 더 이상 보내지 않습니다.</p>
<p class="en" lang="en">You are unsubscribed: no more of this newsletter will be sent to <strong>${who}</strong>.</p>
<p class="muted">잘못 누르셨다면 받으신 메일에 회신해 알려 주세요. <span lang="en">If this was a mistake, reply to any of our emails.</span></p>`,
  );
}

/**
 * 400 for every bad token alike — forged, truncated, tampered, from another key — so the
 * answer says nothing about which addresses or campaigns exist.
 */
export function invalidLinkPage(): string {
  return pageLayout(
    '링크 오류 · Invalid link',
    `<h1>링크를 확인할 수 없습니다</h1>
<p>수신거부 링크가 올바르지 않거나 일부가 잘렸습니다. 받으신 메일에서 링크 전체를 다시 열어 보시거나, 메일에 회신해 수신거부를 요청해 주세요.</p>
<p class="en" lang="en">This unsubscribe link is not valid, or part of it was cut off. Open the whole link from the email again, or reply to the email and ask to be unsubscribed.</p>`,
  );
}
