import { Resend, type CreateEmailOptions } from 'resend';
import { afterEach, describe, expect, it } from 'vitest';
import { parseJsonInSteps, startResendServer, type ResendServer, type ResendServerOptions } from './resend-server.ts';

// The real SDK, pointed at the local server: what it sends and how it reads answers is
// exactly what src/transport/resend.ts will see in production.

const KEY = 're_test_123';
const servers: ResendServer[] = [];

async function start(opts?: ResendServerOptions): Promise<{ server: ResendServer; resend: Resend }> {
  const server = await startResendServer(opts);
  servers.push(server);
  return { server, resend: new Resend(KEY, { baseUrl: server.url }) };
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function email(to: string, subject = 'Hello'): CreateEmailOptions {
  return {
    from: 'Newsletter <news@may-i.io>',
    to: [to],
    subject,
    html: `<p>${subject}</p>`,
    text: subject,
    headers: { 'X-Entity-Ref-ID': `ref-${to}` },
    tags: [{ name: 'edition', value: '2025-07-08' }],
  };
}

describe('resend-server with the real resend SDK', () => {
  it('accepts a send and a batch, records them and sends rate-limit headers', async () => {
    const { server, resend } = await start();

    const one = await resend.emails.send(email('a@example.com'));
    expect(one.error).toBeNull();
    expect(one.data?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(one.headers?.['ratelimit-limit']).toBe('10');
    expect(one.headers?.['ratelimit-remaining']).toBe('9');

    const batch = await resend.batch.send([email('b@example.com'), email('c@example.org')]);
    expect(batch.error).toBeNull();
    expect(batch.data?.data).toHaveLength(2);

    expect(server.received.map((r) => r.to)).toEqual([['a@example.com'], ['b@example.com'], ['c@example.org']]);
    expect(server.received[0]).toMatchObject({
      id: one.data?.id,
      from: 'Newsletter <news@may-i.io>',
      subject: 'Hello',
      html: '<p>Hello</p>',
      text: 'Hello',
      headers: { 'X-Entity-Ref-ID': 'ref-a@example.com' },
      tags: [{ name: 'edition', value: '2025-07-08' }],
      idempotencyKey: undefined,
    });
    expect(server.received.slice(1).map((r) => r.id)).toEqual(batch.data?.data.map((d) => d.id));
    // The SDK always sends the header, `strict` unless told otherwise.
    expect(server.requests.map((r) => [r.path, r.status, r.batchValidation])).toEqual([
      ['/emails', 200, undefined],
      ['/emails/batch', 200, 'strict'],
    ]);
    expect(server.validationErrors).toEqual([]);
  });

  it('answers 422 to a body without `from` and records the spec violation', async () => {
    const { server, resend } = await start();
    const { from: _from, ...noFrom } = email('a@example.com');

    const res = await resend.emails.send(noFrom as CreateEmailOptions);

    expect(res.data).toBeNull();
    expect(res.error).toEqual({ statusCode: 422, name: 'missing_required_field', message: 'The `from` field is missing.' });
    expect(server.validationErrors).toEqual(['POST /emails: The `from` field is missing.']);
    expect(server.received).toEqual([]);
  });

  it('answers 401 in Resend’s shape without a valid key', async () => {
    const { server } = await start();
    const post = (headers: Record<string, string>) =>
      fetch(`${server.url}/emails`, { method: 'POST', headers, body: JSON.stringify(email('a@example.com')) });

    const missing = await post({});
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ statusCode: 401, name: 'missing_api_key', message: 'Missing API key in the authorization header.' });
    const wrong = await post({ authorization: 'Bearer sk_nope' });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ name: 'validation_error' });
    expect(server.received).toEqual([]);
  });

  it('limits to 10 requests per second per key, with retry-after', async () => {
    const { server, resend } = await start();
    const started = performance.now();

    const results = await Promise.all(Array.from({ length: 11 }, (_, i) => resend.emails.send(email(`r${i}@example.com`))));

    expect(performance.now() - started).toBeLessThan(1000);
    const limited = results.filter((r) => r.error?.statusCode === 429);
    expect(limited).toHaveLength(1);
    expect(limited[0]?.error?.name).toBe('rate_limit_exceeded');
    expect(limited[0]?.headers?.['retry-after']).toBe('1');
    expect(limited[0]?.headers?.['ratelimit-remaining']).toBe('0');
    expect(server.received).toHaveLength(10);
    // Another key has its own window.
    const other = await new Resend('re_other', { baseUrl: server.url }).emails.send(email('z@example.com'));
    expect(other.error).toBeNull();
  });

  it('counts a request against the limit when its head arrives, not when its body is in', async () => {
    // A request whose body is slow takes its place in the window on arrival: nine more fill
    // it and the tenth is a 429, though the slow one's body ends a second later. (Counted at
    // the end of its body, all eleven would pass.)
    let now = 10_000;
    const { server, resend } = await start({ now: () => now });
    const { request } = await import('node:http');
    const body = JSON.stringify(email('slow@example.com'));
    const slow = request(`${server.url}/emails`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    const answer = new Promise<number | undefined>((resolve) => slow.on('response', (res) => (res.resume(), resolve(res.statusCode))));
    slow.flushHeaders();
    while (server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const statuses: (number | null | undefined)[] = [];
    for (let i = 0; i < 10; i++) {
      now += 10;
      statuses.push((await resend.emails.send(email(`r${i}@example.com`))).error?.statusCode);
    }
    expect(statuses).toEqual([...Array.from({ length: 9 }, () => undefined), 429]);
    now = 11_050;
    slow.end(body);
    expect(await answer).toBe(200);
    expect(server.requests[0]).toMatchObject({ time: 10_000, status: 200 });
  });

  it('replays the first answer for the same key and payload, sending once', async () => {
    const { server, resend } = await start();

    const first = await resend.emails.send(email('a@example.com'), { idempotencyKey: 'welcome/1' });
    const second = await resend.emails.send(email('a@example.com'), { idempotencyKey: 'welcome/1' });

    expect(first.error).toBeNull();
    expect(second.data?.id).toBe(first.data?.id);
    expect(server.received).toHaveLength(1);
    expect(server.received[0]?.idempotencyKey).toBe('welcome/1');
    expect(server.requests.map((r) => [r.idempotencyKey, r.replayed])).toEqual([['welcome/1', false], ['welcome/1', true]]);
  });

  it('answers 409 to the same key with another payload', async () => {
    const { server, resend } = await start();

    await resend.batch.send([email('a@example.com')], { idempotencyKey: 'batch/1' });
    const other = await resend.batch.send([email('b@example.com')], { idempotencyKey: 'batch/1' });

    expect(other.data).toBeNull();
    expect(other.error).toMatchObject({ statusCode: 409, name: 'invalid_idempotent_request' });
    expect(server.received.map((r) => r.to[0])).toEqual(['a@example.com']);
  });

  it('answers 409 concurrent_idempotent_requests while the first is in progress', async () => {
    const { server, resend } = await start({ faults: { slowMs: 150 } });

    const [a, b] = await Promise.all([
      resend.emails.send(email('a@example.com'), { idempotencyKey: 'k' }),
      new Promise((r) => setTimeout(r, 30)).then(() => resend.emails.send(email('a@example.com'), { idempotencyKey: 'k' })),
    ]);

    expect(a.error).toBeNull();
    expect(b.error).toMatchObject({ statusCode: 409, name: 'concurrent_idempotent_requests' });
    expect(server.received).toHaveLength(1);
  });

  it('forgets keys after 24 hours', async () => {
    let clock = 1_000_000;
    const { server, resend } = await start({ now: () => clock });

    const first = await resend.emails.send(email('a@example.com'), { idempotencyKey: 'k' });
    clock += 24 * 60 * 60 * 1000 - 1;
    const replay = await resend.emails.send(email('a@example.com'), { idempotencyKey: 'k' });
    clock += 1;
    const fresh = await resend.emails.send(email('a@example.com'), { idempotencyKey: 'k' });

    expect(replay.data?.id).toBe(first.data?.id);
    expect(fresh.data?.id).not.toBe(first.data?.id);
    expect(server.received).toHaveLength(2);
  });

  it('permissive batch: a rejected address fails alone and its index is reported', async () => {
    const { server, resend } = await start({
      faults: { rejectAddress: (to) => (to.includes('bounce') ? `${to} bounced before` : undefined) },
    });
    const emails = [email('a@example.com'), email('bounce@example.com'), email('not-an-address'), email('d@example.com')];

    const res = await resend.batch.send(emails, { batchValidation: 'permissive' });

    // The SDK nests the body under `data`: `data.data` and `data.errors`, not a top-level `errors`.
    expect(res.error).toBeNull();
    expect(res.data?.data).toHaveLength(2);
    expect(res.data?.errors).toEqual([
      { index: 1, message: 'bounce@example.com bounced before' },
      { index: 2, message: expect.stringContaining('Invalid `to` field') },
    ]);
    expect(server.received.map((r) => r.to[0])).toEqual(['a@example.com', 'd@example.com']);
    expect(server.validationErrors).toEqual([]);
  });

  it('strict batch: one invalid address fails the whole batch', async () => {
    const { server, resend } = await start();

    const res = await resend.batch.send([email('a@example.com'), email('not-an-address')]);

    expect(res.error).toMatchObject({ statusCode: 422, name: 'validation_error', message: expect.stringContaining('emails[1]') });
    expect(server.received).toEqual([]);
  });

  it('a dropped connection surfaces as the SDK’s network error, with no headers', async () => {
    const { server, resend } = await start({ faults: { drop: 1 } });

    const res = await resend.emails.send(email('a@example.com'), { idempotencyKey: 'k' });

    expect(res).toEqual({
      data: null,
      error: { name: 'application_error', statusCode: null, message: 'Unable to fetch data. The request could not be resolved.' },
      headers: null,
    });
    expect(server.requests[0]).toMatchObject({ status: null, fault: 'drop' });
    expect(server.received).toEqual([]);

    // The key was not stored: the retry sends.
    server.setFaults({});
    const retry = await resend.emails.send(email('a@example.com'), { idempotencyKey: 'k' });
    expect(retry.error).toBeNull();
    expect(server.received).toHaveLength(1);
  });

  it('dropAfterAccept sends and stores the key, so the retry replays instead of sending twice', async () => {
    const { server, resend } = await start({ faults: { dropAfterAccept: 1 } });

    const lost = await resend.batch.send([email('a@example.com'), email('b@example.com')], { idempotencyKey: 'b1' });
    expect(lost.error?.statusCode).toBeNull();
    expect(server.received).toHaveLength(2);

    server.setFaults({});
    const retry = await resend.batch.send([email('a@example.com'), email('b@example.com')], { idempotencyKey: 'b1' });
    expect(retry.data?.data.map((d) => d.id)).toEqual(server.received.map((r) => r.id));
    expect(server.received).toHaveLength(2);
  });

  it('a 500 or a 429 burst does not store the key and comes in Resend’s shape', async () => {
    const { server, resend } = await start({ faults: { error500: 1 } });

    const failed = await resend.emails.send(email('a@example.com'), { idempotencyKey: 'k' });
    expect(failed.error).toMatchObject({ statusCode: 500, name: 'internal_server_error' });
    expect(failed.headers?.['ratelimit-limit']).toBe('10');

    server.setFaults({ burst429: 1 });
    const burst = await resend.emails.send(email('a@example.com'), { idempotencyKey: 'k' });
    expect(burst.error).toMatchObject({ statusCode: 429, name: 'rate_limit_exceeded' });
    expect(burst.headers?.['retry-after']).toBe('1');

    server.setFaults({});
    const ok = await resend.emails.send(email('a@example.com'), { idempotencyKey: 'k' });
    expect(ok.error).toBeNull();
    expect(server.received).toHaveLength(1);
  });

  it('the same seed gives the same faults', async () => {
    const statuses = async () => {
      const { server, resend } = await start({ seed: 7, faults: { error500: 0.5 } });
      for (let i = 0; i < 8; i++) await resend.emails.send(email(`s${i}@example.com`));
      return server.requests.map((r) => r.status);
    };

    const first = await statuses();
    expect(first).toContain(500);
    expect(first).toContain(200);
    expect(await statuses()).toEqual(first);
  });

  it('rejects options it cannot honour, quoting the value', async () => {
    await expect(startResendServer({ ratePerSecond: 0 })).rejects.toThrow('Expected `ratePerSecond` to be an integer from 1 and up, got `0`');
    await expect(startResendServer({ faults: { drop: 2 } })).rejects.toThrow('`faults.drop`');
  });
});

describe('parseJsonInSteps (how the server parses a large batch without holding its thread)', () => {
  // Large enough to be parsed element by element (the step is 256 KB), with Hangul (three
  // bytes a character in UTF-8) so that chunk boundaries fall inside characters.
  const pad = '한글 x'.repeat(40 * 1024);
  // The bytes as a request delivers them: in chunks of any size, cut anywhere — inside a
  // character, between a backslash and what it escapes.
  const chunked = (text: string, size: number) => {
    const bytes = Buffer.from(text, 'utf8');
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
    return chunks;
  };
  const SIZES = [1, 5, 65536];
  const same = async (text: string) => {
    for (const size of SIZES) await expect(parseJsonInSteps(chunked(text, size))).resolves.toEqual(JSON.parse(text));
  };

  it('gives what JSON.parse gives: strings holding brackets, commas, quotes and backslashes; nesting; whitespace', async () => {
    const elements = [
      { html: pad, text: 'a, b ] } [ {' },
      { q: 'say \\"hi\\"', path: 'C:\\\\', tail: '\\\\' },
      [1, [2, [3, { k: [] }]], 'x'],
      'plain',
      'a quote, then structure: ", ] }',
      'ends in a backslash \\',
      '\\", ] — an escaped backslash, then an escaped quote',
      -1.5e3,
      null,
      true,
      { '': { '[': ']' } },
    ];
    await same(JSON.stringify(elements));
    await same(` \n[ ${JSON.stringify(elements[0])} ,\t${JSON.stringify(elements[1])} ]\r\n `);
    await same(`[${JSON.stringify('\\')}, "${pad}"]`);
    await same(`[ ]${' '.repeat(300 * 1024)}`);
  });

  it('throws a SyntaxError wherever JSON.parse does', async () => {
    const big = JSON.stringify({ html: pad });
    for (const text of [
      `[${big},]`,
      `[${big},,${big}]`,
      `[${big}`,
      `[${big}},1]`,
      `[${big}}1]`,
      `[${big}] x`,
      `[${big}] [`,
      `[${big}]]`,
      `[${big}, "open`,
      `[${big}, {"a": ]}]`,
      `[${big} 1]`,
      `\ufeff[${big}]`,
      `[${big}, "\\ud800 is allowed, \\u12 is no escape"]`,
    ]) {
      expect(() => JSON.parse(text)).toThrow(SyntaxError);
      for (const size of SIZES) await expect(parseJsonInSteps(chunked(text, size))).rejects.toThrow(SyntaxError);
    }
  });
});
