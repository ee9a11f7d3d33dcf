import { createHmac, timingSafeEqual } from 'node:crypto';
import { NewsletterError } from '../errors.ts';

/**
 * Resend signs its webhooks with Svix's scheme (the one Standard Webhooks adopted):
 *
 *   key        = base64-decode(secret without its `whsec_` prefix)
 *   signed     = `${svix-id}.${svix-timestamp}.${raw body}`
 *   signature  = base64(HMAC-SHA256(key, signed))
 *   header     svix-signature: `v1,<signature>` entries separated by spaces (more than one
 *              while a secret is being rotated)
 *
 * The timestamp is in the signed content, so an attacker cannot refresh an old message;
 * checking it against our clock within TOLERANCE bounds how long a captured request can
 * be replayed, and the svix-id (also signed) lets the handler drop replays inside that window.
 * Reference: standardwebhooks `Webhook.verify`, which the svix package wraps.
 */

/** Svix's own tolerance, both ways: five minutes. */
export const SVIX_TOLERANCE_SECONDS = 5 * 60;

export type SvixFailure = 'missing-headers' | 'bad-timestamp' | 'too-old' | 'too-new' | 'no-matching-signature';
export type SvixVerification = { ok: true; id: string; timestamp: number } | { ok: false; reason: SvixFailure };

export interface SvixHeaders {
  id: string | null | undefined;
  timestamp: string | null | undefined;
  signature: string | null | undefined;
}

export type SvixVerifier = (headers: SvixHeaders, rawBody: Uint8Array, nowMs: number) => SvixVerification;

/**
 * Decodes the secret once (at start-up, where a bad one should stop the server) and
 * returns the check for each request. The secret never appears in an error message.
 */
export function createSvixVerifier(secret: string, toleranceSeconds = SVIX_TOLERANCE_SECONDS): SvixVerifier {
  const encoded = secret.trim().replace(/^whsec_/, '');
  const key = BASE64.test(encoded) ? Buffer.from(encoded, 'base64') : Buffer.alloc(0);
  if (key.length < 16) {
    throw new NewsletterError(
      'bad-webhook-secret',
      'RESEND_WEBHOOK_SECRET is not a Svix signing secret — copy it from the webhook\'s page in the Resend dashboard; it looks like whsec_ followed by base64.',
    );
  }

  return (headers, rawBody, nowMs) => {
    const { id, timestamp, signature } = headers;
    if (!id || !timestamp || !signature) return { ok: false, reason: 'missing-headers' };
    if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'bad-timestamp' };
    const seconds = Number(timestamp);
    const now = Math.floor(nowMs / 1000);
    if (now - seconds > toleranceSeconds) return { ok: false, reason: 'too-old' };
    if (seconds - now > toleranceSeconds) return { ok: false, reason: 'too-new' };

    // The raw bytes as received: re-serialising parsed JSON would change them.
    const expected = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(rawBody).digest();
    // Bounded: a header of thousands of entries must not buy thousands of comparisons.
    const entries = signature.split(' ').slice(0, MAX_SIGNATURES);
    let matched = false;
    for (const entry of entries) {
      const comma = entry.indexOf(',');
      if (comma < 0 || entry.slice(0, comma) !== 'v1') continue; // v1a (asymmetric) and unknown versions
      const given = entry.slice(comma + 1);
      if (!BASE64.test(given)) continue;
      const bytes = Buffer.from(given, 'base64');
      // No early exit on a match: every entry costs the same, whichever one matches.
      if (bytes.length === expected.length && timingSafeEqual(bytes, expected)) matched = true;
    }
    return matched ? { ok: true, id, timestamp: seconds } : { ok: false, reason: 'no-matching-signature' };
  };
}

const MAX_SIGNATURES = 8;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
