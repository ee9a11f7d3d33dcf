import { escapeHtml } from '../send/personalize.ts';
import type { ArchiveEntry } from './edition-archive.ts';
import { pageLayout } from './page-layout.ts';

/** `/archive`: the sent editions, newest first, each linking to its web version. */
export function archiveIndexPage(entries: readonly ArchiveEntry[]): string {
  const items =
    entries.length === 0
      ? '<p class="muted">아직 발송된 뉴스레터가 없습니다. <span lang="en">No editions have been sent yet.</span></p>'
      : `<ul>\n${entries
          .map((e) => `<li><a href="/archive/${encodeURIComponent(e.slug)}">${escapeHtml(e.subject)}</a> <span class="muted">${escapeHtml(e.date)}</span></li>`)
          .join('\n')}\n</ul>`;
  return pageLayout('지난 뉴스레터 · Archive', `<h1>지난 뉴스레터 <span class="en" lang="en">Past editions</span></h1>\n${items}`);
}
