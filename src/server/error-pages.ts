import { pageLayout } from './page-layout.ts';

/** 5xx: the store could not be written (busy, disk full); the reader should simply try again. */
export function unavailablePage(): string {
  return pageLayout(
    '일시적 오류 · Temporary error',
    `<h1>잠시 후 다시 시도해 주세요</h1>
<p>요청을 처리하지 못했습니다. 잠시 후 다시 시도해 주시거나, 받으신 메일에 회신해 주세요.</p>
<p class="en" lang="en">We could not process the request. Please try again in a moment, or reply to the email.</p>`,
  );
}

export function notFoundPage(): string {
  return pageLayout(
    '찾을 수 없음 · Not found',
    `<h1>페이지를 찾을 수 없습니다</h1>
<p class="en" lang="en">There is no page at this address.</p>
<p><a href="/archive">지난 뉴스레터 보기 · Past editions</a></p>`,
  );
}

export function tooLargePage(): string {
  return pageLayout(
    '요청이 너무 큽니다 · Request too large',
    `<h1>요청이 너무 큽니다</h1>
<p class="en" lang="en">The request body is larger than this server accepts.</p>`,
  );
}
