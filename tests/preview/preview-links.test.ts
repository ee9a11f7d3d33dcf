import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreviewProcess } from '../../src/preview/spawn-preview-server.ts';
import { attributes } from '../support/html-attributes.ts';
import { EDITION_FILE, startPreview, tempProject, type TempProject } from './temp-project.ts';

/**
 * The preview shows the links readers will click: its source tab, its frames and its
 * links check all work on the rendered email, so they carry the campaign's UTM tags.
 */
const SLUG = '2025-07-09-utm-preview';
const FILE = `content/${SLUG}.md`;
const TAGS = `utm_source=newsletter&utm_medium=email&utm_campaign=${SLUG}`;

let project: TempProject;
let server: PreviewProcess;
let line: number;

beforeAll(async () => {
  project = await tempProject();
  // The sample under another slug, with a link left from drafting.
  const source = (await project.read(EDITION_FILE)).replace('\n## 딥시크 쇼크', '\n자료는 [보고서](https://example.com/report?id=3) 참고.\n\n## 딥시크 쇼크');
  line = source.split('\n').findIndex((l) => l.includes('https://example.com/report')) + 1;
  await project.write(FILE, source);
  server = await startPreview(project.root);
});
afterAll(async () => {
  await server?.close();
  await project?.remove();
});

describe.each(['react', 'mjml'])('the preview’s links, %s engine', (engine) => {
  it('shows the tagged links in the source and the personalized frame, and none on the unsubscribe and web links', async () => {
    const raw = (await (await fetch(`${server.url}/api/editions/${SLUG}?engine=${engine}&recipient=none`)).json()) as { source: string; text: string };
    const links = attributes(raw.source, 'a', 'href');
    expect(links).toContain(`https://example.com/report?id=3&${TAGS}`);
    expect(links.filter((url) => url.startsWith('https://may-i.io'))).toHaveLength(6);
    for (const url of links.filter((u) => u.startsWith('https://'))) expect(url).toContain(TAGS);
    expect(links).toEqual(expect.arrayContaining(['{{unsubscribe_url}}', '{{web_url}}']));
    expect(raw.text).toContain(`보고서 (https://example.com/report?id=3&${TAGS})`);

    const personal = (await (await fetch(`${server.url}/api/editions/${SLUG}?engine=${engine}&recipient=0`)).json()) as { source: string };
    const own = attributes(personal.source, 'a', 'href').filter((url) => url.startsWith('http://localhost:8787/'));
    expect(own).toHaveLength(2);
    for (const url of own) expect(url).not.toContain('utm_');
  });

  it('reports a bad link as readers get it, at the line it was written on', async () => {
    const report = (await (await fetch(`${server.url}/api/editions/${SLUG}/checks?engine=${engine}`)).json()) as { findings: { check: string; where?: string; message: string }[] };
    expect(report.findings.filter((f) => f.check === 'links')).toEqual([
      {
        check: 'links',
        severity: 'error',
        message: 'the link "https://example.com/report?id=3&utm_source=newsletter&utm_medium=email&utm_ca…" points at example.com, a placeholder host — write the real address (link text "보고서")',
        where: `${FILE}:${line}`,
      },
    ]);
  });
});
