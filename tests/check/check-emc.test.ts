import { describe, expect, it } from 'vitest';
import { checkEmc, severityOf } from '../../src/check/check-emc.ts';
import { loadEdition } from '../../src/content/load-edition.ts';
import { renderEmail } from '../../src/render/render-email.ts';

const subject = '(광고) 1월 소식';
const page = (body: string, title = subject) =>
  `<!DOCTYPE html><html lang="ko"><head><title>${title}</title></head><body>${body}</body></html>`;
const good = `<div role="article" aria-label="${subject}" lang="ko" dir="ltr"><h1>1월 소식</h1><h2>첫 이슈</h2><table role="presentation"><tr><td><a href="https://may-i.io" aria-label="자세히 보기: 첫 이슈">자세히 보기 →</a></td></tr></table></div>`;

describe('checkEmc (the Email Markup Consortium checks axe does not make)', () => {
  it('passes an email with the wrapper, one h1, its title, presentation tables and named links', () => {
    expect(checkEmc(page(good), subject)).toEqual([]);
  });

  it('names each child of <body> without lang or dir (webmail drops <html lang>)', () => {
    const found = checkEmc(page(`<div style="display:none">미리보기</div>${good}`), subject);
    expect(found.map((f) => [f.rule, f.impact])).toEqual([
      ['body-lang', 'serious'],
      ['body-dir', 'serious'],
    ]);
    expect(found[0]?.message).toContain('a <div> directly inside <body> has no lang');
  });

  it('asks for exactly one h1 and headings that go down one level at a time', () => {
    expect(checkEmc(page(good.replace('<h1>1월 소식</h1>', '')), subject).map((f) => f.rule)).toEqual(['one-h1']);
    expect(checkEmc(page(good.replace('<h2>첫 이슈</h2>', '<h1>또</h1>')), subject).map((f) => f.message)).toEqual([expect.stringContaining('2 <h1>s ("1월 소식", "또")')]);
    expect(checkEmc(page(good.replace('<h2>첫 이슈</h2>', '<h3>첫 이슈</h3>')), subject).map((f) => f.message)).toEqual(['<h3> "첫 이슈" follows an <h1> — headings go down one level at a time']);
  });

  it('asks for a <title> equal to the subject', () => {
    expect(checkEmc(page(good).replace(/<title>.*<\/title>/, ''), subject).map((f) => [f.rule, f.impact])).toEqual([['title', 'serious']]);
    expect(checkEmc(page(good, '다른 제목'), subject).map((f) => [f.rule, f.impact])).toEqual([['title', 'minor']]);
  });

  it('flags layout tables without role="presentation", not data tables', () => {
    const layout = good.replace('<table role="presentation">', '<table>');
    expect(checkEmc(page(layout), subject).map((f) => f.message)).toEqual([expect.stringContaining('1 layout table(s) without role="presentation"')]);
    const data = good.replace('<table role="presentation"><tr>', '<table><tr><th>항목</th></tr><tr>');
    expect(checkEmc(page(data), subject)).toEqual([]);
  });

  it('flags a link whose accessible name is only "자세히 보기" or "click here", and one with none', () => {
    const vague = good.replace(' aria-label="자세히 보기: 첫 이슈"', '') + '<a href="https://x.io">click here</a><a href="https://y.io"><img src="https://y.io/a.png" alt=""></a>';
    const found = checkEmc(page(`<div lang="ko" dir="ltr">${vague}</div>`), subject);
    expect(found.map((f) => f.rule)).toEqual(['link-text', 'link-text', 'link-name']);
    expect(found[0]?.message).toContain('the link "자세히 보기 →" to https://may-i.io does not say where it goes');
    // An image's alt names its link.
    expect(checkEmc(page(`<div lang="ko" dir="ltr"><h1>t</h1><a href="https://y.io"><img src="https://y.io/a.png" alt="메이아이 홈"></a></div>`), subject)).toEqual([]);
  });

  it('makes serious and critical errors, moderate warnings, minor info', () => {
    expect(['critical', 'serious', 'moderate', 'minor'].map((i) => severityOf(i as 'minor'))).toEqual(['error', 'error', 'warning', 'info']);
  });

  it.each(['react', 'mjml'] as const)('finds nothing in the sample edition rendered by %s', async (engine) => {
    const edition = await loadEdition('content/2025-07-08-ai-issues-2025-h1.md');
    expect(checkEmc((await renderEmail(edition, { engine })).html, edition.subject)).toEqual([]);
  });
});
