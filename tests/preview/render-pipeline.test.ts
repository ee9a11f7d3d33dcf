import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { digest } from '../../src/preview/bundle-cache.mjs';
import { describeError } from '../../src/preview/describe-error.ts';
import { createRenderPipeline, type RenderPipeline } from '../../src/preview/render-pipeline.ts';
import { viteInWorker } from '../../src/preview/vite-host.ts';
import { EDITION_FILE, tempProject, type TempProject } from './temp-project.ts';

let project: TempProject;
let pipeline: RenderPipeline;

beforeAll(async () => {
  project = await tempProject();
  pipeline = createRenderPipeline({ root: project.root, vite: () => viteInWorker(project.root) });
});
afterAll(async () => {
  await pipeline?.close();
  await project?.remove();
});

async function html(): Promise<string> {
  const loaded = await pipeline.readEdition(join(project.root, EDITION_FILE));
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  return (await pipeline.renderEmail(loaded.edition, loaded.edition.engine)).html;
}

/** Saves a file of the copy and tells the pipeline, as the watcher would. */
async function save(path: string, text: string): Promise<void> {
  await project.write(path, text);
  pipeline.invalidate([join(project.root, path)]);
}

describe('the render pipeline', () => {
  it('renders the edition from the copy\'s own templates', async () => {
    expect(await html()).toContain('수신거부 Unsubscribe');
  });

  it('re-evaluates every module that imports a changed one, however deep', async () => {
    const theme = await project.read('emails/theme.ts');
    await save('emails/theme.ts', theme.replace("accent: '#3454d1'", "accent: '#123456'"));
    // theme.ts → components → newsletter.tsx → render-email.ts: all of them see the change.
    expect(await html()).toContain('#123456');
    await save('emails/theme.ts', theme);
    expect(await html()).not.toContain('#123456');
  });

  it('reports a syntax error with its file and line, and recovers when it is fixed', async () => {
    const footer = await project.read('emails/components/footer.tsx');
    await save('emails/components/footer.tsx', footer.replace('const link =', 'const link = = ;'));
    const error = await html().then(() => undefined, (e: unknown) => e);
    const line = footer.split('\n').findIndex((l) => l.includes('const link =')) + 1;
    expect(describeError(error, project.root).where).toMatch(new RegExp(`^emails/components/footer\\.tsx:${line}:\\d+$`));
    await save('emails/components/footer.tsx', footer);
    expect(await html()).toContain('수신거부 Unsubscribe');
  });

  it('recovers from an import of a file that does not exist yet, once it does', async () => {
    const footer = await project.read('emails/components/footer.tsx');
    await save('emails/components/footer.tsx', `import { note } from './note.ts';\n${footer.replace('웹에서 보기\n', '{note}\n')}`);
    expect(describeError(await html().then(() => undefined, (e: unknown) => e), project.root).message).toContain('./note.ts cannot be imported');
    await save('emails/components/note.ts', "export const note = '새 파일에서 온 문구';\n");
    expect(await html()).toContain('새 파일에서 온 문구');
    await save('emails/components/footer.tsx', footer);
    expect(await html()).not.toContain('새 파일에서 온 문구');
  });
});

describe('the render pipeline, from a cached bundle until the first change', () => {
  let copy: TempProject;
  const pipelines: RenderPipeline[] = [];
  /**
   * A pipeline over `copy` as a new server process makes it (Vite on a thread of its own,
   * started when asked for), counting how often it asks for Vite; by default it never
   * readies the runner by itself.
   */
  const bundled = (idleMs = 3_600_000) => {
    const asked = { vite: 0 };
    const made = createRenderPipeline({
      root: copy.root,
      vite: () => {
        asked.vite += 1;
        return viteInWorker(copy.root);
      },
      bundle: true,
      idleMs,
    });
    pipelines.push(made);
    return { pipeline: made, asked };
  };
  const render = async (p: RenderPipeline) => {
    const loaded = await p.readEdition(join(copy.root, EDITION_FILE));
    if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
    return (await p.renderEmail(loaded.edition, loaded.edition.engine)).html;
  };
  const manifest = async () => JSON.parse(await readFile(join(copy.root, 'node_modules/.cache/newsletter-preview', `templates-${digest(copy.root)}.json`), 'utf8')) as { dir: string };

  beforeAll(async () => {
    copy = await tempProject();
  });
  afterAll(async () => {
    await Promise.all(pipelines.map((p) => p.close()));
    await copy?.remove();
  });

  it('renders without Vite, and a second start reuses the bundle', async () => {
    const first = bundled();
    expect(await render(first.pipeline)).toContain('수신거부 Unsubscribe');
    expect(first.asked.vite).toBe(0);
    const { dir } = await manifest();
    const second = bundled();
    expect(await render(second.pipeline)).toContain('수신거부 Unsubscribe');
    expect(second.asked.vite).toBe(0);
    expect((await manifest()).dir).toBe(dir);
  });

  it('goes through the runner after a template change, and bundles the changed file at the next start', async () => {
    const { pipeline: p, asked } = bundled();
    expect(await render(p)).not.toContain('#654321');
    const { dir } = await manifest();
    const theme = await copy.read('emails/theme.ts');
    await copy.write('emails/theme.ts', theme.replace("accent: '#3454d1'", "accent: '#654321'"));
    p.invalidate([join(copy.root, 'emails/theme.ts')]);
    expect(await render(p)).toContain('#654321');
    expect(asked.vite).toBe(1);

    const next = bundled();
    expect(await render(next.pipeline)).toContain('#654321');
    expect(next.asked.vite).toBe(0);
    expect((await manifest()).dir).not.toBe(dir);
    await copy.write('emails/theme.ts', theme);
  });

  it('readies the runner once idle, so that the first template save finds it ready', async () => {
    const { pipeline: p, asked } = bundled(50);
    expect(await render(p)).toContain('수신거부 Unsubscribe');
    expect(asked.vite).toBe(0);
    await vi.waitFor(() => expect(asked.vite).toBe(1), { timeout: 10_000 });
    const theme = await copy.read('emails/theme.ts');
    await copy.write('emails/theme.ts', theme.replace("accent: '#3454d1'", "accent: '#abcdef'"));
    try {
      p.invalidate([join(copy.root, 'emails/theme.ts')]);
      expect(await render(p)).toContain('#abcdef');
      expect(asked.vite).toBe(1);
    } finally {
      await copy.write('emails/theme.ts', theme);
    }
  });

  it('reports a template that throws with its own file and line, through the runner', async () => {
    const footer = await copy.read('emails/components/footer.tsx');
    const signature = 'export function Footer({ edition, links }: { edition: Edition; links: FooterLinks }) {';
    await copy.write('emails/components/footer.tsx', footer.replace(signature, `${signature}\n  if (edition) throw new Error('footer exploded');`));
    try {
      const { pipeline: p, asked } = bundled();
      const error = await render(p).then(() => undefined, (e: unknown) => e);
      const line = footer.split('\n').findIndex((l) => l.startsWith(signature)) + 2;
      expect(describeError(error, copy.root)).toMatchObject({ message: 'footer exploded', where: expect.stringMatching(new RegExp(`^emails/components/footer\\.tsx:${line}:\\d+$`)) });
      expect(asked.vite).toBe(1);
    } finally {
      await copy.write('emails/components/footer.tsx', footer);
    }
  });

  it('reports a syntax error with its file and line (it does not bundle)', async () => {
    const footer = await copy.read('emails/components/footer.tsx');
    await copy.write('emails/components/footer.tsx', footer.replace('const link =', 'const link = = ;'));
    try {
      const { pipeline: p } = bundled();
      const error = await render(p).then(() => undefined, (e: unknown) => e);
      const line = footer.split('\n').findIndex((l) => l.includes('const link =')) + 1;
      expect(describeError(error, copy.root).where).toMatch(new RegExp(`^emails/components/footer\\.tsx:${line}:\\d+$`));
    } finally {
      await copy.write('emails/components/footer.tsx', footer);
    }
  });
});
