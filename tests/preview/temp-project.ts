import type { Page } from 'playwright-core';
import { copyFile, cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnPreviewServer, type PreviewProcess } from '../../src/preview/spawn-preview-server.ts';
import { launchChromium } from '../support/browser.ts';

const REPO = resolve(import.meta.dirname, '../..');

export interface TempProject {
  root: string;
  /** Reads a file of the copy. */
  read(path: string): Promise<string>;
  /** Writes a file of the copy, as an editor's save would. */
  write(path: string, text: string): Promise<void>;
  /** Replaces `from` by `to` in a file of the copy; throws when `from` is not there. */
  edit(path: string, from: string, to: string): Promise<void>;
  remove(): Promise<void>;
}

/**
 * A copy of the project's content/, emails/ and src/ in a temporary folder (node_modules
 * linked), so preview tests can edit editions and templates without touching the repo.
 */
export async function tempProject(): Promise<TempProject> {
  const root = await mkdtemp(join(tmpdir(), 'nl-preview-'));
  await Promise.all(['content', 'emails', 'src'].map((dir) => cp(join(REPO, dir), join(root, dir), { recursive: true })));
  await Promise.all(['tsconfig.json', 'package.json'].map((f) => copyFile(join(REPO, f), join(root, f))));
  await symlink(join(REPO, 'node_modules'), join(root, 'node_modules'), 'dir');
  const read = (path: string) => readFile(join(root, path), 'utf8');
  const write = (path: string, text: string) => writeFile(join(root, path), text);
  return {
    root,
    read,
    write,
    async edit(path, from, to) {
      const text = await read(path);
      if (!text.includes(from)) throw new Error(`${path} does not contain ${JSON.stringify(from)}`);
      await write(path, text.replace(from, to));
    },
    remove: () => rm(root, { recursive: true, force: true }),
  };
}

/** A preview server over `root` on a free port, its test sends to `<root>/out/outbox`. */
export function startPreview(root: string): Promise<PreviewProcess> {
  return spawnPreviewServer(
    {
      root,
      port: 0,
      host: '127.0.0.1',
      publicUrl: 'http://localhost:8787',
      secret: 'preview-test-secret-0123456789',
      outboxDir: 'out/outbox',
    },
    { silent: true },
  );
}

export const EDITION = '2025-07-08-ai-issues-2025-h1';
export const EDITION_FILE = `content/${EDITION}.md`;

export interface PreviewInChromium {
  project: TempProject;
  server: PreviewProcess;
  page: Page;
  /** Closes the browser and the server, and removes the project. */
  close(): Promise<void>;
}

/** A temporary project, its preview server, and a Chromium page `width` px wide (1,000 tall). */
export async function openPreviewInChromium(width: number): Promise<PreviewInChromium> {
  const project = await tempProject();
  const [server, browser] = await Promise.all([startPreview(project.root), launchChromium()]);
  const page = await browser.newPage({ viewport: { width, height: 1000 } });
  return {
    project,
    server,
    page,
    async close() {
      await browser.close();
      await server.close();
      await project.remove();
    },
  };
}

/** Waits until the preview frame `frame` shows `text` (the page updates itself; nothing reloads it). */
export async function frameShows(page: Page, frame: string, text: string, timeout = 15_000): Promise<void> {
  await page.waitForFunction(
    ([f, t]) => (document.querySelector<HTMLIFrameElement>(`iframe[data-frame="${f}"]`)?.contentDocument?.body?.innerText ?? '').includes(t as string),
    [frame, text],
    { timeout, polling: 'raf' },
  );
}
