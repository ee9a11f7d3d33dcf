import { createHmac, timingSafeEqual } from 'node:crypto';
import { NewsletterError } from '../errors.ts';

/**
 * The token in `https://…/u/TOKEN`: `base64url("campaign\naddress") . base64url(HMAC)`.
 *
 * The unsubscribe endpoint has nothing but the token to go on (no database lookup by a
 * random id), so the payload carries the campaign and the address, and the HMAC-SHA256
 * over exactly those bytes, keyed by NEWSLETTER_SECRET, proves we wrote it. The address
 * is lower-cased first: suppression is case-insensitive, and one address must always
 * give one token.
 *
 * The payload is readable by whoever holds the link (the recipient, who knows their own
 * address). It is not secret; it only must not be forgeable.
 */
export function unsubscribeToken(secret: string, campaignId: string, address: string): string {
  if (campaignId.includes('\n') || address.includes('\n')) {
    // A slug and a validated address never hold a newline; this is a caller's bug.
    throw new NewsletterError('token-input', `Cannot sign an unsubscribe token for "${campaignId}" / "${address}": a newline would make the payload ambiguous.`);
  }
  const payload = Buffer.from(`${campaignId}\n${address.toLowerCase()}`, 'utf8');
  return `${payload.toString('base64url')}.${mac(secret, payload).toString('base64url')}`;
}

/** The campaign and address a token was made for, or `undefined` if it is malformed, truncated or forged. */
export function verifyUnsubscribeToken(secret: string, token: string): { campaign: string; address: string } | undefined {
  const dot = token.indexOf('.');
  if (dot <= 0 || dot !== token.lastIndexOf('.')) return undefined;
  const payloadPart = token.slice(0, dot);
  const macPart = token.slice(dot + 1);
  // Buffer.from(…, 'base64url') silently skips bad characters; insist on the alphabet so
  // that two different strings can never decode to the same token.
  if (!BASE64URL.test(payloadPart) || !BASE64URL.test(macPart)) return undefined;

  const payload = Buffer.from(payloadPart, 'base64url');
  const given = Buffer.from(macPart, 'base64url');
  const expected = mac(secret, payload);
  // timingSafeEqual throws on a length mismatch, and a truncated MAC is a forgery anyway.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;

  const text = payload.toString('utf8');
  const newline = text.indexOf('\n');
  if (newline <= 0 || newline === text.length - 1) return undefined;
  return { campaign: text.slice(0, newline), address: text.slice(newline + 1) };
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

function mac(secret: string, payload: Buffer): Buffer {
  return createHmac('sha256', secret).update(payload).digest();
}
