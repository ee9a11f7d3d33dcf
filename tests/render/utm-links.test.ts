import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { loadEdition, parseEdition } from '../../src/content/load-edition.ts';
import type { Edition } from '../../src/content/schema.ts';
import { sampleMessage } from '../../src/check/sample-message.ts';
import { buildEdition } from '../../src/render/build-edition.ts';
import { ENGINES, renderEmail } from '../../src/render/render-email.ts';
import { withoutUtm, withUtm, withUtmLinks } from '../../src/render/utm-links.ts';
import { attributes } from '../support/html-attributes.ts';

const C = '2025-07-08-ai-issues-2025-h1';
const TAGS = `utm_source=newsletter&utm_medium=email&utm_campaign=${C}`;

describe('withUtm', () => {
  it('appends all three tags, with ? or & as the query needs', () => {
    expect(withUtm('https://may-i.io', C)).toBe(`https://may-i.io?${TAGS}`);
    expect(withUtm('https://may-i.io/blog/', C)).toBe(`https://may-i.io/blog/?${TAGS}`);
    expect(withUtm('https://may-i.io/a?id=3', C)).toBe(`https://may-i.io/a?id=3&${TAGS}`);
    expect(withUtm('https://may-i.io/a?', C)).toBe(`https://may-i.io/a?${TAGS}`);
    expect(withUtm('https://may-i.io/a?id=3&', C)).toBe(`https://may-i.io/a?id=3&${TAGS}`);
    expect(withUtm('http://may-i.io/a', C)).toBe(`http://may-i.io/a?${TAGS}`);
  });

  it('keeps the author’s own utm_* values and adds only the missing tags', () => {
    expect(withUtm('https://may-i.io/?utm_source=blog', C)).toBe(`https://may-i.io/?utm_source=blog&utm_medium=email&utm_campaign=${C}`);
    expect(withUtm('https://may-i.io/?utm_campaign=spring&utm_medium=social', C)).toBe('https://may-i.io/?utm_campaign=spring&utm_medium=social&utm_source=newsletter');
    expect(withUtm('https://may-i.io/?UTM_Source=blog', C)).toBe(`https://may-i.io/?UTM_Source=blog&utm_medium=email&utm_campaign=${C}`);
    const all = 'https://may-i.io/?utm_source=a&utm_medium=b&utm_campaign=c#top';
    expect(withUtm(all, C)).toBe(all);
  });

  it('keeps other parameters byte for byte and the fragment after the query', () => {
    expect(withUtm('https://may-i.io/보고서?q=%EA%B0%80+b&x#section-2', C)).toBe(`https://may-i.io/보고서?q=%EA%B0%80+b&x&${TAGS}#section-2`);
    expect(withUtm('https://may-i.io/#top', C)).toBe(`https://may-i.io/?${TAGS}#top`);
    expect(new URL(withUtm('https://may-i.io/a?id=3#top', C)).hash).toBe('#top');
  });

  it('leaves mailto:, other schemes, and merge slots (unsubscribe, web version) alone', () => {
    for (const url of [
      'mailto:contact@may-i.io',
      'mailto:contact@may-i.io?subject=%EC%88%98%EC%8B%A0%EA%B1%B0%EB%B6%80',
      'tel:02-123-4567',
      '{{unsubscribe_url}}',
      '{{web_url}}',
      'https://may-i.io/?ref={{name}}',
      '{{{contact.nl_unsubscribe_url}}}',
      '#top',
      '/relative',
    ]) {
      expect(withUtm(url, C)).toBe(url);
    }
  });

  it('encodes the campaign as a query value', () => {
    expect(withUtm('https://may-i.io', 'a b&c=d#e')).toBe('https://may-i.io?utm_source=newsletter&utm_medium=email&utm_campaign=a%20b%26c%3Dd%23e');
    expect(new URL(withUtm('https://may-i.io', 'a b&c=d#e')).searchParams.get('utm_campaign')).toBe('a b&c=d#e');
  });

  it('is undone by withoutUtm, which takes off only what withUtm added', () => {
    for (const url of ['https://may-i.io', 'https://may-i.io/a?id=3#top', 'https://may-i.io/?utm_source=blog', 'https://may-i.io/?utm_campaign=spring#x']) {
      expect(withoutUtm(withUtm(url, C), C)).toBe(url);
    }
    // Another campaign's tags, or tags in the middle of the query, are the author's.
    expect(withoutUtm(`https://may-i.io/?utm_campaign=other`, C)).toBe('https://may-i.io/?utm_campaign=other');
    expect(withoutUtm(`https://may-i.io/?${TAGS}&id=3`, C)).toBe(`https://may-i.io/?${TAGS}&id=3`);
  });
});

/** Every href of every <a> (the masthead, inline links, "read more", the button), `&amp;` decoded. */
const hrefs = (html: string) => attributes(html, 'a', 'href');
const isWeb = (url: string) => /^https?:\/\//i.test(url);
const EXCLUDED = ['{{unsubscribe_url}}', '{{web_url}}', 'mailto:contact@may-i.io'];

function expectTagged(url: string, campaign: string) {
  const params = new URL(url).searchParams;
  expect(params.get('utm_source'), url).toBe('newsletter');
  expect(params.get('utm_medium'), url).toBe('email');
  expect(params.get('utm_campaign'), url).toBe(campaign);
}

/** URLs spelled out in the text part (the same pattern as the links check). */
const textUrls = (text: string) => [...text.matchAll(/\b(?:https?:\/\/|mailto:)[^\s)>\]]+/gi)].map((m) => m[0]);

const SAMPLE = 'content/2025-07-08-ai-issues-2025-h1.md';
const sample = await loadEdition(SAMPLE);
const source = await readFile(SAMPLE, 'utf8');

/** The sample with inline links the sample lacks: a query and fragment, the author's own utm_source, one in bold in a list, and a body link to the web version. */
function richer(extraFrontMatter = ''): Edition {
  const text = source
    .replace('\nnotes:', `\n${extraFrontMatter}notes:`)
    .replace(
      '- 개발비: 챗GPT',
      '- **[보고서](https://may-i.io/report?id=3#fig-2)** 참고\n- [블로그](https://may-i.io/blog?utm_source=blog) 참고\n- 개발비: 챗GPT',
    )
    .replace('그래서 올해 상반기를', '[웹에서 읽기]({{web_url}}) 그래서 올해 상반기를');
  const result = parseEdition(text, SAMPLE);
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.edition;
}

describe.each(ENGINES)('UTM tags through the %s engine and the text part', (engine) => {
  it('tags every http(s) link of the sample, and none of the unsubscribe, web-version and mailto links', async () => {
    const email = await renderEmail(sample, { engine });
    const links = hrefs(email.html);
    const web = links.filter(isWeb);
    // Masthead, four "자세히 보기", the button: not vacuous.
    expect(web).toHaveLength(6);
    for (const url of web) expectTagged(url, C);
    for (const excluded of EXCLUDED) expect(links).toContain(excluded);
    expect(links.filter((url) => !isWeb(url)).sort()).toEqual([...EXCLUDED].sort());

    const spelled = textUrls(email.text);
    expect(spelled.filter(isWeb)).toHaveLength(5);
    for (const url of spelled.filter(isWeb)) expectTagged(url, C);
    expect(email.text).toContain('웹에서 보기: {{web_url}}\n수신거부 Unsubscribe: {{unsubscribe_url}}');
  });

  it('escapes the & between tags in HTML attributes, and only there', async () => {
    const email = await renderEmail(sample, { engine });
    expect(email.html).toContain(`href="https://may-i.io?utm_source=newsletter&amp;utm_medium=email&amp;utm_campaign=${C}"`);
    expect(email.html).not.toContain('&amp;amp;');
    expect(email.html).not.toMatch(/href="[^"]*&utm_/);
    expect(email.text).toContain(`자세히 보기: https://may-i.io?${TAGS}\n`);
    expect(email.text).not.toContain('&amp;');
  });

  it('tags inline links in bold and in lists, keeping the author’s query, fragment and utm_source; leaves a body {{web_url}} alone', async () => {
    const email = await renderEmail(richer(), { engine });
    const links = hrefs(email.html);
    expect(links).toContain(`https://may-i.io/report?id=3&${TAGS}#fig-2`);
    expect(links).toContain(`https://may-i.io/blog?utm_source=blog&utm_medium=email&utm_campaign=${C}`);
    expect(links.filter((url) => url === '{{web_url}}')).toHaveLength(2);
    for (const url of links.filter(isWeb)) expect(new URL(url).searchParams.get('utm_campaign')).toBe(C);
    expect(email.text).toContain(`보고서 (https://may-i.io/report?id=3&${TAGS}#fig-2) 참고`);
    expect(email.text).toContain(`블로그 (https://may-i.io/blog?utm_source=blog&utm_medium=email&utm_campaign=${C}) 참고`);
    expect(email.text).toContain('웹에서 읽기 ({{web_url}})');
  });

  it('tags the logo’s link too', async () => {
    const logo = { ...sample, publisher: { ...sample.publisher, logo: { src: 'https://may-i.io/logo.png', alt: '메이아이', width: 120 } } };
    const email = await renderEmail(logo, { engine });
    expect(attributes(email.html, 'img', 'src')).toContain('https://may-i.io/logo.png');
    const web = hrefs(email.html).filter(isWeb);
    expect(web).toHaveLength(6);
    for (const url of web) expectTagged(url, C);
  });

  it('leaves every link as written under utm: false', async () => {
    const off = richer('utm: false\n');
    expect(off.utm).toBe(false);
    const email = await renderEmail(off, { engine });
    expect(email.html).not.toContain('utm_medium');
    expect(email.text).not.toContain('utm_medium');
    expect(hrefs(email.html)).toContain('https://may-i.io/report?id=3#fig-2');
    expect(hrefs(email.html)).toContain('https://may-i.io/blog?utm_source=blog');
    expect((await buildEdition(off, { engine })).web).not.toContain('utm_medium');
  });
});

describe('UTM tags after personalization and in the web version', () => {
  it('never reach the unsubscribe or web-version links the send step fills in', async () => {
    const email = await renderEmail(sample);
    const message = sampleMessage(sample, email, { publicUrl: 'https://news.may-i.io', secret: 'utm-test-secret-0123456789' });
    const links = hrefs(message.html);
    const unsubscribe = links.filter((url) => url.startsWith('https://news.may-i.io/u/'));
    const webVersion = links.filter((url) => url.startsWith('https://news.may-i.io/archive/'));
    expect(unsubscribe).toHaveLength(1);
    expect(webVersion).toEqual([`https://news.may-i.io/archive/${C}`]);
    expect(unsubscribe[0]).not.toContain('?');
    expect(message.headers['List-Unsubscribe']).not.toContain('utm_');
    for (const url of links.filter((u) => isWeb(u) && !u.startsWith('https://news.may-i.io/'))) expectTagged(url, C);
    expect(message.text).toContain(`웹에서 보기: https://news.may-i.io/archive/${C}\n`);
    expect(message.text).toMatch(/수신거부 Unsubscribe: https:\/\/news\.may-i\.io\/u\/[^\s?]+\n/);
  });

  it('carries the email’s tagged links in the web version, but not on its own 웹에서 보기 and 수신거부 links', async () => {
    const built = await buildEdition(sample, { webUrl: 'https://news.may-i.io/archive/x' });
    const links = hrefs(built.web);
    expect(links).toContain('https://news.may-i.io/archive/x');
    expect(links.filter((url) => url.startsWith('mailto:'))).toEqual(['mailto:contact@may-i.io', 'mailto:contact@may-i.io?subject=%EC%88%98%EC%8B%A0%EA%B1%B0%EB%B6%80']);
    const tagged = links.filter((url) => isWeb(url) && url !== 'https://news.may-i.io/archive/x');
    expect(tagged).toHaveLength(6);
    for (const url of tagged) expectTagged(url, C);
  });

  it('falls back to the publisher’s URL, untagged, for the web version’s own link', async () => {
    const built = await buildEdition(sample);
    expect(hrefs(built.web)).toContain('https://may-i.io');
  });

  it('does not change the edition it is given', () => {
    const before = structuredClone(sample);
    const tagged = withUtmLinks(sample);
    expect(sample).toEqual(before);
    expect(tagged.cta?.url).toBe(`https://may-i.io?${TAGS}`);
    expect(withUtmLinks({ ...sample, utm: false })).toEqual({ ...sample, utm: false });
  });
});
