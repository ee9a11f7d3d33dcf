import { describe, expect, it } from 'vitest';
import { urlProblem } from '../../src/check/url-problem.ts';

describe('urlProblem', () => {
  it.each([
    'https://may-i.io',
    'https://may-i.io/blog/2025/ai?utm_source=newsletter#top',
    '{{unsubscribe_url}}',
    '{{ web_url }}',
    'mailto:contact@may-i.io?subject=%EC%88%98%EC%8B%A0%EA%B1%B0%EB%B6%80',
    'tel:+82-2-123-4567',
  ])('accepts %s', (url) => {
    expect(urlProblem(url, 'link')).toBeUndefined();
  });

  it.each([
    ['', 'empty address'],
    ['#', 'a placeholder'],
    ['#section', 'a placeholder'],
    ['http://may-i.io', 'uses http://'],
    ['/archive/1', 'not an absolute https:// URL'],
    ['javascript:alert(1)', 'not an absolute https:// URL'],
    ['https://example.com', 'placeholder host'],
    ['https://www.example.org/page', 'placeholder host'],
    ['https://shop.test/x', 'placeholder host'],
    ['https://localhost:3000/', 'placeholder host'],
    ['https://may-i.io/TODO', 'looks like a placeholder'],
    ['https://may-i.io/your-link-here', 'looks like a placeholder'],
    ['https://may-i.io/?u={{name}}', 'embedded merge slot'],
    ['{{unsubscribe_url}', 'broken or embedded merge slot'],
    ['mailto:', 'has no address'],
  ])('refuses %j (%s)', (url, why) => {
    expect(urlProblem(url, 'link')).toContain(why);
  });

  it('allows mailto: only for links, not images', () => {
    expect(urlProblem('mailto:contact@may-i.io', 'image')).toContain('not an absolute https:// URL');
  });
});
