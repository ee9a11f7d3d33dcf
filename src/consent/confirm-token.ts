import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The double opt-in token in `/confirm/<token>`:
 * `base64url("address\nissuedAt\nnonce") . base64url(HMAC-SHA256)`.
 *
 * Signed with a key derived from NEWSLETTER_SECRET for this use only, so neither an
 * unsubscribe token nor any other of our signatures can pass as one. Expiry is checked
 * against `issuedAt`; single use against the nonce, which the subscriber's row holds
 * until the confirmation (and which a newer sign-up replaces).
 */
export interface ConfirmClaims {
  address: string;
  issuedAt: number;
  nonce: string;
}

export function newNonce(): string {
  return randomBytes(12).toString('base64url');
}

export function signConfirmToken(secret: string, claims: ConfirmClaims): string {
  const payload = Buffer.from(`${claims.address.toLowerCase()}\n${claims.issuedAt}\n${claims.nonce}`, 'utf8');
  return `${payload.toString('base64url')}.${mac(secret, payload).toString('base64url')}`;
}

export type ConfirmTokenCheck = { ok: true; claims: ConfirmClaims } | { ok: false; reason: 'invalid' | 'expired' };

/** Checks the signature, then the age (`maxAgeMs`); the nonce is the caller's (it is state). */
export function verifyConfirmToken(secret: string, token: string, now: number, maxAgeMs: number): ConfirmTokenCheck {
  if (token.length > 600) return { ok: false, reason: 'invalid' };
  const dot = token.indexOf('.');
  if (dot <= 0 || dot !== token.lastIndexOf('.')) return { ok: false, reason: 'invalid' };
  const [payloadPart, macPart] = [token.slice(0, dot), token.slice(dot + 1)];
  if (!BASE64URL.test(payloadPart) || !BASE64URL.test(macPart)) return { ok: false, reason: 'invalid' };
  const payload = Buffer.from(payloadPart, 'base64url');
  const given = Buffer.from(macPart, 'base64url');
  const expected = mac(secret, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'invalid' };
  const [address, issued, nonce, ...rest] = payload.toString('utf8').split('\n');
  const issuedAt = Number(issued);
  if (rest.length > 0 || !address || !nonce || !Number.isSafeInteger(issuedAt)) return { ok: false, reason: 'invalid' };
  if (now - issuedAt > maxAgeMs || issuedAt - now > 5 * 60_000) return { ok: false, reason: 'expired' };
  return { ok: true, claims: { address, issuedAt, nonce } };
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

function mac(secret: string, payload: Buffer): Buffer {
  const key = createHmac('sha256', secret).update('newsletter double opt-in token v1').digest();
  return createHmac('sha256', key).update(payload).digest();
}
