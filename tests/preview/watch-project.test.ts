import { writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
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
    // Synchronous writes: microseconds apart, as an editor's save burst.
    writeFileSync(join(root, 'content/2025-01-06-a.md'), 'one');
    writeFileSync(join(root, 'content/2025-01-06-a.md'), 'two');
    writeFileSync(join(root, 'content/2025-01-13-b.md'), 'three');
    await vi.waitFor(() => expect(changes.flatMap((c) => c.editions).sort()).toEqual(['2025-01-06-a', '2025-01-13-b']));
    await settle();
    expect(changes).toHaveLength(1);
    expect(changes.flatMap((c) => c.templates)).toEqual([]);
  });

  it('reports template and pipeline sources in subfolders, with absolute paths', async () => {
    await writeFile(join(root, 'emails/components/footer.tsx'), 'x');
    await writeFile(join(root, 'src/render/render-email.ts'), 'y');
    await vi.waitFor(() =>
      expect([...new Set(changes.flatMap((c) => c.templates))].sort()).toEqual([join(root, 'emails/components/footer.tsx'), join(root, 'src/render/render-email.ts')]),
    );
  });

  it('notices the sample list, and ignores editor scratch files and other content', async () => {
    await writeFile(join(root, 'content/.2025-01-06-a.md.swp'), 'x');
    await writeFile(join(root, 'content/notes.txt'), 'x');
    await writeFile(join(root, 'emails/4913'), 'x');
    await writeFile(join(root, 'emails/footer.tsx~'), 'x');
    await settle();
    expect(changes).toEqual([]);
    await writeFile(join(root, 'content/subscribers.sample.csv'), 'email\na@may-i.io\n');
    // One async writeFile is open+truncate, write, close: on a loaded machine its events can
    // land in two settle windows (seen in CI), so the test asks what each report says.
    await vi.waitFor(() => expect(changes.length).toBeGreaterThan(0));
    for (const change of changes) expect(change).toEqual({ editions: [], recipients: true, templates: [] });
  });
});
