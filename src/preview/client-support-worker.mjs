// Runs @jsx-email/doiuse-email off the preview server's main thread (see
// client-support-checker.ts). Plain JavaScript: a worker thread has no TypeScript loader.
// Gets {id, html, globs, clients}; answers {id, output, links} or {id, error}.
import { parentPort } from 'node:worker_threads';
import { DoIUseEmail, doIUseEmail } from '@jsx-email/doiuse-email';

let links;

parentPort.on('message', ({ id, html, globs, clients }) => {
  try {
    const result = doIUseEmail(html, { emailClients: globs });
    const output = { errors: result.success ? [] : result.errors, warnings: result.warnings, notes: result.notes };
    // Feature → caniemail page, as check-client-support.ts builds it (the union of each client's supported features).
    if (!links) {
      links = {};
      for (const client of clients) for (const f of new DoIUseEmail({ emailClients: [client] }).getSupportedFeatures()) links[f.name] = f.link;
    }
    parentPort.postMessage({ id, output, links });
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
