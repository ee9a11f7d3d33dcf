import { Resend } from 'resend';
import { afterEach, describe, expect, it } from 'vitest';
import { NewsletterError } from '../../src/errors.ts';
import type { Email } from '../../src/render/email.ts';
import { createPersonalizer } from '../../src/send/personalize.ts';
import { filledPartsOf } from '../../src/transport/filled-text.ts';
import { createResendTransport, type ResendTransportOptions } from '../../src/transport/resend.ts';
import { TransportError, type Message, type Transport } from '../../src/transport/transport.ts';
import { startResendServer, type ResendServer, type ResendServerOptions } from '../support/resend-server.ts';

// The real resend SDK over real HTTP, against the local Resend-compatible server.

const KEY = 're_test_transport';

const email: Email = {
  slug: '2025-07-08-ai-issues',
  subject: '(광고) 2025 상반기 AI 이슈',
  preheader: '상반기 정리',
  html: '<p>{{greeting}}</p><a href="{{unsubscribe_url}}">수신거부</a>',
  text: '{{greeting}}\n수신거부: {{unsubscribe_url}}',
  greeting: { named: '{{name}}님, 안녕하세요.', anonymous: '안녕하세요.' },
};
const personalize = createPersonalizer(email, {
  id: '2025-07-08-ai-issues',
  from: '메이아이 <newsletter@may-i.io>',
  replyTo: 'hello@may-i.io',
  publicUrl: 'https://news.may-i.io',
  unsubscribeMailto: 'unsubscribe@may-i.io',
  secret: 'test-secret-0123456789abcdef',
});

function messages(...addresses: string[]): Message[] {
  return addresses.map((address, i) => personalize({ email: address, name: `독자${i}`, fields: {} }));
}

const servers: ResendServer[] = [];
async function setup(
  serverOptions: ResendServerOptions = {},
  transportOptions: Partial<ResendTransportOptions> = {},
): Promise<{ server: ResendServer; transport: Transport }> {
  const server = await startResendServer(serverOptions);
  servers.push(server);
  return { server, transport: createResendTransport({ apiKey: KEY, baseUrl: server.url, ...transportOptions }) };
}

afterEach(async () => {
  for (const server of servers) expect(server.validationErrors).toEqual([]);
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function failure(promise: Promise<unknown>): Promise<TransportError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TransportError);
  return error as TransportError;
}

describe('createResendTransport', () => {
  it('sends a batch: every message as given, permissive mode, the idempotency key, ids in order, rate limit read', async () => {
    const { server, transport } = await setup();
    const batch = messages('kim@example.com', 'lee@example.org', 'park@example.net');
    const result = await transport.sendBatch(batch, { idempotencyKey: 'camp-batch-0001' });

    expect(result.outcomes).toEqual(server.received.map((r) => ({ ok: true, id: r.id })));
    expect(server.received).toHaveLength(3);
    for (const [i, r] of server.received.entries()) {
      const m = batch[i] as Message;
      expect(r).toMatchObject({
        endpoint: '/emails/batch',
        from: m.from,
        to: [m.to],
        replyTo: ['hello@may-i.io'],
        subject: m.subject,
        html: m.html,
        text: m.text,
        headers: m.headers,
        tags: [{ name: 'campaign', value: '2025-07-08-ai-issues' }],
        idempotencyKey: 'camp-batch-0001',
        apiKey: KEY,
      });
    }
    expect(server.requests.map((r) => [r.path, r.status, r.batchValidation, r.idempotencyKey])).toEqual([
      ['/emails/batch', 200, 'permissive', 'camp-batch-0001'],
    ]);
    expect(result.rateLimit).toEqual({ limit: 10, remaining: 9, resetMs: 1000 });
    // When the request had left (undici's bodySent), for the rate limiter's window.
    expect(result.uploadMs).toBeGreaterThanOrEqual(0);
  });

  it('returns the first answer for the same key and payload, sending nothing twice', async () => {
    const { server, transport } = await setup();
    const batch = messages('kim@example.com', 'lee@example.org');
    const first = await transport.sendBatch(batch, { idempotencyKey: 'k-1' });
    const again = await transport.sendBatch(batch, { idempotencyKey: 'k-1' });
    expect(again.outcomes).toEqual(first.outcomes);
    expect(server.received).toHaveLength(2);
    expect(server.requests.map((r) => r.replayed)).toEqual([false, true]);
  });

  it("puts on the wire exactly the bytes the SDK's batch.send would: Resend replays one's key for the other", async () => {
    // The server compares raw bytes under a key (a reused key with other bytes is a 409), so
    // a replay proves the two bodies equal: a batch left in flight by a version that sent
    // through batch.send resumes cleanly.
    // The transport assembles a personalized message's html and text from pre-encoded pieces
    // (filled-text.ts); names with what JSON escapes, or leaves raw, are where that could
    // differ. The last name begins with half a surrogate pair: that message is encoded whole.
    const { server, transport } = await setup();
    const names = ['김"민지"\\', '<script>alert(1)</script> & co', '독자 😀\u2028끝', 'x\ud800y', '\ude00로 시작'];
    const awkward = names.map((name, i) => personalize({ email: `reader${i}@example.com`, name, fields: {} }));
    expect(awkward.map((m) => filledPartsOf(m) !== undefined)).toEqual([true, true, true, true, false]);
    // A full batch: its body spans several of the transport's 64 KB blocks.
    const batch = [...awkward, ...Array.from({ length: 95 }, (_, i) => personalize({ email: `more${i}@example.com`, name: `독자 ${i}`, fields: {} }))];
    const sdk = await new Resend(KEY, { baseUrl: server.url }).batch.send(
      batch.map((m) => ({ from: m.from, to: m.to, replyTo: m.replyTo, subject: m.subject, html: m.html, text: m.text, headers: m.headers, tags: m.tags })),
      { idempotencyKey: 'k-same', batchValidation: 'permissive' },
    );
    expect(sdk.error).toBeNull();
    const ours = await transport.sendBatch(batch, { idempotencyKey: 'k-same' });
    expect(server.requests.map((r) => [r.status, r.replayed])).toEqual([
      [200, false],
      [200, true],
    ]);
    // Streamed in blocks, yet framed as the SDK frames it: a Content-Length, not chunked.
    const [theirs, mine] = server.requests;
    expect(Number(mine?.contentLength)).toBeGreaterThan(64 * 1024);
    expect(mine?.contentLength).toBe(theirs?.contentLength);
    expect(ours.outcomes).toEqual(sdk.data?.data.map((d) => ({ ok: true, id: d.id })));
    expect(server.received).toHaveLength(batch.length);
  });

  it('takes its slot once the body is made and sends nothing if refused one', async () => {
    const { server, transport } = await setup();
    const asked: number[] = [];
    const result = await transport.sendBatch(messages('a@example.com'), {
      idempotencyKey: 'k-1',
      acquireSlot: async () => {
        asked.push(server.requests.length);
        return true;
      },
    });
    expect(result.outcomes).toHaveLength(1);
    expect(asked).toEqual([0]); // asked once, before anything reached the server

    const error = await failure(transport.sendBatch(messages('b@example.com'), { idempotencyKey: 'k-2', acquireSlot: async () => false }));
    expect(error).toMatchObject({ retryable: true, code: 'aborted' });
    expect(server.requests).toHaveLength(1);
  });

  it('429 → retryable, with retryAfterMs from retry-after', async () => {
    const { server, transport } = await setup({ ratePerSecond: 1 });
    await transport.sendBatch(messages('a@example.com'), { idempotencyKey: 'k-1' });
    const error = await failure(transport.sendBatch(messages('b@example.com'), { idempotencyKey: 'k-2' }));
    expect(error).toMatchObject({ retryable: true, status: 429, retryAfterMs: 1000, code: 'rate-limited' });
    expect(server.received.map((r) => r.to)).toEqual([['a@example.com']]);
  });

  it('500 → retryable; the retry with the same key sends the batch once', async () => {
    const { server, transport } = await setup({ faults: { error500: 1 } });
    const batch = messages('a@example.com', 'b@example.com');
    const error = await failure(transport.sendBatch(batch, { idempotencyKey: 'k-1' }));
    expect(error).toMatchObject({ retryable: true, status: 500, code: 'server-error' });
    expect(server.received).toHaveLength(0);

    server.setFaults(undefined);
    const result = await transport.sendBatch(batch, { idempotencyKey: 'k-1' });
    expect(result.outcomes.every((o) => o.ok)).toBe(true);
    expect(server.received).toHaveLength(2);
  });

  it('a connection dropped after Resend accepted → retryable; the retry replays the same ids, no second send', async () => {
    const { server, transport } = await setup({ faults: { dropAfterAccept: 1 } });
    const batch = messages('a@example.com', 'b@example.com');
    const error = await failure(transport.sendBatch(batch, { idempotencyKey: 'k-1' }));
    expect(error).toMatchObject({ retryable: true, status: undefined, code: 'network' });
    expect(server.received).toHaveLength(2);

    server.setFaults(undefined);
    const result = await transport.sendBatch(batch, { idempotencyKey: 'k-1' });
    expect(result.outcomes).toEqual(server.received.map((r) => ({ ok: true, id: r.id })));
    expect(server.received).toHaveLength(2);
  });

  it('a slow answer → aborted at timeoutMs, retryable', async () => {
    const { transport } = await setup({ faults: { slowMs: 2000 } }, { timeoutMs: 150 });
    const started = performance.now();
    const error = await failure(transport.sendBatch(messages('a@example.com'), { idempotencyKey: 'k-1' }));
    expect(error).toMatchObject({ retryable: true, code: 'timeout' });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("the caller's signal cancels a call in flight → retryable", async () => {
    const { transport } = await setup({ faults: { slowMs: 2000 } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await failure(transport.sendBatch(messages('a@example.com'), { idempotencyKey: 'k-1', signal: controller.signal }));
    expect(error).toMatchObject({ retryable: true, code: 'aborted' });
  });

  it('401 → not retryable, with a message that says what to check', async () => {
    const server = await startResendServer();
    servers.push(server);
    const transport = createResendTransport({ apiKey: 'not-a-resend-key', baseUrl: server.url });
    const error = await failure(transport.sendBatch(messages('a@example.com'), { idempotencyKey: 'k-1' }));
    expect(error).toMatchObject({ retryable: false, status: 401, code: 'auth' });
    expect(error.message).toMatch(/^Resend rejected the API key \(401\) — check RESEND_API_KEY/);
    expect(server.received).toHaveLength(0);
  });

  it('permissive: a refused address fails alone, at its index; the rest are sent with their ids', async () => {
    const { server, transport } = await setup({
      faults: { rejectAddress: (to) => (to.includes('bounce') ? `Invalid \`to\` field: ${to}` : undefined) },
    });
    const batch = messages('a@example.com', 'bounce@example.com', 'c@example.com');
    const result = await transport.sendBatch(batch, { idempotencyKey: 'k-1' });
    expect(server.received.map((r) => r.to)).toEqual([['a@example.com'], ['c@example.com']]);
    expect(result.outcomes).toEqual([
      { ok: true, id: server.received[0]?.id },
      { ok: false, reason: 'Invalid `to` field: bounce@example.com' },
      { ok: true, id: server.received[1]?.id },
    ]);
  });

  it('strict: one refused address fails the whole batch, not retryable', async () => {
    const { server, transport } = await setup(
      { faults: { rejectAddress: (to) => (to.includes('bounce') ? 'Invalid `to` field.' : undefined) } },
      { batchValidation: 'strict' },
    );
    const error = await failure(transport.sendBatch(messages('a@example.com', 'bounce@example.com'), { idempotencyKey: 'k-1' }));
    expect(error).toMatchObject({ retryable: false, status: 422, code: 'rejected' });
    expect(error.message).toContain('nothing in it was sent');
    expect(server.received).toHaveLength(0);
  });

  it('409 for the same key with another payload → not retryable, called a bug', async () => {
    const { transport } = await setup();
    await transport.sendBatch(messages('a@example.com'), { idempotencyKey: 'k-1' });
    const error = await failure(transport.sendBatch(messages('b@example.com'), { idempotencyKey: 'k-1' }));
    expect(error).toMatchObject({ retryable: false, status: 409, code: 'idempotency-conflict' });
    expect(error.message).toContain('This is a bug');
  });

  it('refuses an empty API key instead of falling back to the environment', () => {
    expect(() => createResendTransport({ apiKey: '' })).toThrow(NewsletterError);
    expect(() => createResendTransport({ apiKey: KEY, timeoutMs: 0 })).toThrow(/timeoutMs/);
  });
});
