import { Worker } from 'node:worker_threads';
import type { ModuleRunnerTransport } from 'vite/module-runner';

/** The Vite server a module runner fetches its (transformed) modules from. */
export interface ViteHost {
  transport: ModuleRunnerTransport;
  /** Files changed: their transforms are forgotten. */
  changed(files: readonly string[]): void;
  /** Every transform is forgotten. */
  invalidateAll(): void;
  /** False once the host can no longer answer (its thread stopped). */
  readonly alive: boolean;
  close(): Promise<void>;
}

type Answer = { result: unknown } | { error: unknown };

/** How long Vite gets to close before its thread is stopped. */
const CLOSE_MS = 2000;

/**
 * Vite on a worker thread of its own (vite-worker.mjs): loading it (~250 ms), creating
 * the server and transforming the templates (~300 ms more) run on the other core, never
 * holding up a request or a content save on the server's thread, which only evaluates
 * the modules it is sent. Resolves once Vite is up.
 */
export function viteInWorker(root: string): Promise<ViteHost> {
  const worker = new Worker(new URL('./vite-worker.mjs', import.meta.url), { workerData: { root } });
  // The HTTP server keeps the process alive; a forgotten host does not.
  worker.unref();
  const pending = new Map<number, (answer: Answer) => void>();
  let nextId = 0;
  let alive = true;
  let stopped = 'the Vite thread stopped';
  const failAll = () => {
    for (const answer of pending.values()) answer({ error: { name: 'Error', message: stopped } });
    pending.clear();
  };
  const host: ViteHost = {
    transport: {
      invoke: (payload) =>
        new Promise<Answer>((resolve) => {
          if (!alive) return resolve({ error: { name: 'Error', message: stopped } });
          const id = nextId++;
          pending.set(id, resolve);
          worker.postMessage({ type: 'invoke', id, payload });
        }),
    },
    changed(files) {
      if (alive) worker.postMessage({ type: 'changed', files });
    },
    invalidateAll() {
      if (alive) worker.postMessage({ type: 'invalidate-all' });
    },
    get alive() {
      return alive;
    },
    async close() {
      if (!alive) return;
      alive = false;
      // Vite closes itself (it may be writing to node_modules/.vite); cut short if it hangs.
      const exited = new Promise((done) => worker.once('exit', done));
      worker.postMessage({ type: 'close' });
      const timer = setTimeout(() => void worker.terminate(), CLOSE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
  return new Promise((resolve, reject) => {
    worker.on('message', (message: { type: 'ready' } | { type: 'answer'; id: number; answer: Answer }) => {
      if (message.type === 'ready') return resolve(host);
      pending.get(message.id)?.(message.answer);
      pending.delete(message.id);
    });
    worker.on('error', (error) => {
      stopped = `the Vite thread stopped: ${error.message}`;
      reject(error);
    });
    worker.on('exit', () => {
      alive = false;
      reject(new Error(stopped));
      failAll();
    });
  });
}
