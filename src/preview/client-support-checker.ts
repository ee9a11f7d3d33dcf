import { Worker } from 'node:worker_threads';
import type { Finding } from '../check/finding.ts';
import { CLIENT_GLOBS, CLIENTS, groupClientSupport, structureOf, type DoiuseOutput } from '../check/group-client-support.ts';

export interface ClientSupportChecker {
  check(html: string): Promise<Finding[]>;
  close(): Promise<void>;
}

/** How long an idle worker is kept for the next check (a burst of saves, the index's editions). */
const IDLE_MS = 5_000;
const CACHE_SIZE = 16;

/**
 * The caniemail check for the preview, in a worker thread: its ~200 ms of work runs on
 * the other core instead of holding up the server (a save's frames are not kept waiting
 * behind the previous save's checks), and its ~30 MB of data is freed with the worker
 * when idle. Results are kept by the HTML's structure, so an edit to the prose costs no
 * check at all.
 */
export function createClientSupportChecker(): ClientSupportChecker {
  const cache = new Map<string, Promise<Finding[]>>();
  /** By request id, with the worker it was sent to. */
  const pending = new Map<number, { worker: Worker; resolve: (r: { output: DoiuseOutput; links: Record<string, string> }) => void; reject: (e: Error) => void }>();
  let worker: Worker | undefined;
  let idle: NodeJS.Timeout | undefined;
  let nextId = 0;

  const stop = () => {
    const w = worker;
    worker = undefined;
    return w?.terminate();
  };
  /**
   * Fails what was sent to `w` alone: a check made while an idle worker is still stopping
   * goes to a new one, and the old one's exit must not fail it.
   */
  const failAll = (w: Worker, error: Error) => {
    for (const [id, p] of pending) {
      if (p.worker !== w) continue;
      pending.delete(id);
      p.reject(error);
    }
  };
  const start = (): Worker => {
    if (worker) return worker;
    const w = new Worker(new URL('./client-support-worker.mjs', import.meta.url));
    w.on('message', (m: { id: number; output?: DoiuseOutput; links?: Record<string, string>; error?: string }) => {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (!p) return;
      if (m.output && m.links) p.resolve({ output: m.output, links: m.links });
      else p.reject(new Error(`caniemail check failed: ${m.error ?? 'no answer'}`));
    });
    w.on('error', (error) => failAll(w, error));
    w.on('exit', () => {
      if (worker === w) worker = undefined;
      failAll(w, new Error('the caniemail check stopped before answering'));
    });
    worker = w;
    return w;
  };

  const run = (html: string): Promise<Finding[]> => {
    if (idle) clearTimeout(idle);
    const id = nextId++;
    const w = start();
    const answer = new Promise<{ output: DoiuseOutput; links: Record<string, string> }>((resolve, reject) => pending.set(id, { worker: w, resolve, reject }));
    w.postMessage({ id, html, globs: CLIENT_GLOBS, clients: Object.keys(CLIENTS) });
    return answer
      .then(({ output, links }) => groupClientSupport(output, new Map(Object.entries(links))))
      .finally(() => {
        if (pending.size === 0) idle = setTimeout(() => void stop(), IDLE_MS).unref();
      });
  };

  return {
    check(html) {
      const key = structureOf(html);
      const kept = cache.get(key);
      if (kept) return kept;
      const findings = run(html);
      if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      cache.set(key, findings);
      findings.catch(() => cache.delete(key));
      return findings;
    },
    async close() {
      if (idle) clearTimeout(idle);
      await stop();
    },
  };
}
