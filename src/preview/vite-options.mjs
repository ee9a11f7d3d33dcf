// The preview's one Vite configuration, for the Vite thread (vite-worker.mjs) and for the
// fallback that runs the server's code through a module runner (boot.mjs). Plain
// JavaScript: both load it without a TypeScript loader.

/**
 * @param {string} root
 * @returns {import('vite').InlineConfig}
 */
export function viteOptions(root) {
  return {
    root,
    configFile: false,
    envFile: false,
    logLevel: 'silent',
    clearScreen: false,
    appType: 'custom',
    // No HTTP server, no HMR socket, no chokidar: the preview has its own server and
    // watcher, and only uses Vite to transform modules.
    server: { middlewareMode: true, hmr: false, ws: false, watch: null },
    // Nothing is served to a browser: no scan for browser dependencies to pre-bundle.
    optimizeDeps: { noDiscovery: true, include: [] },
  };
}
