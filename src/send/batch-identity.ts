import { createHash } from 'node:crypto';
import type { Message } from '../transport/transport.ts';

/**
 * sha256 of a batch's messages exactly as built. The personalizer builds every message
 * from the same inputs in the same key order, so the same recipients and the same
 * rendered email give the same hash on any run; the journal stores it and a resume
 * checks it before sending an in-flight batch again.
 */
export function payloadHash(messages: readonly Message[]): string {
  const hash = createHash('sha256');
  // One update per message: no 5 MB string for a batch of 100 large emails.
  for (const m of messages) hash.update(JSON.stringify(m)).update('\n');
  return hash.digest('hex');
}

/**
 * The batch's Idempotency-Key: readable in front (`<slug>-<seq>-`, so keys sort in
 * batch order in the outbox and in logs), and a digest of (journal campaign, seq, the
 * sorted recipients, the payload hash) behind — deterministic, so a retry or a resume
 * of the batch sends the same key, and different for any other batch, campaign or
 * content. Resend allows 256 characters; this stays under 140.
 */
export function idempotencyKey(input: { slug: string; campaign: string; seq: number; addresses: readonly string[]; payloadHash: string }): string {
  const digest = createHash('sha256')
    .update(`${input.campaign}\n${input.seq}\n`)
    .update([...input.addresses].map((a) => a.toLowerCase()).sort().join('\n'))
    .update(`\n${input.payloadHash}`)
    .digest('hex');
  return `${input.slug.slice(0, 80)}-${String(input.seq).padStart(5, '0')}-${digest.slice(0, 40)}`;
}
