// The preview server's process entry. Plain JavaScript on purpose: it runs under bare
// `node`, not tsx: the server's own TypeScript is loaded as a cached bundle
// (import-server-code.mjs), and so are the project's templates until the first template
// save; from then on they go through a Vite module runner, Vite on a thread of its own
// (render-pipeline.ts, vite-host.ts). Under tsx's loader the same process needed
// ~170 MB more (tsx's loader thread holds what it loads).
import { importServerCode } from './import-server-code.mjs';
import { viteOptions } from './vite-options.mjs';

process.once('message', (settings) => {
  start(settings).catch((error) => {
    process.send?.({ type: 'failed', message: error instanceof Error ? error.message : String(error), code: error?.code });
    process.exitCode = 1;
    process.disconnect?.();
  });
});

async function start(settings) {
  const entry = new URL('./start-preview-server.ts', import.meta.url).pathname;
  const client = new URL('./client.ts', import.meta.url).pathname;
  const code = await importServerCode(entry, client);
  let vite;
  if (!code) vite = await createVite(settings.root);
  const { startPreviewServer } = code?.module ?? (await importThroughRunner(vite, entry));
  const server = await startPreviewServer(settings, code ? { clientFile: code.clientFile } : {});
  process.send?.({ type: 'ready', url: server.url });

  let closing = false;
  const close = async () => {
    if (closing) return;
    closing = true;
    await server.close();
    await vite?.close();
    process.exit(0);
  };
  process.on('SIGTERM', close);
  process.on('SIGINT', close);
  // The parent (`newsletter dev`, a test) went away: do not linger as an orphan.
  process.on('disconnect', close);
}

async function createVite(root) {
  const { createServer } = await import('vite');
  return createServer(viteOptions(root));
}

/**
 * The server's code through a module runner of its own, never invalidated: the way when
 * it does not bundle (a syntax error), as the runner reports the error's file and line.
 * Built as create-module-runner.ts builds it (see there why not createServerModuleRunner).
 */
async function importThroughRunner(vite, entry) {
  const { createServerModuleRunnerTransport } = await import('vite');
  const { createDefaultImportMeta, ESModulesEvaluator, ModuleRunner } = await import('vite/module-runner');
  const runner = new ModuleRunner(
    {
      transport: createServerModuleRunnerTransport({ channel: vite.environments.ssr.hot }),
      hmr: false,
      createImportMeta: createDefaultImportMeta,
      sourcemapInterceptor: 'prepareStackTrace',
    },
    new ESModulesEvaluator(),
  );
  return runner.import(entry);
}
