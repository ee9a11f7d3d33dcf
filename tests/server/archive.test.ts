import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createJournal } from '../../src/store/journal.ts';
import { openStore, type Store } from '../../src/store/open-store.ts';
import { NOW, startTestServer, type TestServer } from './harness.ts';

const FIXTURE = new URL('../fixtures/editions/minimal.md', import.meta.url);
const READER = 'reader.private@example.com';

let dir: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'newsletter-archive-'));
  mkdirSync(join(dir, 'content'));
  for (const slug of ['2025-01-02-sent', '2025-01-09-unsent', '2025-01-16-outboxed']) copyFileSync(FIXTURE, join(dir, 'content', `${slug}.md`));
  writeFileSync(join(dir, 'content', '2025-01-23-broken.md'), '---\nsubject: only a subject\n---\n');
  store = openStore(join(dir, 'newsletter.db'));
  // What `newsletter send` leaves behind: one campaign sent through Resend to a reader,
  // one only run into the outbox (journal id `<slug>@outbox`).
  const journal = createJournal(store);
  for (const id of ['2025-01-02-sent', '2025-01-16-outboxed@outbox']) {
    journal.beginCampaign({ id, subject: '작은 소식', transport: id.endsWith('@outbox') ? 'outbox' : 'resend', at: NOW });
    journal.recordBatch({ campaign: id, seq: 1, idempotencyKey: `k-${id}`, payloadHash: 'h', recipients: [{ email: READER, name: '김비밀', fields: {} }], at: NOW });
    journal.markAttempt(id, 1, NOW);
    journal.recordOutcomes(id, 1, [{ ok: true, id: 'resend-id-1' }], NOW);
  }
});

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const start = (archive?: 'all' | 'sent') => startTestServer({ dir, store, contentDir: join(dir, 'content'), publicUrl: 'https://news.example.com', ...(archive ? { archive } : {}) });

describe('GET /archive', () => {
  test('lists the editions sent through Resend, and only those', async () => {
    server = await start();
    const res = await fetch(`${server.url}/archive`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<a href="/archive/2025-01-02-sent">작은 소식</a>');
    expect(html).not.toContain('2025-01-09-unsent');
    expect(html).not.toContain('2025-01-16-outboxed');
    // A broken edition in the directory is skipped and logged, not fatal.
    expect(html).not.toContain('2025-01-23-broken');
    expect(server.logs.filter((l) => l.event === 'archive-edition-invalid')).toHaveLength(1);
  });

  test('--archive-all lists every valid edition, newest first', async () => {
    server = await start('all');
    const html = await (await fetch(`${server.url}/archive`)).text();
    const order = [...html.matchAll(/href="\/archive\/([^"]+)"/g)].map((m) => m[1]);
    // Same date (the fixture's) for all three: then by slug, descending.
    expect(order).toEqual(['2025-01-16-outboxed', '2025-01-09-unsent', '2025-01-02-sent']);
  });
});

describe('GET /archive/:slug', () => {
  test('serves the web version, with no recipient data and no merge slots', async () => {
    server = await start();
    const res = await fetch(`${server.url}/archive/2025-01-02-sent`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toContain('작은 소식');
    expect(html).toContain('첫 소식');
    expect(html).toContain('https://news.example.com/archive/2025-01-02-sent');
    expect(html).not.toMatch(/\{\{/);
    expect(html).not.toContain(READER);
    expect(html).not.toContain('김비밀');
    expect(html).not.toContain('/u/');
    // Rendered once, then served from memory.
    const again = await (await fetch(`${server.url}/archive/2025-01-02-sent`)).text();
    expect(again).toBe(html);
  });

  test.each([
    ['an edition not sent yet', '2025-01-09-unsent'],
    ['an edition only run into the outbox', '2025-01-16-outboxed'],
    ['an invalid edition', '2025-01-23-broken'],
    ['a slug of another case', '2025-01-02-SENT'],
    ['a path out of the directory', '..%2F..%2Fetc%2Fpasswd'],
    ['a file name', '2025-01-02-sent.md'],
  ])('404 for %s', async (_name, slug) => {
    server = await start();
    const res = await fetch(`${server.url}/archive/${slug}`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('페이지를 찾을 수 없습니다');
  });
});
