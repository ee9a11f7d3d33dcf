import { Webhook } from 'svix';
import { describe, expect, test } from 'vitest';
import { createSvixVerifier, SVIX_TOLERANCE_SECONDS } from '../../src/webhooks/verify-svix-signature.ts';

// Signed with Svix's own code (svix 1.99.1 → standardwebhooks), verified with ours.
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const NOW = Date.UTC(2025, 6, 8, 9, 0, 0);
const body = JSON.stringify({ type: 'email.delivered', created_at: '2025-07-08T09:00:00.000Z', data: { email_id: 'e1', to: ['김민지 <kim@example.com>'] } });

const sign = (id: string, atMs: number, payload: string, secret = SECRET) => new Webhook(secret).sign(id, new Date(atMs), payload);
const headersFor = (id: string, atMs: number, signature: string) => ({ id, timestamp: String(Math.floor(atMs / 1000)), signature });
const bytes = (text: string) => new TextEncoder().encode(text);

describe('createSvixVerifier', () => {
  const verify = createSvixVerifier(SECRET);

  test("accepts Svix's signature over the exact bytes, with and without the whsec_ prefix", () => {
    const headers = headersFor('msg_1', NOW, sign('msg_1', NOW, body));
    expect(verify(headers, bytes(body), NOW)).toEqual({ ok: true, id: 'msg_1', timestamp: NOW / 1000 });
    expect(createSvixVerifier(SECRET.slice('whsec_'.length))(headers, bytes(body), NOW).ok).toBe(true);
  });

  test('accepts a match anywhere in a space-separated list (secret rotation), skipping other versions', () => {
    const good = sign('msg_1', NOW, body);
    const old = sign('msg_1', NOW, body, 'whsec_dGhlIG9sZCBzZWNyZXQsIDI0IGJ5dGVzIQ==');
    const header = `v1a,c29tZXRoaW5n ${old} ${good}`;
    expect(verify(headersFor('msg_1', NOW, header), bytes(body), NOW).ok).toBe(true);
    expect(verify(headersFor('msg_1', NOW, `v1a,c29tZXRoaW5n ${old}`), bytes(body), NOW)).toEqual({ ok: false, reason: 'no-matching-signature' });
  });

  test('rejects a changed body, id or timestamp (all three are signed)', () => {
    const signature = sign('msg_1', NOW, body);
    expect(verify(headersFor('msg_1', NOW, signature), bytes(body.replace('e1', 'e2')), NOW).ok).toBe(false);
    expect(verify(headersFor('msg_2', NOW, signature), bytes(body), NOW).ok).toBe(false);
    expect(verify(headersFor('msg_1', NOW - 1000, signature), bytes(body), NOW).ok).toBe(false);
    // One character of the signature changed.
    const flipped = signature.slice(0, -3) + (signature.at(-3) === 'A' ? 'B' : 'A') + signature.slice(-2);
    expect(verify(headersFor('msg_1', NOW, flipped), bytes(body), NOW).ok).toBe(false);
  });

  test('rejects the right signature made with another secret', () => {
    const signature = sign('msg_1', NOW, body, 'whsec_dGhlIG9sZCBzZWNyZXQsIDI0IGJ5dGVzIQ==');
    expect(verify(headersFor('msg_1', NOW, signature), bytes(body), NOW)).toEqual({ ok: false, reason: 'no-matching-signature' });
  });

  test('bounds the clock skew at five minutes either way, as Svix does', () => {
    const at = (offsetSeconds: number) => {
      const t = NOW + offsetSeconds * 1000;
      return verify(headersFor('msg_1', t, sign('msg_1', t, body)), bytes(body), NOW);
    };
    expect(at(-SVIX_TOLERANCE_SECONDS).ok).toBe(true);
    expect(at(SVIX_TOLERANCE_SECONDS).ok).toBe(true);
    expect(at(-SVIX_TOLERANCE_SECONDS - 1)).toEqual({ ok: false, reason: 'too-old' });
    expect(at(SVIX_TOLERANCE_SECONDS + 1)).toEqual({ ok: false, reason: 'too-new' });

    // Svix's own verify agrees on the stale one (its clock is the real one, so sign "now - 6 min").
    const stale = Date.now() - 6 * 60 * 1000;
    const wh = new Webhook(SECRET);
    const svixHeaders = { 'svix-id': 'msg_1', 'svix-timestamp': String(Math.floor(stale / 1000)), 'svix-signature': sign('msg_1', stale, body) };
    expect(() => wh.verify(body, svixHeaders)).toThrow(/too old/);
    expect(verify(headersFor('msg_1', stale, svixHeaders['svix-signature']), bytes(body), Date.now())).toEqual({ ok: false, reason: 'too-old' });
  });

  test('agrees with Svix on a fresh message', () => {
    const at = Date.now();
    const svixHeaders = { 'svix-id': 'msg_x', 'svix-timestamp': String(Math.floor(at / 1000)), 'svix-signature': sign('msg_x', at, body) };
    expect(new Webhook(SECRET).verify(body, svixHeaders)).toEqual(JSON.parse(body));
    expect(verify(headersFor('msg_x', at, svixHeaders['svix-signature']), bytes(body), at).ok).toBe(true);
  });

  test('rejects missing headers and a timestamp that is not whole seconds', () => {
    const signature = sign('msg_1', NOW, body);
    expect(verify({ id: 'msg_1', timestamp: String(NOW / 1000), signature: undefined }, bytes(body), NOW)).toEqual({ ok: false, reason: 'missing-headers' });
    expect(verify({ id: null, timestamp: String(NOW / 1000), signature }, bytes(body), NOW)).toEqual({ ok: false, reason: 'missing-headers' });
    expect(verify({ id: 'msg_1', timestamp: `${NOW / 1000}.5`, signature }, bytes(body), NOW)).toEqual({ ok: false, reason: 'bad-timestamp' });
    expect(verify({ id: 'msg_1', timestamp: '-1', signature }, bytes(body), NOW)).toEqual({ ok: false, reason: 'bad-timestamp' });
  });

  test('refuses a secret that is not a Svix signing secret, without quoting it', () => {
    expect(() => createSvixVerifier('re_123456')).toThrow(/RESEND_WEBHOOK_SECRET is not a Svix signing secret/);
    let message = '';
    try {
      createSvixVerifier('whsec_!!notbase64!!');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/not a Svix signing secret/);
    expect(message).not.toContain('notbase64');
  });
});
