import { subscribe, unsubscribe } from 'node:diagnostics_channel';

/**
 * How long a request took to leave this process: from its rate-limit slot to the moment its
 * body was fully handed to the socket. Node's fetch is undici, and undici publishes that
 * moment on the `undici:request:bodySent` diagnostics channel; the resend SDK calls fetch,
 * so this sees its requests without touching the SDK.
 *
 * Why the send loop wants it: a provider counts a request against its rate limit when the
 * request arrives, and a 3.5 MB batch, already encoded when its slot comes, leaves ~5 ms
 * after it at the median but ~10 ms at p90 and more when this process or the receiving
 * end is busy (on the local server, measured with undici's channels). The answer's latency bounds that too, but it also holds the
 * provider's processing time, which says nothing about arrival and varies far more (on the
 * local server the latency overstated the arrival delay by ~35 ms at p90). See
 * send/rate-limiter.ts.
 *
 * Requests are matched by their Idempotency-Key header: the send loop gives every batch
 * its own key and never has two attempts of one batch in flight.
 */
export interface UploadWatch {
  /** Milliseconds from `watchUpload` to the body sent, or undefined when not seen. */
  readonly uploadMs: number | undefined;
  /** Stop watching (always call it, also on error). */
  dispose(): void;
}

const CHANNEL = 'undici:request:bodySent';
const watches = new Map<string, { start: number; sentAt?: number }>();

function onBodySent(message: unknown): void {
  const key = headerOf((message as { request?: { headers?: unknown } }).request?.headers, 'idempotency-key');
  if (key === undefined) return;
  const watch = watches.get(key);
  if (watch !== undefined && watch.sentAt === undefined) watch.sentAt = performance.now();
}

/** undici 6 keeps request headers as a flat [name, value, …] array; undici 5 as one "name: value\r\n" string. */
function headerOf(headers: unknown, name: string): string | undefined {
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) {
      if (String(headers[i]).toLowerCase() === name) return String(headers[i + 1]);
    }
    return undefined;
  }
  if (typeof headers === 'string') {
    for (const line of headers.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === name) return line.slice(colon + 1).trim();
    }
  }
  return undefined;
}

/** Starts timing the request that will carry `idempotencyKey`. Subscribed only while something is watched. */
export function watchUpload(idempotencyKey: string): UploadWatch {
  const entry: { start: number; sentAt?: number } = { start: performance.now() };
  if (watches.size === 0) subscribe(CHANNEL, onBodySent);
  watches.set(idempotencyKey, entry);
  let disposed = false;
  return {
    get uploadMs() {
      return entry.sentAt === undefined ? undefined : entry.sentAt - entry.start;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      if (watches.get(idempotencyKey) === entry) watches.delete(idempotencyKey);
      if (watches.size === 0) unsubscribe(CHANNEL, onBodySent);
    },
  };
}
