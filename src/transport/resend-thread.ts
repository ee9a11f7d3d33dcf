import { Worker } from 'node:worker_threads';
import type { Resend } from 'resend';

type BatchPayload = Parameters<Resend['batch']['send']>[0];
type BatchOptions = NonNullable<Parameters<Resend['batch']['send']>[1]>;
type EmailPayload = Parameters<Resend['emails']['send']>[0];
type EmailOptions = NonNullable<Parameters<Resend['emails']['send']>[1]>;
export type BatchResponse = Awaited<ReturnType<Resend['batch']['send']>>;
export type EmailResponse = Awaited<ReturnType<Resend['emails']['send']>>;

interface Call {
  resolve: (response: unknown) => void;
  reject: (error: Error) => void;
  onSent: (() => void) | undefined;
  detach: () => void;
}

/** The process's one SDK thread, and the calls waiting for it. */
let worker: Worker | undefined;
let nextId = 0;
const pending = new Map<number, Call>();

function failAll(error: Error): void {
  worker = undefined;
  for (const call of pending.values()) {
    call.detach();
    call.reject(error);
  }
  pending.clear();
}

function start(): Worker {
  const w = new Worker(new URL('./resend-worker.mjs', import.meta.url));
  w.on('message', (message: { id: number; response?: unknown; sent?: true; thrown?: string }) => {
    const call = pending.get(message.id);
    if (call === undefined) return;
    if (message.sent === true) {
      call.onSent?.();
      return;
    }
    pending.delete(message.id);
    call.detach();
    if (pending.size === 0) w.unref();
    if (message.thrown !== undefined) call.reject(new Error(`resend SDK: ${message.thrown}`));
    else call.resolve(message.response);
  });
  w.on('error', (error) => failAll(error));
  w.on('exit', (code) => failAll(new Error(`the resend worker thread exited (code ${code}) with calls in flight`)));
  return w;
}

/**
 * The resend SDK on a worker thread (resend-worker.mjs): `resend.batch.send` and
 * `resend.emails.send`, the same SDK calls, made over there.
 *
 * Why a worker: a batch is 100 emails of ~35 KB of Hangul text. The SDK stringifies it
 * (~7 ms), and Node's fetch then checks the string is well-formed, encodes it to 3.5 MB of
 * UTF-8 and copies it (~30 ms), all on the calling thread. On the send loop's thread that
 * held every timer up — the rate limiter's included — for ~40 ms at a time, ten times a
 * second, and made each request leave at an uneven moment; every late start is a late
 * arrival at Resend that the next requests must wait out. Here, the send loop keeps its
 * thread for pacing, personalization and the journal; the messages cross by structured
 * clone (~3 ms).
 *
 * One thread for the process, started with the first transport (loading the SDK there
 * takes a few hundred ms, once); it holds the process open only while calls are in flight.
 * `onSent` is told when a call's request has fully left (undici's bodySent, over there).
 */
export function createResendThread(client: { apiKey: string; baseUrl?: string }) {
  // Started now, so the SDK has loaded by the time the first batch is ready; idle, it does
  // not keep the process alive.
  worker ??= start();
  worker.unref();

  function call<R>(kind: 'batch' | 'email', payload: unknown, options: object, signal: AbortSignal, onSent?: () => void): Promise<R> {
    worker ??= start();
    const w = worker;
    const id = ++nextId;
    return new Promise<R>((resolve, reject) => {
      // The worker aborts that call's fetch; the caller races its own signal and does not wait for it.
      const onAbort = () => w.postMessage({ abort: id });
      signal.addEventListener('abort', onAbort, { once: true });
      const detach = () => signal.removeEventListener('abort', onAbort);
      pending.set(id, { resolve: resolve as (response: unknown) => void, reject, onSent, detach });
      w.ref();
      w.postMessage({ id, client, kind, payload, options });
    });
  }

  return {
    batch: (payload: BatchPayload, options: Omit<BatchOptions, 'signal'>, signal: AbortSignal, onSent?: () => void) =>
      call<BatchResponse>('batch', payload, options, signal, onSent),
    email: (payload: EmailPayload, options: Omit<EmailOptions, 'signal'>, signal: AbortSignal, onSent?: () => void) =>
      call<EmailResponse>('email', payload, options, signal, onSent),
  };
}
