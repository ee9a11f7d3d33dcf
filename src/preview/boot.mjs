// The preview server's process entry. Plain JavaScript on purpose: it runs under bare
// `node`, not tsx, and loads every TypeScript file through Vite's module runner instead.
// Under tsx's loader the same process needed ~170 MB more (tsx's loader thread holds what
// it loads), and Vite is needed anyway: it gives the templates a module graph that can be
// thrown away and rebuilt on every save without restarting (see render-pipeline.ts).
import { createServer, createServerModuleRunnerTransport } from 'vite';
import { createDefaultImportMeta, ESModulesEvaluator, ModuleRunner } from 'vite/module-runner';

process.once('message', (settings) => {
  start(settings).catch((error) => {
    process.send?.({ type: 'failed', message: error instanceof Error ? error.message : String(error), code: error?.code });
    process.exitCode = 1;
    process.disconnect?.();
  });
});

async function start(settings) {
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
  // This runner holds the server's own code and is never invalidated; the render
  // pipeline gets a runner of its own (render-pipeline.ts). Built as
  // create-module-runner.ts builds it (see there why not createServerModuleRunner).
  const runner = new ModuleRunner(
    {
      transport: createServerModuleRunnerTransport({ channel: vite.environments.ssr.hot }),
      hmr: false,
      createImportMeta: createDefaultImportMeta,
      sourcemapInterceptor: 'prepareStackTrace',
    },
    new ESModulesEvaluator(),
  );
  const { startPreviewServer } = await runner.import(new URL('./start-preview-server.ts', import.meta.url).pathname);
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
