import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadEdition } from '../../src/content/load-edition.ts';
import { rememberRender, renderEmailCached, rendererFingerprint, renderKey } from '../../src/render/render-cache.ts';
import { renderEmail } from '../../src/render/render-email.ts';

const sample = await loadEdition('content/2025-07-08-ai-issues-2025-h1.md');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'render-cache-'));
  dirs.push(dir);
  return dir;
}

describe('the render cache', () => {
  it('renders once, then answers the same email from the cache; another edition or engine is rendered afresh', async () => {
    const options = { dir: tempDir(), fingerprint: 'f1' };
    const first = await renderEmailCached(sample, 'react', options);
    expect(first.cached).toBe(false);
    expect(first.email).toEqual(await renderEmail(sample, { engine: 'react' }));
    const again = await renderEmailCached(sample, 'react', options);
    expect(again).toEqual({ email: first.email, cached: true });

    const edited = { ...sample, subject: `${sample.subject} (수정)` };
    const other = await renderEmailCached(edited, 'react', options);
    expect(other.cached).toBe(false);
    expect(other.email.subject).toBe(edited.subject);
    const mjml = await renderEmailCached(sample, 'mjml', options);
    expect(mjml.cached).toBe(false);
    expect(mjml.email.html).not.toBe(first.email.html);
    // Another renderer (an edited template, an upgraded dependency): another key.
    expect((await renderEmailCached(sample, 'react', { ...options, fingerprint: 'f2' })).cached).toBe(false);
  });

  it('ignores a damaged or foreign entry and writes it anew', async () => {
    const options = { dir: tempDir(), fingerprint: 'f1' };
    const key = renderKey(sample, 'react', 'f1');
    writeFileSync(join(options.dir, `${key}.json`), '{"key":"');
    expect((await renderEmailCached(sample, 'react', options)).cached).toBe(false);
    expect((await renderEmailCached(sample, 'react', options)).cached).toBe(true);
    // An entry under this name whose own key is another's (a copied file) is not taken.
    writeFileSync(join(options.dir, `${key}.json`), JSON.stringify({ key: 'other', email: { slug: 'x' } }));
    expect((await renderEmailCached(sample, 'react', options)).cached).toBe(false);
  });

  it('keeps what build rendered for the send, and only the newest 32 entries', async () => {
    const options = { dir: tempDir(), fingerprint: 'f1' };
    const email = await renderEmail(sample, { engine: 'react' });
    rememberRender(sample, 'react', email, options);
    expect(await renderEmailCached(sample, 'react', options)).toEqual({ email, cached: true });
    for (let i = 0; i < 40; i++) {
      writeFileSync(join(options.dir, `old-${i}.json`), '{}');
      utimesSync(join(options.dir, `old-${i}.json`), new Date(2000, 0, 1), new Date(2000, 0, 1 + i));
    }
    rememberRender({ ...sample, subject: 'newest' }, 'react', email, options);
    const left = readdirSync(options.dir);
    expect(left).toHaveLength(32);
    expect(left).toContain(`${renderKey({ ...sample, subject: 'newest' }, 'react', 'f1')}.json`);
    expect(left).not.toContain('old-0.json');
  });

  it('fingerprints every template and render source, the lockfile and Node: one changed byte, another fingerprint', () => {
    const root = tempDir();
    for (const dir of ['emails/components', 'src/render', 'src/content']) mkdirSync(join(root, dir), { recursive: true });
    writeFileSync(join(root, 'emails/components/Footer.tsx'), 'export const a = 1;');
    writeFileSync(join(root, 'src/render/render-email.ts'), 'export {};');
    writeFileSync(join(root, 'package-lock.json'), '{"lockfileVersion":3}');
    const before = rendererFingerprint(root);
    expect(rendererFingerprint(root)).toBe(before);
    writeFileSync(join(root, 'emails/components/Footer.tsx'), 'export const a = 2;');
    const afterTemplate = rendererFingerprint(root);
    expect(afterTemplate).not.toBe(before);
    writeFileSync(join(root, 'package-lock.json'), '{"lockfileVersion":3,"x":1}');
    expect(rendererFingerprint(root)).not.toBe(afterTemplate);
    // A new file counts too, and a file elsewhere (not rendering code) does not.
    const withLock = rendererFingerprint(root);
    writeFileSync(join(root, 'src/content/new.ts'), '');
    expect(rendererFingerprint(root)).not.toBe(withLock);
    const withNew = rendererFingerprint(root);
    mkdirSync(join(root, 'src/send'), { recursive: true });
    writeFileSync(join(root, 'src/send/x.ts'), 'export {};');
    expect(rendererFingerprint(root)).toBe(withNew);
  });
});
