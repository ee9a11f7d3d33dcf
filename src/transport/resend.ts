import { Resend } from 'resend';
import { NewsletterError } from '../errors.ts';
import { filledPartsOf, jsonChunks, type FilledText } from './filled-text.ts';
import { TransportError, type BatchResult, type Message, type MessageOutcome, type SendOptions, type Transport } from './transport.ts';
import { watchUpload } from './upload-timing.ts';

export interface ResendTransportOptions {
  apiKey: string;
  /**
   * The API's base URL (a local server in tests). When left out the SDK reads
   * RESEND_BASE_URL itself, else https://api.resend.com.
   */
  baseUrl?: string;
  /** Abort a call that has not answered after this long; the batch is then retryable. @default 30_000 */
  timeoutMs?: number;
  /**
   * `permissive`: an email Resend refuses (a bad address) fails alone, at its index, and
   * the rest are sent. `strict`: one bad email fails the whole batch. @default 'permissive'
   */
  batchValidation?: 'permissive' | 'strict';
}

/** Resend's limit for `POST /emails/batch`. */
const MAX_BATCH = 100;

/**
 * Sends batches through the resend SDK (`POST /emails/batch`; a scheduled message alone
 * through `POST /emails`). The body is encoded here, before the rate-limit slot, and given
 * to the SDK's `post` ready-made (see `encodeBody`, `RawPostOptions`); otherwise this is
 * what `resend.batch.send` does, byte for byte.
 *
 * The SDK is thin, and its traps are handled here (read from resend@6.38.0 dist/index.mjs):
 * - It never throws for an API error and never retries: it resolves `{ data, error,
 *   headers }`. Every error is turned into a TransportError that says `retryable`.
 * - It has no timeout. It spreads its request options into `fetch`, so the `signal` we
 *   pass does abort the request; an abort then comes back as a generic "Unable to
 *   fetch data" error (statusCode null), so we tell a timeout by our own signal.
 * - A dropped connection also resolves as that generic error, with `headers: null`.
 * - It sends no `text` part for `react:` emails; we never use `react`, we send the html
 *   and text the personalizer made.
 * It keeps no state between calls: pacing and retries belong to the send loop.
 */
export function createResendTransport(options: ResendTransportOptions): Transport {
  const { apiKey, baseUrl, timeoutMs = 30_000, batchValidation = 'permissive' } = options;
  if (typeof apiKey !== 'string' || apiKey.trim() === '') {
    // new Resend('') would quietly fall back to process.env.RESEND_API_KEY.
    throw new NewsletterError('no-api-key', 'No Resend API key given — set RESEND_API_KEY, or send to the outbox with --transport outbox.');
  }
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) {
    throw new NewsletterError('bad-option', `Expected \`timeoutMs\` to be an integer from 1 and up, got \`${String(timeoutMs)}\``);
  }
  const resend = new Resend(apiKey, baseUrl === undefined ? undefined : { baseUrl });

  return {
    name: 'resend',
    maxBatch: MAX_BATCH,

    async sendBatch(messages: Message[], { idempotencyKey, signal, acquireSlot }: SendOptions): Promise<BatchResult> {
      if (messages.length === 0) return { outcomes: [] };
      if (messages.length > MAX_BATCH) {
        throw new TransportError(`A Resend batch holds at most ${MAX_BATCH} emails, got ${messages.length}.`, {
          retryable: false,
          code: 'batch-too-large',
        });
      }
      // Resend's batch endpoint ignores `scheduled_at` ("not supported yet", its docs say), so
      // a scheduled message goes alone through POST /emails, which holds it until then.
      const scheduledAt = messages[0]?.scheduledAt;
      if (scheduledAt !== undefined && messages.length !== 1) {
        throw new TransportError(`A scheduled batch must hold one message, got ${messages.length}: Resend's batch endpoint ignores scheduled_at.`, {
          retryable: false,
          code: 'scheduled-batch',
        });
      }
      const cancelled = () => new TransportError('The batch was cancelled before it was sent.', { retryable: true, code: 'aborted' });
      if (signal?.aborted) throw cancelled();

      // The body first, then the slot: see encodeBody.
      const single = scheduledAt !== undefined;
      const body = single ? encodeBody([messages[0] as Message], false) : encodeBody(messages, true);
      if (acquireSlot !== undefined && !(await acquireSlot())) throw cancelled();
      if (signal?.aborted) throw cancelled();

      // The timeout runs from the slot: waiting for one is not the provider being slow.
      const timeout = AbortSignal.timeout(timeoutMs);
      const combined = signal === undefined ? timeout : AbortSignal.any([timeout, signal]);
      const upload = watchUpload(idempotencyKey);
      const options: RawPostOptions = {
        idempotencyKey,
        signal: combined,
        body: streamOf(body.blocks),
        duplex: 'half',
        // Said outright, as fetch says it for a body it can measure: no chunked encoding.
        headers: { 'content-length': String(body.length), ...(single ? {} : { 'x-batch-validation': batchValidation }) },
      };
      const response = await raceAbort(
        single
          ? resend.post<{ id: string }>('/emails', undefined, options).then((r) => (r.error === null ? { ...r, data: { data: [r.data] } } : r))
          : resend.post<BatchAnswer>('/emails/batch', undefined, options),
        combined,
      ).finally(() => upload.dispose());

      if (response === ABORTED || (response.error !== null && combined.aborted)) {
        throw timeout.aborted
          ? new TransportError(`Resend did not answer within ${timeoutMs} ms; the batch may or may not have been sent — retry it with the same key.`, {
              retryable: true,
              code: 'timeout',
            })
          : new TransportError('The batch was cancelled while in flight; retry it with the same key.', { retryable: true, code: 'aborted' });
      }

      const headers = response.headers ?? {};
      if (response.error !== null) {
        const error = toTransportError(response.error, headers);
        const { rateLimit } = rateLimitOf(headers);
        // Every answer counts against the team's limit and says so: errors too.
        throw rateLimit === undefined ? error : new TransportError(error.message, { retryable: error.retryable, code: error.code, rateLimit, ...(error.status === undefined ? {} : { status: error.status }), ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }) });
      }

      const data = response.data;
      const errors = 'errors' in data && Array.isArray(data.errors) ? data.errors : [];
      const { uploadMs } = upload;
      return { outcomes: outcomesOf(messages.length, data.data, errors), ...rateLimitOf(headers), ...(uploadMs === undefined ? {} : { uploadMs }) };
    },

    async close() {},
  };
}

/** What `POST /emails/batch` answers; `errors` only in permissive mode. */
type BatchAnswer = { data: { id: string }[]; errors?: { index: number; message: string }[] };

/**
 * `resend.post`'s options plus the request body, already encoded. The SDK spreads its
 * options over the request it builds — `{ method, body: JSON.stringify(entity), ...options,
 * headers }` (resend@6.38.0 dist/index.mjs, `post`) — so a `body` given here is the one
 * fetch sends, and `entity` is left undefined; `duplex` goes to fetch with it (a stream
 * body needs it). The SDK still does the rest: the base URL, the API key and user-agent
 * headers, `Idempotency-Key`, fetch, and reading the answer.
 * tests/transport/resend.test.ts checks the bytes against `resend.batch.send`'s.
 */
type RawPostOptions = NonNullable<Parameters<Resend['post']>[2]> & { body: ReadableStream<Uint8Array>; duplex: 'half' };

/** The body's bytes in blocks of this size (the last one shorter): see encodeBody. */
const BLOCK_BYTES = 64 * 1024;

/**
 * A fresh stream over the blocks for each attempt (a stream is read once). The blocks are
 * not copied again: fetch hands a stream's chunks to the socket as they are.
 */
function streamOf(blocks: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  let next = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const block = blocks[next++];
      if (block === undefined) controller.close();
      else controller.enqueue(block);
    },
  });
}

/**
 * One email as the SDK's batch.send and emails.send put it on the wire
 * (resend@6.38.0 `parseEmailToApiOptions`): the same keys in the same order, so the body is
 * byte for byte what they would send. That matters beyond tidiness: a batch left in flight
 * by an older version is resent under its idempotency key, and Resend answers a key
 * reused with a different payload with a 409.
 */
function apiEmail<T>(m: Message, html: T, text: T) {
  return {
    from: m.from,
    headers: m.headers,
    html,
    reply_to: m.replyTo,
    scheduled_at: m.scheduledAt,
    subject: m.subject,
    tags: m.tags,
    text,
    to: m.to,
  };
}

/**
 * The request body as UTF-8, made before the call takes its rate-limit slot: the JSON
 * array of the batch's emails (`asArray`), or the one email's object. The same bytes as
 * `utf8.encode(JSON.stringify(…))` of `apiEmail`'s objects, which is what fetch would
 * send for batch.send: tests/transport/resend.test.ts compares them.
 *
 * Handing the SDK objects, as batch.send does, cost ~40 ms of this thread per 100-email
 * batch *inside* the slot: JSON.stringify, then fetch's USVString conversion of the 3.5 MB
 * string (toWellFormed) and its UTF-8 encoding. All of it delayed the request's arrival
 * at Resend by a different amount each time. Made before the slot by JSON.stringify and
 * TextEncoder it was still 17–36 ms a batch, on the thread that fires the rate limiter's
 * timers. A message from the personalizer keeps its html and text as the edition's
 * literal chunks and the recipient's values (filled-text.ts): the literals are encoded
 * once per edition, so a batch only encodes its values and small fields and copies
 * bytes (~2 ms a batch at the median, measured in bench/throughput). Any other message is
 * encoded whole.
 *
 * The bytes come out in 64 KB blocks, not as one 3.5 MB buffer, and go to fetch as a
 * stream. Given one buffer, fetch copies it into a new one first (undici's extractBody:
 * `buffer.slice`), inside the rate-limit slot. Each 3.5 MB buffer is fresh memory, and on
 * this machine (a VM) first touching fresh memory is slow: the copy took 0.4 ms at the
 * median but 10–15 ms at p90, so did our own concatenation, and 1 request in 10 left
 * 15 ms late (undici's diagnostics channels; a CPU profile put 80% of those 15 ms in
 * extractBody). Blocks of 64 KB come from memory the allocator reuses.
 */
function encodeBody(messages: readonly Message[], asArray: boolean): { blocks: Uint8Array[]; length: number } {
  const chunks: Uint8Array[] = [];
  // Small JSON pieces gather here and become one chunk before each big one.
  let pending = asArray ? '[' : '';
  const flush = () => {
    if (pending !== '') chunks.push(Buffer.from(pending, 'utf8'));
    pending = '';
  };
  messages.forEach((m, i) => {
    if (i > 0) pending += ',';
    const parts = filledPartsOf(m);
    if (parts === undefined) {
      // JSON.stringify escapes a lone surrogate (\udXXX), so these UTF-8 bytes are the
      // ones fetch's own conversion of the same JSON would make.
      pending += JSON.stringify(apiEmail(m, m.html, m.text));
      return;
    }
    // JSON.stringify's object form by hand: members in order, undefined ones left out.
    let first = true;
    for (const [key, value] of Object.entries(apiEmail(m, parts.html, parts.text))) {
      if (value === undefined) continue;
      pending += `${first ? '{' : ','}"${key}":`;
      first = false;
      if (value === parts.html || value === parts.text) {
        pending += '"';
        flush();
        chunks.push(...jsonChunks(value as FilledText));
        pending += '"';
      } else {
        pending += JSON.stringify(value);
      }
    }
    pending += '}';
  });
  if (asArray) pending += ']';
  flush();
  return toBlocks(chunks);
}

/** The chunks' bytes, in order, copied into blocks of BLOCK_BYTES. */
function toBlocks(chunks: readonly Uint8Array[]): { blocks: Uint8Array[]; length: number } {
  const length = chunks.reduce((n, c) => n + c.byteLength, 0);
  const blocks: Uint8Array[] = [];
  let block = Buffer.allocUnsafe(Math.min(BLOCK_BYTES, length));
  let used = 0;
  for (const chunk of chunks) {
    let offset = 0;
    while (offset < chunk.byteLength) {
      if (used === block.byteLength) {
        blocks.push(block);
        block = Buffer.allocUnsafe(Math.min(BLOCK_BYTES, length - blocks.length * BLOCK_BYTES));
        used = 0;
      }
      const n = Math.min(chunk.byteLength - offset, block.byteLength - used);
      block.set(chunk.subarray(offset, offset + n), used);
      used += n;
      offset += n;
    }
  }
  if (used > 0) blocks.push(block);
  return { blocks, length };
}

/**
 * Permissive mode answers `data` (the created emails, in payload order, skipping the
 * failed ones) and `errors` (`{ index, message }` into the payload). Spread them back
 * over the batch's positions.
 */
function outcomesOf(count: number, created: { id: string }[], errors: { index: number; message: string }[]): MessageOutcome[] {
  const failed = new Map(errors.map((e) => [e.index, e.message]));
  if (created.length + failed.size !== count || [...failed.keys()].some((i) => !(i >= 0 && i < count))) {
    // The same key replays the same answer, so retrying cannot help.
    throw new TransportError(
      `Resend answered ${created.length} ids and ${failed.size} errors for a batch of ${count}; cannot tell which email got which id.`,
      { retryable: false, code: 'unexpected-response' },
    );
  }
  const outcomes: MessageOutcome[] = [];
  let next = 0;
  for (let i = 0; i < count; i++) {
    const reason = failed.get(i);
    outcomes.push(reason === undefined ? { ok: true, id: (created[next++] as { id: string }).id } : { ok: false, reason });
  }
  return outcomes;
}

interface ResendError {
  message: string;
  statusCode: number | null;
  name: string;
}

/** Status per error name, for an error body without `statusCode` (Resend sends it; a proxy may not). */
const STATUS_OF: Record<string, number> = {
  missing_api_key: 401,
  restricted_api_key: 401,
  invalid_api_key: 403,
  validation_error: 422,
  missing_required_field: 422,
  invalid_idempotency_key: 400,
  invalid_idempotent_request: 409,
  concurrent_idempotent_requests: 409,
  rate_limit_exceeded: 429,
  daily_quota_exceeded: 429,
  monthly_quota_exceeded: 429,
  internal_server_error: 500,
};

/** Resend's error catalogue: https://resend.com/docs/api-reference/errors */
function toTransportError(error: ResendError, headers: Record<string, string>): TransportError {
  const status = error.statusCode ?? STATUS_OF[error.name];
  const what = `${status ?? 'no status'} ${error.name}: ${error.message}`;

  if (status === undefined) {
    // The SDK's catch-all: connection refused, reset or dropped; DNS; a body cut short.
    return new TransportError(`Could not reach Resend (${error.message}); the batch may or may not have been sent — retry it with the same key.`, {
      retryable: true,
      code: 'network',
    });
  }
  if (error.name === 'daily_quota_exceeded' || error.name === 'monthly_quota_exceeded') {
    // A 429, but waiting seconds will not help: stop, and resume when the quota renews.
    return new TransportError(`Resend's ${error.name === 'daily_quota_exceeded' ? 'daily' : 'monthly'} sending quota is used up (${what}) — resume the campaign once it renews, or raise the plan.`, {
      retryable: false,
      status,
      code: 'quota-exceeded',
    });
  }
  if (status === 429) {
    const retryAfterMs = retryAfterOf(headers);
    return new TransportError(`Resend is rate limiting (${what}).`, {
      retryable: true,
      status,
      code: 'rate-limited',
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  if (status >= 500 || status === 408) {
    return new TransportError(`Resend had a server error (${what}); retry the batch with the same key.`, { retryable: true, status, code: 'server-error' });
  }
  if (error.name === 'concurrent_idempotent_requests') {
    // The first request with this key is still being processed; asking again shortly
    // gets its answer.
    return new TransportError(`Resend is still processing this batch's key (${what}).`, { retryable: true, status, code: 'idempotency-busy' });
  }
  if (status === 409) {
    return new TransportError(
      `Resend refused the batch: its idempotency key was already used for a different payload (${what}). ` +
        'This is a bug: a batch must be rebuilt byte for byte the same on retry and resume (same recipients, same order, same content). Nothing of this batch was sent by this call.',
      { retryable: false, status, code: 'idempotency-conflict' },
    );
  }
  if (status === 401 || error.name === 'invalid_api_key') {
    return new TransportError(`Resend rejected the API key (${status}) — check RESEND_API_KEY. (${what})`, { retryable: false, status, code: 'auth' });
  }
  if (status === 403) {
    return new TransportError(
      `Resend refused to send (${what}) — check that RESEND_API_KEY may send and that the sender's domain is verified in Resend.`,
      { retryable: false, status, code: 'forbidden' },
    );
  }
  return new TransportError(`Resend rejected the whole batch (${what}) — nothing in it was sent; fix the request and resume.`, {
    retryable: false,
    status,
    code: 'rejected',
  });
}

/** `retry-after` (seconds or an HTTP date), else `ratelimit-reset` (seconds). */
function retryAfterOf(headers: Record<string, string>): number | undefined {
  const retryAfter = headers['retry-after'];
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(retryAfter);
    // An HTTP date is the one place the transport looks at the clock: only to turn the
    // server's absolute time into a wait.
    if (Number.isFinite(date)) return Math.max(0, date - Date.now());
  }
  const reset = Number(headers['ratelimit-reset']);
  return headers['ratelimit-reset'] !== undefined && Number.isFinite(reset) && reset >= 0 ? reset * 1000 : undefined;
}

/** `ratelimit-limit`, `ratelimit-remaining`, `ratelimit-reset` (IETF draft headers Resend sends). */
function rateLimitOf(headers: Record<string, string>): Pick<BatchResult, 'rateLimit'> {
  const num = (name: string) => {
    const raw = headers[name];
    const n = raw === undefined ? NaN : Number(raw);
    return Number.isFinite(n) && n >= 0 ? n : undefined;
  };
  const limit = num('ratelimit-limit');
  const remaining = num('ratelimit-remaining');
  const reset = num('ratelimit-reset');
  if (limit === undefined && remaining === undefined && reset === undefined) return {};
  return {
    rateLimit: {
      ...(limit === undefined ? {} : { limit }),
      ...(remaining === undefined ? {} : { remaining }),
      ...(reset === undefined ? {} : { resetMs: reset * 1000 }),
    },
  };
}

const ABORTED = Symbol('aborted');

/**
 * The SDK does pass our signal to fetch, so an abort ends the request itself. This race
 * is a second line: should a future SDK stop forwarding the signal, the send loop still
 * gets its answer on time (the request then finishes or fails in the background).
 */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | typeof ABORTED> {
  if (signal.aborted) return Promise.resolve(ABORTED);
  let onAbort!: () => void;
  const aborted = new Promise<typeof ABORTED>((resolve) => {
    onAbort = () => resolve(ABORTED);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([promise, aborted]).finally(() => signal.removeEventListener('abort', onAbort));
}
