import { join } from 'node:path';
import type { ViteDevServer } from 'vite';
import type { ModuleRunner } from 'vite/module-runner';
import type { LoadResult } from '../content/load-edition.ts';
import type { Edition } from '../content/schema.ts';
import type { BuiltEdition } from '../render/build-edition.ts';
import type { Email } from '../render/email.ts';
import type { Engine } from '../render/render-email.ts';
import { createModuleRunner } from './create-module-runner.ts';

/** The loader and renderer of the project being previewed, as the files on disk say now. */
export interface RenderPipeline {
  readEdition(file: string): Promise<LoadResult>;
  /** The email alone: what the frames need, one React render. */
  renderEmail(edition: Edition, engine: Engine): Promise<Email>;
  /** The email and the web version: a second render, done only when the web tab asks. */
  buildEdition(edition: Edition, engine: Engine): Promise<BuiltEdition>;
  /**
   * A template or pipeline source file changed (or appeared, or went): the next call runs
   * a fresh module graph, with only the changed files transformed again.
   */
  invalidate(files: readonly string[]): void;
  /** Starts loading the modules now (at start-up), so that the first page finds them under way. */
  warm(): void;
}

interface Modules {
  readEdition: (file: string) => Promise<LoadResult>;
  renderEmail: (edition: Edition, options: { engine: Engine }) => Promise<Email>;
  buildEdition: (edition: Edition, options: { engine: Engine }) => Promise<BuiltEdition>;
}

/**
 * Loads src/content/load-edition.ts, src/render/render-email.ts and build-edition.ts of
 * `root` (and so emails/**) through a Vite module runner of their own. Node's ESM cache
 * can never forget a module, so re-importing a changed template natively would leak a
 * module graph per save; the runner evaluates modules as functions it can drop.
 * Dependencies in node_modules (React, React Email) stay native and load once.
 *
 * On a change, Vite's transform cache forgets the changed files (moduleGraph.onFileChange)
 * and the runner forgets them and every module that imports them, up to the entry
 * points: the next render evaluates exactly those again, so no stale module (a component
 * that imported the changed one) survives, and the parts the change cannot reach (the
 * Markdown loader, for a template edit) are not rebuilt. After a failed import the runner
 * may hold half-evaluated modules and Vite unresolved imports, so the next change forgets
 * every module and every transform instead.
 */
export function createRenderPipeline(vite: ViteDevServer, root: string): RenderPipeline {
  const environment = vite.environments.ssr;
  if (!environment) throw new Error('Vite has no ssr environment');
  // Its stacks are source-mapped, so a throwing template reports its own file and line.
  const runner: ModuleRunner = createModuleRunner(environment);
  let modules: Promise<Modules> | undefined;
  let importFailed = false;

  const load = (): Promise<Modules> => {
    if (modules) return modules;
    const loading = Promise.all([
      runner.import(join(root, 'src/content/load-edition.ts')),
      runner.import(join(root, 'src/render/render-email.ts')),
      runner.import(join(root, 'src/render/build-edition.ts')),
    ]).then(([content, email, build]) => ({ readEdition: content.readEdition, renderEmail: email.renderEmail, buildEdition: build.buildEdition }));
    // A failed import is not kept: the next call tries again (after the fix, or the same error).
    loading.catch(() => {
      importFailed = true;
      if (modules === loading) modules = undefined;
    });
    modules = loading;
    return loading;
  };

  return {
    async readEdition(file) {
      return (await load()).readEdition(file);
    },
    async renderEmail(edition, engine) {
      return (await load()).renderEmail(edition, { engine });
    },
    async buildEdition(edition, engine) {
      return (await load()).buildEdition(edition, { engine });
    },
    warm() {
      // A failure is reported by the first render that needs the modules.
      load().catch(() => {});
    },
    invalidate(files) {
      for (const file of files) environment.moduleGraph.onFileChange(file);
      const evaluated = runner.evaluatedModules;
      if (importFailed) {
        // Transforms too: an importer transformed while its import did not exist keeps
        // the unresolved specifier until it is transformed again.
        environment.moduleGraph.invalidateAll();
        evaluated.clear();
        importFailed = false;
      } else {
        const stack = files.flatMap((file) => [...(evaluated.getModulesByFile(file) ?? [])]);
        const seen = new Set<(typeof stack)[number]>();
        for (let node = stack.pop(); node; node = stack.pop()) {
          if (seen.has(node)) continue;
          seen.add(node);
          for (const id of node.importers) {
            const importer = evaluated.getModuleById(id);
            if (importer) stack.push(importer);
          }
          evaluated.invalidateModule(node);
        }
      }
      modules = undefined;
    },
  };
}
