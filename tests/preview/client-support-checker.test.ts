import { afterAll, describe, expect, it } from 'vitest';
import { checkClientSupport } from '../../src/check/check-client-support.ts';
import { createClientSupportChecker } from '../../src/preview/client-support-checker.ts';

const html = (text: string) =>
  `<!doctype html><html><head><style>@media (prefers-color-scheme: dark){.a{color:#fff!important}}</style></head><body><p class="a" style="border-radius:4px">${text}</p></body></html>`;

const checker = createClientSupportChecker();
afterAll(() => checker.close());

describe('the preview\'s caniemail check in a worker thread', () => {
  it('finds what the command finds', async () => {
    const inWorker = await checker.check(html('안녕하세요'));
    expect(inWorker).toEqual(checkClientSupport(html('안녕하세요')));
    expect(inWorker.map((f) => f.support?.feature)).toEqual(expect.arrayContaining(['@media', 'border-radius']));
  });

  it('answers a prose-only change from its cache, and checks a structural change again', async () => {
    const first = checker.check(html('첫 문장'));
    expect(checker.check(html('고친 문장'))).toBe(first);
    const structural = checker.check(html('<video></video>'));
    expect(structural).not.toBe(first);
    expect((await structural).map((f) => f.support?.feature)).toContain('<video> element');
  });

  it('answers a check made while the previous worker is still stopping', async () => {
    await checker.check(html('<i>먼저</i>'));
    const stopping = checker.close();
    const next = checker.check(html('<u>바로 다음</u>'));
    await stopping;
    expect((await next).length).toBeGreaterThan(0);
  });

  it('starts a new worker after close', async () => {
    await checker.close();
    expect((await checker.check(html('<b>다시</b>'))).length).toBeGreaterThan(0);
  });
});
