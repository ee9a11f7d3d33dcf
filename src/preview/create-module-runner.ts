import { createDefaultImportMeta, ESModulesEvaluator, ModuleRunner, type ModuleRunnerTransport } from 'vite/module-runner';

/**
 * A module runner like Vite's createServerModuleRunner, minus one thing: its
 * `import.meta` for Node registers a module resolution hook to support
 * `import.meta.resolve`, and on Node 20 (no `registerHooks`) that hook runs on a loader
 * thread of its own, so from then on every native import in the process (React, React
 * Email, Prism…) is resolved across threads: ~10% of the server's start-up time and a
 * second V8 heap. Nothing here calls `import.meta.resolve`; `import.meta.url` and
 * `dirname` are kept. boot.mjs builds its runner the same way.
 */
export function createModuleRunner(transport: ModuleRunnerTransport): ModuleRunner {
  return new ModuleRunner(
    {
      transport,
      hmr: false,
      createImportMeta: createDefaultImportMeta,
      // Stack traces of runner modules point at their own source lines (Vite maps them).
      sourcemapInterceptor: 'prepareStackTrace',
    },
    new ESModulesEvaluator(),
  );
}
