// The preview's Vite server, on a thread of its own (see vite-host.ts). Plain JavaScript:
// a worker thread has no TypeScript loader. Gets
//   {type: 'invoke', id, payload}  a module runner's request (fetchModule), answered {type: 'answer', id, answer}
//   {type: 'changed', files}       files saved: their transforms are forgotten
//   {type: 'invalidate-all'}       every transform is forgotten
//   {type: 'close'}                Vite closes, and the thread ends
// and says {type: 'ready'} once Vite is up.
import { parentPort, workerData } from 'node:worker_threads';
import { createServer } from 'vite';
import { viteOptions } from './vite-options.mjs';

const vite = await createServer(viteOptions(workerData.root));
const environment = vite.environments.ssr;

parentPort.on('message', (message) => {
  if (message.type === 'invoke') {
    void environment.hot.handleInvoke(message.payload).then((answer) => {
      try {
        parentPort.postMessage({ type: 'answer', id: message.id, answer: 'error' in answer ? { error: plain(answer.error) } : answer });
      } catch (error) {
        // Something in it does not clone: the runner still gets an answer.
        parentPort.postMessage({ type: 'answer', id: message.id, answer: { error: { name: 'Error', message: `the Vite thread could not answer: ${error.message}` } } });
      }
    });
  } else if (message.type === 'changed') {
    for (const file of message.files) environment.moduleGraph.onFileChange(file);
  } else if (message.type === 'invalidate-all') {
    environment.moduleGraph.invalidateAll();
  } else if (message.type === 'close') {
    void vite.close().finally(() => process.exit(0));
  }
});
parentPort.postMessage({ type: 'ready' });

/**
 * An error as data that survives the trip to the other thread whole. Cloned as they are,
 * errors keep only their message and stack, and a syntax error's file and line are in
 * the properties of the errors it holds (`errors[0].loc`, `id`), which describe-error.ts
 * reads.
 */
function plain(value, depth = 0) {
  if (typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8) return undefined;
  if (Array.isArray(value)) return value.map((item) => plain(item, depth + 1));
  const copy = value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : {};
  for (const [key, item] of Object.entries(value)) copy[key] = plain(item, depth + 1);
  return copy;
}
