import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ModuleRunner } from 'vite/module-runner';
import type { LoadResult } from '../content/load-edition.ts';
import type { Edition } from '../content/schema.ts';
import type { BuiltEdition } from '../render/build-edition.ts';
import type { Email } from '../render/email.ts';
import type { Engine } from '../render/render-email.ts';
import { bundleForNode, cachedBundle, digest } from './bundle-cache.mjs';
import type { ViteHost } from './vite-host.ts';

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
  /** Stops the Vite host, if it was started. */
  close(): Promise<void>;
}

export interface RenderPipelineOptions {
  root: string;
  /** The Vite server the module runner fetches the modules from; asked for when first needed. */
  vite: () => Promise<ViteHost>;
  /**
   * Until the first change, load the modules from a cached bundle instead (see below).
   * @default false
   */
  bundle?: boolean;
  /**
   * With `bundle`: how long after the last render the pipeline readies the runner. Not at
   * once: Vite's start takes a core for ~0.7 s, which the page's own requests (its script,
   * its checks) and a save right after it should not have to share. @default 3000
   */
  idleMs?: number;
}

interface Modules {
  readEdition: (file: string) => Promise<LoadResult>;
  renderEmail: (edition: Edition, options: { engine: Engine }) => Promise<Email>;
  buildEdition: (edition: Edition, options: { engine: Engine }) => Promise<BuiltEdition>;
}

interface Runtime {
  host: ViteHost;
  runner: ModuleRunner;
}

const IDLE_MS = 3000;

const ENTRIES = { content: 'src/content/load-edition.ts', email: 'src/render/render-email.ts', build: 'src/render/build-edition.ts' } as const;

/**
 * Loads src/content/load-edition.ts, src/render/render-email.ts and build-edition.ts of
 * `root` (and so emails/**) through a Vite module runner of their own. Node's ESM cache
 * can never forget a module, so re-importing a changed template natively would leak a
 * module graph per save; the runner evaluates modules as functions it can drop.
 * Dependencies in node_modules (React, React Email) stay native and load once. Vite itself
 * (resolving and transforming) runs wherever `vite` puts it: on a thread of its own in the
 * server (vite-host.ts).
 *
 * On a change, Vite's transform cache forgets the changed files (`host.changed`)
 * and the runner forgets them and every module that imports them, up to the entry
 * points: the next render evaluates exactly those again, so no stale module (a component
 * that imported the changed one) survives, and the parts the change cannot reach (the
 * Markdown loader, for a template edit) are not rebuilt. After a failed import the runner
 * may hold half-evaluated modules and Vite unresolved imports, so the next change forgets
 * every module and every transform instead.
 *
 * With `bundle`, the first pages do not wait for any of that: until the first change the
 * modules come from a Rolldown bundle of the same files, kept in
 * `<root>/node_modules/.cache/newsletter-preview/` and imported natively (one graph per
 * process, never reloaded, so nothing leaks). Loading Vite and transforming ~30 files
 * through it took most of a start (~0.7 s); the runner is readied once the server has
 * gone `idleMs` without a render instead, so that the first template save finds it warm. Anything
 * the bundle throws (a template bug) is retried through the runner, whose stacks point at
 * the source lines, and the runner is used from then on.
 */
export function createRenderPipeline(options: RenderPipelineOptions): RenderPipeline {
  const { root } = options;
  const entries = Object.fromEntries(Object.entries(ENTRIES).map(([name, path]) => [name, join(root, path)]));
  let runtime: Promise<Runtime> | undefined;
  /** Set once `runtime` has resolved: `invalidate` is synchronous. */
  let live: Runtime | undefined;
  let modules: Promise<Modules> | undefined;
  let importFailed = false;
  let bundled: Promise<Modules | undefined> | undefined;
  let useBundle = options.bundle ?? false;
  let idle: NodeJS.Timeout | undefined;

  const runtimeOf = (): Promise<Runtime> => {
    if (live && !live.host.alive) {
      // Its thread died: start again, with nothing kept from it.
      runtime = undefined;
      live = undefined;
      modules = undefined;
    }
    if (runtime) return runtime;
    const starting = (async () => {
      const host = await options.vite();
      const { createModuleRunner } = await import('./create-module-runner.ts');
      // Its stacks are source-mapped, so a throwing template reports its own file and line.
      live = { host, runner: createModuleRunner(host.transport) };
      return live;
    })();
    // Not kept when it fails: the next call tries again.
    starting.catch(() => {
      if (runtime === starting) runtime = undefined;
    });
    runtime = starting;
    return starting;
  };

  const viaRunner = (): Promise<Modules> => {
    if (modules) return modules;
    const loading = runtimeOf()
      .then(({ runner }) => Promise.all([runner.import(entries.content as string), runner.import(entries.email as string), runner.import(entries.build as string)]))
      .then(([content, email, build]) => ({ readEdition: content.readEdition, renderEmail: email.renderEmail, buildEdition: build.buildEdition }));
    // A failed import is not kept: the next call tries again (after the fix, or the same error).
    loading.catch(() => {
      importFailed = true;
      if (modules === loading) modules = undefined;
    });
    modules = loading;
    return loading;
  };

  const viaBundle = (): Promise<Modules | undefined> => {
    bundled ??= importBundle(root, entries).catch(() => undefined);
    return bundled;
  };

  /** Leaves the bundle for the runner, for good. */
  const leaveBundle = () => {
    useBundle = false;
    bundled = undefined;
    if (idle) clearTimeout(idle);
  };

  /** The runner, readied while nobody waits for it (a failure is reported by the first render that needs it). */
  const whenIdle = () => {
    if (idle) clearTimeout(idle);
    idle = setTimeout(() => void viaRunner().catch(() => {}), options.idleMs ?? IDLE_MS).unref();
  };

  const call = async <T>(use: (m: Modules) => Promise<T>): Promise<T> => {
    if (useBundle) {
      const bundle = await viaBundle();
      if (bundle && useBundle) {
        try {
          return await use(bundle);
        } catch {
          leaveBundle();
        } finally {
          if (useBundle && !modules) whenIdle();
        }
      } else {
        leaveBundle();
      }
    }
    return use(await viaRunner());
  };

  return {
    readEdition: (file) => call((m) => m.readEdition(file)),
    renderEmail: (edition, engine) => call((m) => m.renderEmail(edition, { engine })),
    buildEdition: (edition, engine) => call((m) => m.buildEdition(edition, { engine })),
    warm() {
      // A failure is reported by the first render that needs the modules.
      (useBundle ? viaBundle() : viaRunner()).catch(() => {});
    },
    invalidate(files) {
      leaveBundle();
      if (!live) return;
      const { host, runner } = live;
      host.changed(files);
      const evaluated = runner.evaluatedModules;
      if (importFailed) {
        // Transforms too: an importer transformed while its import did not exist keeps
        // the unresolved specifier until it is transformed again.
        host.invalidateAll();
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
    async close() {
      if (idle) clearTimeout(idle);
      const running = runtime;
      runtime = undefined;
      live = undefined;
      await (await running?.catch(() => undefined))?.host.close();
    },
  };
}

/**
 * The entries from a cached bundle in the project's node_modules (where the packages they
 * import are found); undefined without node_modules or when they do not bundle.
 */
async function importBundle(root: string, entries: Record<string, string>): Promise<Modules | undefined> {
  const nodeModules = join(root, 'node_modules');
  if (!(await stat(nodeModules).then((s) => s.isDirectory(), () => false))) return undefined;
  const files = await cachedBundle({
    cacheDir: join(nodeModules, '.cache', 'newsletter-preview'),
    name: `templates-${digest(root)}`,
    key: JSON.stringify(entries),
    build: () => bundleForNode(entries),
  });
  if (!files?.content || !files.email || !files.build) return undefined;
  const [content, email, build] = await Promise.all([files.content, files.email, files.build].map((file) => import(pathToFileURL(file).href)));
  return { readEdition: content.readEdition, renderEmail: email.renderEmail, buildEdition: build.buildEdition };
}
