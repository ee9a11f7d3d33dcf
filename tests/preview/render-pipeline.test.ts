import { join } from 'node:path';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeError } from '../../src/preview/describe-error.ts';
import { createRenderPipeline, type RenderPipeline } from '../../src/preview/render-pipeline.ts';
import { EDITION_FILE, tempProject, type TempProject } from './temp-project.ts';

let project: TempProject;
let vite: ViteDevServer;
let pipeline: RenderPipeline;

beforeAll(async () => {
  project = await tempProject();
  vite = await createServer({ root: project.root, configFile: false, logLevel: 'silent', appType: 'custom', server: { middlewareMode: true, hmr: false, ws: false, watch: null } });
  pipeline = createRenderPipeline(vite, project.root);
});
afterAll(async () => {
  await vite?.close();
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
