import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { watchProject, type ProjectChange } from '../../src/preview/watch-project.ts';

let root: string;
let changes: ProjectChange[];
let watcher: { close(): void };

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'nl-watch-'));
  await Promise.all(['content', 'emails/components', 'src/render'].map((d) => mkdir(join(root, d), { recursive: true })));
  changes = [];
  watcher = watchProject(root, (c) => changes.push(c));
});
afterEach(async () => {
  watcher.close();
  await rm(root, { recursive: true, force: true });
});

const settle = () => new Promise((r) => setTimeout(r, 150));

describe('watchProject', () => {
  it('reports edition saves as slugs, once per burst', async () => {
    await writeFile(join(root, 'content/2025-01-06-a.md'), 'one');
    await writeFile(join(root, 'content/2025-01-06-a.md'), 'two');
    await writeFile(join(root, 'content/2025-01-13-b.md'), 'three');
    await settle();
    expect(changes).toHaveLength(1);
    expect(changes[0]?.editions.sort()).toEqual(['2025-01-06-a', '2025-01-13-b']);
    expect(changes[0]?.templates).toEqual([]);
  });

  it('reports template and pipeline sources in subfolders, with absolute paths', async () => {
    await writeFile(join(root, 'emails/components/footer.tsx'), 'x');
    await writeFile(join(root, 'src/render/render-email.ts'), 'y');
    await settle();
    const templates = changes.flatMap((c) => c.templates).sort();
    expect(templates).toEqual([join(root, 'emails/components/footer.tsx'), join(root, 'src/render/render-email.ts')]);
  });

  it('notices the sample list, and ignores editor scratch files and other content', async () => {
    await writeFile(join(root, 'content/.2025-01-06-a.md.swp'), 'x');
    await writeFile(join(root, 'content/notes.txt'), 'x');
    await writeFile(join(root, 'emails/4913'), 'x');
    await writeFile(join(root, 'emails/footer.tsx~'), 'x');
    await settle();
    expect(changes).toEqual([]);
    await writeFile(join(root, 'content/subscribers.sample.csv'), 'email\na@may-i.io\n');
    await settle();
    expect(changes).toEqual([{ editions: [], recipients: true, templates: [] }]);
  });
});
