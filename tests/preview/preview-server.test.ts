import { get } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreviewProcess } from '../../src/preview/spawn-preview-server.ts';
import { spawnPreviewServer } from '../../src/preview/spawn-preview-server.ts';
import { EDITION, EDITION_FILE, startPreview, tempProject, type TempProject } from './temp-project.ts';

let project: TempProject;
let server: PreviewProcess;

beforeAll(async () => {
  project = await tempProject();
  server = await startPreview(project.root);
});
afterAll(async () => {
  await server?.close();
  await project?.remove();
});

/** Reads server-sent events until `until` says stop. */
async function readEvents(response: Response, until: (events: { event: string; data: string }[]) => boolean): Promise<{ event: string; data: string }[]> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const events: { event: string; data: string }[] = [];
  let buffer = '';
  while (!until(events)) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event) events.push({ event, data: data ?? '' });
    }
  }
  await reader.cancel();
  return events;
}

describe('the preview server over HTTP', () => {
  it('listens on 127.0.0.1 and serves the edition page with its render inlined', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${server.url}/e/${EDITION}`);
    expect(response.status).toBe(200);
    const html = await response.text();
    const state = JSON.parse(/<script type="application\/json" id="state">(.*?)<\/script>/s.exec(html)?.[1] ?? 'null') as { ok: boolean; subject: string; frames: { light: string } };
    expect(state.ok).toBe(true);
    expect(state.subject).toBe('(광고) 4가지로 정리하는 2025 상반기 AI 이슈');
    // Personalized for the first row of the sample list unless the URL asks otherwise.
    expect(state.frames.light).toContain('김민지님, 안녕하세요.');
    expect(state.frames.light).not.toContain('{{unsubscribe_url}}');
    expect(html).not.toMatch(/<\/script>.*<\/script>.*<\/script>/s);
  });

  it('personalizes for a row of the sample list, shows the raw slots for none, and falls back to the first row', async () => {
    const picked = (await (await fetch(`${server.url}/api/editions/${EDITION}?recipient=1`)).json()) as { recipient: number; text: string; personalizedBytes: number };
    expect(picked.recipient).toBe(1);
    expect(picked.text).toContain('이서준님, 안녕하세요.');
    expect(picked.personalizedBytes).toBeGreaterThan(0);
    const none = (await (await fetch(`${server.url}/api/editions/${EDITION}?recipient=none`)).json()) as { recipient: number | null; text: string };
    expect(none.recipient).toBeNull();
    expect(none.text).toContain('{{greeting}}');
    const beyond = (await (await fetch(`${server.url}/api/editions/${EDITION}?recipient=999`)).json()) as { recipient: number | null; text: string };
    expect(beyond.recipient).toBe(0);
    expect(beyond.text).toContain('김민지님, 안녕하세요.');
  });

  it('answers 404 for an edition that is not in content/, including path tricks', async () => {
    expect((await fetch(`${server.url}/e/nope`)).status).toBe(404);
    expect((await fetch(`${server.url}/api/editions/..%2Fpackage`)).status).toBe(404);
    expect((await fetch(`${server.url}/api/editions/${EDITION}/checks`)).status).toBe(200);
  });

  it('refuses a request for another host name (DNS rebinding)', async () => {
    const port = new URL(server.url).port;
    // fetch() will not send a Host of our choosing; node:http will.
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const request = get(`${server.url}/`, { headers: { host: `rebind.example.com:${port}` } }, (response) => {
        response.resume();
        resolve(response.statusCode);
      });
      request.on('error', reject);
    });
    expect(status).toBe(421);
    expect((await fetch(`${server.url.replace('127.0.0.1', 'localhost')}/`)).status).toBe(200);
  });

  it('refuses a test send from another origin, or not as JSON, or to no edition', async () => {
    const url = `${server.url}/api/editions/${EDITION}/test-send`;
    const json = { 'content-type': 'application/json' };
    const crossSite = await fetch(url, { method: 'POST', headers: { ...json, origin: 'https://attacker.example.com' }, body: JSON.stringify({ to: 'a@may-i.io' }) });
    expect(crossSite.status).toBe(403);
    const form = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'to=a@may-i.io' });
    expect(form.status).toBe(415);
    const badBody = await fetch(url, { method: 'POST', headers: json, body: JSON.stringify({ to: 5 }) });
    expect(badBody.status).toBe(400);
    const missing = await fetch(`${server.url}/api/editions/nope/test-send`, { method: 'POST', headers: json, body: JSON.stringify({ to: 'a@may-i.io' }) });
    expect(missing.status).toBe(404);
  });

  it('tells open pages over server-sent events which edition changed', async () => {
    const response = await fetch(`${server.url}/events`);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const events = readEvents(response, (e) => e.some((x) => x.event === 'change'));
    await new Promise((r) => setTimeout(r, 100));
    await project.edit(EDITION_FILE, '## 딥시크 쇼크', '## 딥시크 쇼크!');
    expect((await events).find((e) => e.event === 'change')?.data).toBe(JSON.stringify({ editions: [EDITION] }));
    const state = (await (await fetch(`${server.url}/api/editions/${EDITION}`)).json()) as { text: string };
    expect(state.text).toContain('딥시크 쇼크!');
  });
});

describe('starting the preview server', () => {
  it('says which port is taken and how to pick another', async () => {
    const port = Number(new URL(server.url).port);
    await expect(
      spawnPreviewServer({ root: project.root, port, host: '127.0.0.1', publicUrl: 'http://localhost:8787', secret: 'preview-test-secret-0123456789', outboxDir: 'out/outbox' }, { silent: true }),
    ).rejects.toThrow(`port ${port} on 127.0.0.1 is taken — stop what uses it, or pass --port ${port + 1}`);
  });

  it('stops cleanly, with open event streams, and exits 0', async () => {
    const second = await startPreview(project.root);
    const stream = await fetch(`${second.url}/events`);
    expect(stream.status).toBe(200);
    expect(await second.close()).toBe(0);
  });

  it('renders by the engine asked for, and opens with --engine when given one', async () => {
    type State = { engine: string; htmlBytes: number; source: string };
    const state = async (url: string) => (await (await fetch(url)).json()) as State;
    // The source as written (merge slots), whose size htmlBytes is.
    const own = await state(`${server.url}/api/editions/${EDITION}?recipient=none`);
    const mjml = await state(`${server.url}/api/editions/${EDITION}?engine=mjml&recipient=none`);
    expect(own.engine).toBe('react');
    expect(mjml.engine).toBe('mjml');
    expect(mjml.source).toContain('mj-column');
    expect(mjml.htmlBytes).toBe(Buffer.byteLength(mjml.source));
    expect(mjml.htmlBytes).not.toBe(own.htmlBytes);
    const checks = (await (await fetch(`${server.url}/api/editions/${EDITION}/checks?engine=mjml`)).json()) as { errors: number };
    expect(checks.errors).toBe(0);

    const second = await spawnPreviewServer(
      { root: project.root, port: 0, host: '127.0.0.1', publicUrl: 'http://localhost:8787', secret: 'preview-test-secret-0123456789', outboxDir: 'out/outbox', engine: 'mjml' },
      { silent: true },
    );
    try {
      expect((await state(`${second.url}/api/editions/${EDITION}`)).engine).toBe('mjml');
      expect((await state(`${second.url}/api/editions/${EDITION}?engine=react`)).engine).toBe('react');
    } finally {
      await second.close();
    }
  });
});
