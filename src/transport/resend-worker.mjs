// The resend SDK's calls, on a thread of their own (see resend.ts, "Why a worker").
// Plain JavaScript: a worker thread has no TypeScript loader.
//
// In:  { id, client: { apiKey, baseUrl? }, kind: 'batch' | 'email', payload, options }
//                                                           a call: resend.batch.send / resend.emails.send
//      { abort: id }                                        cancel that call (its fetch is aborted)
// Out: { id, sent: true }                                  the request's body has fully left
//      { id, response: { data, error, headers } }           what the SDK resolved
//      { id, thrown }                                       the SDK threw (a bug, or an abort)
import { subscribe } from 'node:diagnostics_channel';
import { parentPort } from 'node:worker_threads';
import { Resend } from 'resend';

/** One SDK client per (API key, base URL): one thread serves every transport of the process. */
const clients = new Map();
function clientFor({ apiKey, baseUrl }) {
  const id = `${apiKey}\n${baseUrl ?? ''}`;
  let client = clients.get(id);
  if (client === undefined) {
    client = new Resend(apiKey, baseUrl === undefined ? undefined : { baseUrl });
    clients.set(id, client);
  }
  return client;
}

/** Calls in flight: id → their abort controller; Idempotency-Key → id, until the body has left. */
const controllers = new Map();
const unsent = new Map();

// Node's fetch is undici, which says on this channel when a request's body has been handed
// to the socket. The request is told by its Idempotency-Key: the send loop gives every batch
// its own, and never has two attempts of one batch in flight.
subscribe('undici:request:bodySent', ({ request }) => {
  const key = headerOf(request?.headers, 'idempotency-key');
  const id = key === undefined ? undefined : unsent.get(key);
  if (id === undefined) return;
  unsent.delete(key);
  parentPort.postMessage({ id, sent: true });
});

/** undici 6 keeps request headers as a flat [name, value, …] array; undici 5 as one "name: value\r\n" string. */
function headerOf(headers, name) {
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) if (String(headers[i]).toLowerCase() === name) return String(headers[i + 1]);
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

parentPort.on('message', async (message) => {
  if (message.abort !== undefined) {
    controllers.get(message.abort)?.abort();
    return;
  }
  const { id, client, kind, payload, options } = message;
  const controller = new AbortController();
  controllers.set(id, controller);
  const key = options.idempotencyKey;
  unsent.set(key, id);
  try {
    const call = { ...options, signal: controller.signal };
    const resend = clientFor(client);
    const response = kind === 'email' ? await resend.emails.send(payload, call) : await resend.batch.send(payload, call);
    parentPort.postMessage({ id, response });
  } catch (error) {
    parentPort.postMessage({ id, thrown: error instanceof Error ? error.message : String(error) });
  } finally {
    controllers.delete(id);
    if (unsent.get(key) === id) unsent.delete(key);
  }
});
