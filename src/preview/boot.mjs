// The preview server's process entry. Plain JavaScript on purpose: it runs under bare
// `node`, not tsx: the server's own TypeScript is loaded as a cached bundle
// (import-server-code.mjs), the project's templates through Vite's module runner.
// Under tsx's loader the same process needed ~170 MB more (tsx's loader thread holds what
// it loads), and Vite is needed anyway: it gives the templates a module graph that can be
// thrown away and rebuilt on every save without restarting (see render-pipeline.ts).
import { createServer, createServerModuleRunnerTransport } from 'vite';
import { createDefaultImportMeta, ESModulesEvaluator, ModuleRunner } from 'vite/module-runner';
import { importServerCode } from './import-server-code.mjs';

process.once('message', (settings) => {
  start(settings).catch((error) => {
    process.send?.({ type: 'failed', message: error instanceof Error ? error.message : String(error), code: error?.code });
    process.exitCode = 1;
    process.disconnect?.();
  });
});

async function start(settings) {
  const entry = new URL('./start-preview-server.ts', import.meta.url).pathname;
  // Both at once: reading (or bundling) the server's code waits on the disk meanwhile.
  const code = importServerCode(entry);
  const vite = await createServer({
    root: settings.root,
    configFile: false,
    envFile: false,
    logLevel: 'silent',
    clearScreen: false,
    appType: 'custom',
    // No HTTP server, no HMR socket, no chokidar: the preview has its own server and
    // watcher, and only uses Vite to transform and run modules.
    server: { middlewareMode: true, hmr: false, ws: false, watch: null },
  });
  const { startPreviewServer } = (await code) ?? (await importThroughRunner(vite, entry));
  const server = await startPreviewServer(settings, vite);
  process.send?.({ type: 'ready', url: server.url });

  let closing = false;
  const close = async () => {
    if (closing) return;
    closing = true;
    await server.close();
    await vite.close();
    process.exit(0);
  };
  process.on('SIGTERM', close);
  process.on('SIGINT', close);
  // The parent (`newsletter dev`, a test) went away: do not linger as an orphan.
  process.on('disconnect', close);
}

/**
 * The server's code through a module runner of its own, never invalidated: the way when
 * it does not bundle (a syntax error), as the runner reports the error's file and line.
 * Built as create-module-runner.ts builds it (see there why not createServerModuleRunner).
 */
function importThroughRunner(vite, entry) {
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
