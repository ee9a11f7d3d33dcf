import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setImmediate as turn } from 'node:timers/promises';
import { mulberry32 } from './mulberry32.ts';
import { createEmailValidator, createRequestValidator, findResendSpec, planRequest, toList, type EmailValidator, type Json, type RequestValidator } from './openapi.ts';
import { audienceRoute, createAudience, type Audience } from './resend-audience.ts';

/**
 * A local stand-in for the Resend API that the real `resend` SDK talks to through its
 * `baseUrl` option. It answers `POST /emails` and `POST /emails/batch` the way Resend
 * documents them (error shape, rate-limit headers, idempotency keys, batch validation
 * modes) and can misbehave on purpose, reproducibly, so the send loop's retries can be
 * tested: https://resend.com/docs/api-reference/errors,
 * https://resend.com/docs/dashboard/emails/idempotency-keys,
 * https://resend.com/docs/dashboard/emails/batch-validation-modes,
 * https://resend.com/docs/api-reference/rate-limit.
 */

export interface ResendServerOptions {
  /** Requests per API key in any 1 s sliding window; no burst. @default 10 */
  ratePerSecond?: number;
  faults?: Faults;
  /** Seed of the PRNG that decides faults. @default 1 */
  seed?: number;
  /** Clock in ms for the rate window and the 24 h idempotency expiry. @default Date.now */
  now?: () => number;
  /** Resend's OpenAPI document. @default tests/fixtures/resend-openapi.yaml, else the shared reference */
  specPath?: string;
  /**
   * Keep each received email's `html` and `text`. A benchmark that sends 20,000 emails of
   * 27 KB passes false: the server would otherwise hold ~540 MB of request bodies it never
   * reads, and reading them is then an error. @default true
   */
  retainContent?: boolean;
}

export interface Faults {
  /** Probability 0..1 of answering 500 before doing anything. */
  error500?: number;
  /** Probability of destroying the socket, unanswered, before doing anything. */
  drop?: number;
  /** Probability of accepting (emails recorded as sent, key stored) and then destroying the socket. */
  dropAfterAccept?: number;
  /** Delay every answer by this many ms. */
  slowMs?: number;
  /** Probability of a 429 whatever the rate (a "429 burst"). */
  burst429?: number;
  /** A validation message for a recipient to refuse (e.g. addresses containing "bounce"). */
  rejectAddress?: (to: string) => string | undefined;
}

export interface ReceivedEmail {
  id: string;
  endpoint: '/emails' | '/emails/batch';
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  replyTo: string[];
  subject: string;
  /** Read from the request body on first use (see `lazyContent`). */
  readonly html: string | undefined;
  readonly text: string | undefined;
  headers: Record<string, string> | undefined;
  tags: { name?: string; value?: string }[] | undefined;
  /** `scheduled_at`: when Resend would deliver it. */
  scheduledAt: string | undefined;
  idempotencyKey: string | undefined;
  apiKey: string;
  /** `now()` when accepted. */
  at: number;
}

export type FaultKind = 'drop' | 'error500' | 'burst429' | 'dropAfterAccept';

export interface RequestLog {
  method: string;
  path: string;
  /** The answer's status; null while pending and when the connection was dropped. */
  status: number | null;
  fault: FaultKind | undefined;
  /** True when an idempotency key replayed a stored answer. */
  replayed: boolean;
  apiKey: string | undefined;
  idempotencyKey: string | undefined;
  batchValidation: string | undefined;
  userAgent: string | undefined;
  /** The Content-Length header; undefined for a chunked body. */
  contentLength: string | undefined;
  /** `now()` when the request arrived (its head: request line and headers), as the rate limit counts it. */
  time: number;
}

export interface ResendServer {
  /** `http://127.0.0.1:PORT`: pass as `baseUrl` (or RESEND_BASE_URL before `new Resend`). */
  url: string;
  /** Every email accepted and "sent", in order. */
  received: ReceivedEmail[];
  /** Every request, in order of arrival. */
  requests: RequestLog[];
  /** Bodies that broke the OpenAPI document; tests assert this stays empty. */
  validationErrors: string[];
  /** Contacts, segments, imports and broadcasts (resend-audience.ts), and what broadcasts delivered. */
  audience: Audience;
  setFaults(f: Faults | undefined): void;
  /** Called with each request's log right after its answer was written (a test's crash trigger). */
  onAnswer(hook: ((log: RequestLog) => void) | undefined): void;
  close(): Promise<void>;
}

const WINDOW_MS = 1000;
const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

interface Answer { status: number; body: unknown }
type Stored = { state: 'in-progress'; hash: string } | { state: 'done'; hash: string; answer: Answer; at: number };

export async function startResendServer(opts: ResendServerOptions = {}): Promise<ResendServer> {
  const limit = opts.ratePerSecond ?? 10;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`Expected \`ratePerSecond\` to be an integer from 1 and up, got \`${String(limit)}\``);
  }
  const seed = opts.seed ?? 1;
  if (!Number.isInteger(seed)) throw new RangeError(`Expected \`seed\` to be an integer, got \`${String(seed)}\``);
  const now = opts.now ?? Date.now;
  const retainContent = opts.retainContent ?? true;
  const validator = validatorFor(opts.specPath ?? findResendSpec());
  const requestValidator = requestValidatorFor(opts.specPath ?? findResendSpec());
  const random = mulberry32(seed);
  let faults = checkFaults(opts.faults);

  const received: ReceivedEmail[] = [];
  const requests: RequestLog[] = [];
  const validationErrors: string[] = [];
  const windows = new Map<string, number[]>();
  const keys = new Map<string, Stored>();
  const timers = new Set<NodeJS.Timeout>();
  let nextId = 0;
  let baseUrl = '';
  let answerHook: ((log: RequestLog) => void) | undefined;
  const audience = createAudience({ validator: requestValidator, validationErrors, baseUrl: () => baseUrl, now, rejectAddress: () => faults.rejectAddress, retainContent });

  const sleep = (ms: number) => new Promise<void>((resolve) => {
    if (ms <= 0) return resolve();
    const t = setTimeout(() => { timers.delete(t); resolve(); }, ms);
    timers.add(t);
  });

  /** Sliding window: the arrival times of admitted requests in the last second, per key. */
  function rateState(apiKey: string | undefined, admit: boolean, t = now()): { allowed: boolean; headers: Record<string, string> } {
    const times = (windows.get(apiKey ?? '') ?? []).filter((x) => x > t - WINDOW_MS);
    const allowed = times.length < limit;
    if (admit && allowed) times.push(t);
    windows.set(apiKey ?? '', times);
    const oldest = times[0];
    const reset = oldest === undefined ? 0 : Math.max(1, Math.ceil((oldest + WINDOW_MS - t) / 1000));
    return {
      allowed,
      headers: {
        'ratelimit-limit': String(limit),
        'ratelimit-remaining': String(Math.max(0, limit - times.length)),
        'ratelimit-reset': String(reset),
        ...(allowed ? {} : { 'retry-after': String(reset) }),
      },
    };
  }

  function write(res: ServerResponse, answer: Answer, headers: Record<string, string>, log: RequestLog): void {
    log.status = answer.status;
    res.writeHead(answer.status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(answer.body));
    answerHook?.(log);
  }

  function drop(req: IncomingMessage, log: RequestLog, fault: FaultKind): void {
    log.fault = fault;
    log.status = null;
    req.socket.destroy();
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Resend's limit is enforced in front of its API, on arrival: a limiter at the edge
    // decides on the request line and headers (as nginx's limit_req does), not once this
    // stand-in has read a 3.5 MB body on a thread that may still be parsing the previous
    // one. Counting at the end of the body tied the count to this process's own load: the
    // same request was counted 0–100 ms late depending on what the thread was doing, and a
    // client pacing at the limit got 429s for requests that had left in time.
    const arrived = now();
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const auth = header(req, 'authorization');
    const apiKey = /^Bearer (re_\S+)$/.exec(auth ?? '')?.[1];
    const endpoint = path === '/emails' ? '/emails' : path === '/emails/batch' ? '/emails/batch' : undefined;
    // Admitted or refused now, in order of arrival. A fault answered instead (below) gives
    // the place back: those never reached the API.
    // The team's limit counts every call, whichever endpoint (Resend: "shared by every call and key").
    const audienceCall = endpoint === undefined ? audienceRoute(path) : undefined;
    const counted = (endpoint !== undefined && req.method === 'POST') || audienceCall !== undefined;
    const admission = counted && apiKey !== undefined ? rateState(apiKey, true, arrived) : undefined;
    const release = () => {
      if (admission?.allowed !== true) return;
      const times = windows.get(apiKey ?? '') ?? [];
      times.splice(times.indexOf(arrived), 1);
    };
    const idempotencyKey = header(req, 'idempotency-key');
    const log: RequestLog = {
      method: req.method ?? 'GET', path, status: null, fault: undefined, replayed: false, apiKey, idempotencyKey,
      batchValidation: header(req, 'x-batch-validation'), userAgent: header(req, 'user-agent'), contentLength: header(req, 'content-length'), time: arrived,
    };
    requests.push(log);
    const raw = await readBody(req);
    const f = faults;
    // Four draws on every request, whatever is configured, so one seed gives one
    // sequence even when a test changes faults midway.
    const roll = { drop: random(), error500: random(), burst429: random(), dropAfterAccept: random() };

    if (roll.drop < (f.drop ?? 0)) {
      release();
      await sleep(f.slowMs ?? 0);
      return drop(req, log, 'drop');
    }
    if (roll.error500 < (f.error500 ?? 0)) {
      release();
      log.fault = 'error500';
      await sleep(f.slowMs ?? 0);
      return write(res, error(500, 'internal_server_error', 'An unexpected error occurred, please try again later.'), rateState(apiKey, false).headers, log);
    }
    if (roll.burst429 < (f.burst429 ?? 0)) {
      release();
      log.fault = 'burst429';
      await sleep(f.slowMs ?? 0);
      const headers = { ...rateState(apiKey, false).headers, 'ratelimit-remaining': '0', 'retry-after': '1' };
      return write(res, error(429, 'rate_limit_exceeded', TOO_MANY), headers, log);
    }

    const reply = async (answer: Answer, headers = rateState(apiKey, false).headers) => {
      await sleep(f.slowMs ?? 0);
      write(res, answer, headers, log);
    };
    if (endpoint === undefined && req.method === 'POST' && path.startsWith('/unsubscribe/')) {
      // Resend's hosted unsubscribe page, one-click (RFC 8058): no API key, the link is the proof.
      const done = audience.hostedUnsubscribe(decodeURIComponent(path.slice('/unsubscribe/'.length)));
      return reply(done ? { status: 200, body: { unsubscribed: true } } : error(404, 'not_found', 'No such contact.'));
    }
    if (endpoint === undefined && audienceCall !== undefined) {
      if (auth === undefined) return reply(error(401, 'missing_api_key', 'Missing API key in the authorization header.'));
      if (apiKey === undefined) return reply(error(401, 'validation_error', 'API key is invalid'));
      const rate = admission as NonNullable<typeof admission>;
      if (!rate.allowed) return reply(error(429, 'rate_limit_exceeded', TOO_MANY), rate.headers);
      const contentType = (header(req, 'content-type') ?? '').startsWith('multipart/form-data') ? 'multipart/form-data' : 'application/json';
      let body: unknown;
      try {
        body = await audienceBody(raw, header(req, 'content-type'), contentType);
      } catch (err) {
        validationErrors.push(`${req.method} ${path}: unreadable body: ${String(err)}`);
        return reply(error(400, 'validation_error', 'The request body could not be read.'), rate.headers);
      }
      const query = new URL(req.url ?? '/', 'http://x').searchParams;
      return reply(await audience.handle(req.method ?? 'GET', path, query, body, contentType), rate.headers);
    }
    if (endpoint === undefined) return reply(error(404, 'not_found', 'The requested endpoint does not exist.'));
    if (req.method !== 'POST') return reply(error(405, 'method_not_allowed', 'Method is not allowed for the requested path.'));
    if (auth === undefined) return reply(error(401, 'missing_api_key', 'Missing API key in the authorization header.'));
    if (apiKey === undefined) return reply(error(401, 'validation_error', 'API key is invalid'));

    const rate = admission as NonNullable<typeof admission>;
    if (!rate.allowed) return reply(error(429, 'rate_limit_exceeded', TOO_MANY), rate.headers);

    let body: unknown;
    // Parsed only now, after the rate decision: that is processing. In steps, with turns of
    // the event loop in between, so that this thread notices the next request's arrival (its
    // head) when it comes: the rate limit is counted at the edge, which Resend's API work
    // never holds up. In one piece, decoding and parsing a 3.5 MB batch held this thread for
    // 35–120 ms, every request that came meanwhile was counted that much late, and a sender
    // pacing at the limit got 429s for requests that had left in time. (The idempotency
    // check and claim below stay one synchronous block.)
    try {
      body = await parseJsonInSteps(raw);
    } catch {
      validationErrors.push(`POST ${endpoint}: body is not JSON: ${Buffer.concat(raw).subarray(0, 200).toString('utf8')}`);
      return reply(error(400, 'validation_error', 'The request body is not valid JSON.'), rate.headers);
    }

    // Idempotency: Resend stores a key only once a request is processed, so every
    // rejection above (faults, auth, rate) leaves the key free for the retry.
    // "Same payload" is judged on the raw bytes, not on a canonical form of the JSON: Resend
    // compares payloads, and our client is deterministic (the same batch is the same
    // JSON.stringify of the same messages, key order included), so equal bytes is the right
    // notion here, and a client that reordered keys between attempts would be worth a 409.
    // Hashing the bytes costs ~2 ms a 3.5 MB batch; rebuilding canonical JSON and hashing
    // that string cost ~100 ms.
    const scope = `${apiKey}\n${idempotencyKey ?? ''}`;
    const hash = idempotencyKey === undefined ? '' : hashBody(endpoint, raw);
    if (idempotencyKey !== undefined) {
      if (idempotencyKey.length < 1 || idempotencyKey.length > 256) {
        return reply(error(400, 'invalid_idempotency_key', 'The key must be between 1-256 chars.'), rate.headers);
      }
      const stored = keys.get(scope);
      if (stored?.state === 'done' && stored.at + IDEMPOTENCY_TTL_MS <= now()) keys.delete(scope);
      else if (stored !== undefined && stored.hash !== hash) {
        return reply(error(409, 'invalid_idempotent_request', 'Same idempotency key used with a different request payload.'), rate.headers);
      } else if (stored?.state === 'in-progress') {
        return reply(error(409, 'concurrent_idempotent_requests', 'Same idempotency key used while original request is still in progress.'), rate.headers);
      } else if (stored?.state === 'done') {
        log.replayed = true;
        return reply(stored.answer, rate.headers);
      }
    }

    const mode = log.batchValidation === 'permissive' ? 'permissive' : 'strict';
    const plan = planRequest(validator, endpoint, body, { mode, rejectAddress: f.rejectAddress });
    validationErrors.push(...plan.specViolations);
    // Resend's batch endpoint silently ignores scheduled_at ("not supported yet"): a client
    // that relies on it would send at once what it meant to schedule.
    if (endpoint === '/emails/batch' && Array.isArray(body) && body.some((e) => (e as Json)?.scheduled_at !== undefined)) {
      validationErrors.push('POST /emails/batch: scheduled_at is not supported by the batch endpoint; Resend would send these now');
    }
    if ('reject' in plan) return reply(error(422, plan.reject.name, plan.reject.message), rate.headers);

    if (idempotencyKey !== undefined) keys.set(scope, { state: 'in-progress', hash });
    await sleep(f.slowMs ?? 0);
    // Not even the bytes when they are not to be kept.
    const content = lazyContent(retainContent ? raw : [], retainContent);
    const ids = plan.accept.map((email) => {
      const id = `00000000-0000-4000-8000-${(++nextId).toString(16).padStart(12, '0')}`;
      // Its place in the body, to find its html again (a permissive batch skips the invalid).
      const index = Array.isArray(body) ? body.indexOf(email) : undefined;
      received.push(toReceived(id, endpoint, email, content(index), { idempotencyKey, apiKey, at: now() }));
      return id;
    });
    const answer: Answer = {
      status: 200,
      body: endpoint === '/emails'
        ? { id: ids[0] }
        : { data: ids.map((id) => ({ id })), ...(mode === 'permissive' ? { errors: plan.errors } : {}) },
    };
    if (idempotencyKey !== undefined) keys.set(scope, { state: 'done', hash, answer, at: now() });
    // "Sent, but the answer was lost": the case idempotency keys exist for.
    if (roll.dropAfterAccept < (f.dropAfterAccept ?? 0)) return drop(req, log, 'dropAfterAccept');
    write(res, answer, rate.headers, log);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify(error(500, 'internal_server_error', `resend-server bug: ${String(err)}`).body));
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}`;

  return {
    url: `http://127.0.0.1:${port}`,
    received,
    requests,
    validationErrors,
    audience,
    onAnswer(hook) {
      answerHook = hook;
    },
    setFaults(next) {
      faults = checkFaults(next);
    },
    close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      return new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // fetch keeps connections alive; without this close() waits for them to idle out.
        server.closeAllConnections();
      });
    },
  };
}

/**
 * A JSON body as parsed; a multipart one (a contact import) as its fields, each a string,
 * with the file's text beside them (`fileText`, `fileBytes`) and `file` standing for its
 * bytes, as the spec's `format: binary` string.
 */
async function audienceBody(raw: Buffer[], contentTypeHeader: string | undefined, kind: 'application/json' | 'multipart/form-data'): Promise<unknown> {
  const bytes = Buffer.concat(raw);
  if (kind === 'application/json') return bytes.length === 0 ? undefined : JSON.parse(bytes.toString('utf8'));
  const form = await new Response(bytes, { headers: { 'content-type': contentTypeHeader ?? '' } }).formData();
  const fields: Record<string, unknown> = {};
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') fields[name] = value;
    else {
      fields[name] = `<${value.size} bytes>`;
      fields['fileText'] = await value.text();
      fields['fileBytes'] = value.size;
    }
  }
  return fields;
}

const requestValidators = new Map<string, RequestValidator>();
function requestValidatorFor(specPath: string): RequestValidator {
  let v = requestValidators.get(specPath);
  if (v === undefined) requestValidators.set(specPath, (v = createRequestValidator(specPath)));
  return v;
}

/** Parsing the 220 KB spec and compiling takes ~150 ms; each test starts its own server. */
const validators = new Map<string, EmailValidator>();
function validatorFor(specPath: string): EmailValidator {
  let v = validators.get(specPath);
  if (v === undefined) validators.set(specPath, (v = createEmailValidator(specPath)));
  return v;
}

const TOO_MANY = 'Too many requests. Please limit the number of requests per second. Or contact support to increase rate limit.';

/** Resend's error body: `{ statusCode, name, message }`. */
function error(status: number, name: string, message: string): Answer {
  return { status, body: { statusCode: status, name, message } };
}

function checkFaults(f: Faults | undefined): Faults {
  const checked = { ...f };
  for (const name of ['error500', 'drop', 'dropAfterAccept', 'burst429'] as const) {
    const p = checked[name];
    if (p !== undefined && !(p >= 0 && p <= 1)) {
      throw new RangeError(`Expected \`faults.${name}\` to be a probability from 0 to 1, got \`${String(p)}\``);
    }
  }
  if (checked.slowMs !== undefined && !(checked.slowMs >= 0)) {
    throw new RangeError(`Expected \`faults.slowMs\` to be a number from 0 and up, got \`${String(checked.slowMs)}\``);
  }
  return checked;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The body as bytes, kept off-heap (for `lazyContent` and the idempotency hash), not yet
 * decoded: decoding a 3.5 MB batch with Hangul in it takes ~10–50 ms of this one thread,
 * and reading goes faster without it (a client's upload waits on this thread's reads).
 */
async function readBody(req: IncomingMessage): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return chunks;
}


/** Bytes parsed between two turns of the event loop: ~1–2 ms of decoding and JSON.parse. */
const PARSE_STEP_BYTES = 256 * 1024;

/**
 * `JSON.parse` of the UTF-8 in `chunks`, in steps when it is a large array (a batch): each
 * element is decoded and parsed on its own, with a turn of the event loop every
 * PARSE_STEP_BYTES, and no string of the whole body is ever made (joining one, or reading
 * a rope of one, is itself a block of ~12 ms). The same value, and a SyntaxError for the
 * same inputs, as `JSON.parse(bytes.toString('utf8'))`: elements are cut at the bytes of
 * top-level `,` and `]` outside strings, which never fall inside a UTF-8 sequence (every
 * byte of one is ≥ 0x80), and each piece must parse whole.
 */
export async function parseJsonInSteps(chunks: readonly Buffer[]): Promise<unknown> {
  const whole = () => JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  if (chunks.reduce((n, c) => n + c.byteLength, 0) < PARSE_STEP_BYTES) return whole();
  const elements: unknown[] = [];
  // 0: before the opening `[`; 1: in the array, between elements; more: inside an element.
  let depth = 0;
  let inString = false;
  let escaped = false;
  let closed = false;
  let from = { chunk: 0, offset: 0 };
  let sinceTurn = 0;
  for (let k = 0; k < chunks.length; k++) {
    const chunk = chunks[k] as Buffer;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i] as number;
      if (inString) {
        if (escaped) escaped = false;
        else if (b === 0x5c /* \ */) escaped = true;
        else if (b === 0x22 /* " */) inString = false;
      } else if (closed || depth === 0) {
        if (isJsonSpace(b)) continue;
        if (closed) throw new SyntaxError('Unexpected non-whitespace character after JSON');
        if (b !== 0x5b /* [ */) return whole(); // not an array: no steps
        depth = 1;
        from = { chunk: k, offset: i + 1 };
      } else if (b === 0x22) inString = true;
      else if (b === 0x5b || b === 0x7b /* [ { */) depth++;
      else if (depth > 1 && (b === 0x5d || b === 0x7d /* ] } */)) depth--;
      else if (depth === 1 && (b === 0x2c || b === 0x5d /* , ] */)) {
        const piece = bytesBetween(chunks, from, { chunk: k, offset: i });
        if (b === 0x5d && elements.length === 0 && piece.every(isJsonSpace)) {
          closed = true; // []
          continue;
        }
        elements.push(JSON.parse(piece.toString('utf8')));
        closed = b === 0x5d;
        from = { chunk: k, offset: i + 1 };
        sinceTurn += piece.length;
        if (sinceTurn >= PARSE_STEP_BYTES) {
          await turn();
          sinceTurn = 0;
        }
      }
      // A stray `}` at depth 1 needs no check here: it ends up in a piece, which fails to parse.
    }
  }
  if (!closed) throw new SyntaxError('Unexpected end of JSON input');
  return elements;
}

/** JSON's whitespace: space, tab, line feed, carriage return. */
const isJsonSpace = (b: number) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;

/** The bytes from one place in the chunks to another (exclusive), copied only when they span chunks. */
function bytesBetween(chunks: readonly Buffer[], from: { chunk: number; offset: number }, to: { chunk: number; offset: number }): Buffer {
  const first = chunks[from.chunk] as Buffer;
  if (from.chunk === to.chunk) return first.subarray(from.offset, to.offset);
  const pieces = [first.subarray(from.offset)];
  for (let k = from.chunk + 1; k < to.chunk; k++) pieces.push(chunks[k] as Buffer);
  pieces.push((chunks[to.chunk] as Buffer).subarray(0, to.offset));
  return Buffer.concat(pieces);
}

function hashBody(endpoint: string, chunks: Buffer[]): string {
  const hash = createHash('sha256').update(`${endpoint}\n`);
  for (const chunk of chunks) hash.update(chunk);
  return hash.digest('hex');
}

type Content = Pick<ReceivedEmail, 'html' | 'text'>;

/**
 * The `html` and `text` of a request's emails, read from its raw bytes when a test first
 * asks, not kept as strings from the start. A batch is ~3.5 MB of UTF-8; as 100 parsed
 * strings (2.7 million characters, two bytes each once any Hangul is in them) it is
 * ~5.4 MB on the JS heap, where every one of them survives into the old generation and
 * is paid for by every full GC. The bytes are off-heap; the parse happens once a
 * request, for tests.
 */
function lazyContent(raw: Buffer[], retain: boolean): (index: number | undefined) => Content {
  let parsed: unknown;
  const email = (index: number | undefined): Json => {
    if (!retain) {
      throw new Error('resend-server: started with retainContent: false, so the html and text of received emails were not kept.');
    }
    parsed ??= JSON.parse(Buffer.concat(raw).toString('utf8'));
    return (index === undefined ? parsed : (parsed as unknown[])[index]) as Json;
  };
  return (index) => ({
    get html() {
      return email(index).html as string | undefined;
    },
    get text() {
      return email(index).text as string | undefined;
    },
  });
}

function toReceived(
  id: string,
  endpoint: ReceivedEmail['endpoint'],
  e: Json,
  content: Content,
  meta: Pick<ReceivedEmail, 'idempotencyKey' | 'apiKey' | 'at'>,
): ReceivedEmail {
  const received = {
    id, endpoint,
    from: e.from as string,
    to: toList(e.to), cc: toList(e.cc), bcc: toList(e.bcc), replyTo: toList(e.reply_to),
    subject: e.subject as string,
    html: undefined as string | undefined,
    text: undefined as string | undefined,
    headers: e.headers as Record<string, string> | undefined,
    tags: e.tags as ReceivedEmail['tags'],
    scheduledAt: e.scheduled_at as string | undefined,
    ...meta,
  };
  // Enumerable getters, so toEqual, spreads and JSON.stringify still see html and text.
  for (const key of ['html', 'text'] as const) {
    Object.defineProperty(received, key, { get: () => content[key], enumerable: true });
  }
  return received;
}

