import type { Resend } from 'resend';
import { NewsletterError } from '../errors.ts';
import type { CampaignLease } from '../store/campaign-lease.ts';
import type { Store } from '../store/open-store.ts';
import { stepJournal } from './broadcast-steps.ts';
import { createCaller, createCallPace } from './resend-calls.ts';

/**
 * `send <edition> --transport broadcast --cancel`: cancels the campaign's broadcast while
 * Resend still holds it (scheduled, or queued mid-send). Cancelling twice is harmless.
 */
export async function cancelBroadcast(input: {
  store: Store;
  campaign: string;
  resend: Resend;
  rate: number | 'auto';
  timeoutMs: number;
  now: () => number;
  lease?: CampaignLease;
}): Promise<{ broadcastId: string; status: string }> {
  const steps = stepJournal(input.store, input.campaign, input.lease === undefined ? undefined : () => input.lease?.assertHeld());
  const broadcastId = steps.get('create')?.resendId;
  if (broadcastId === undefined) {
    throw new NewsletterError('nothing-to-cancel', `No broadcast of ${input.campaign} in the journal: nothing was handed to Resend, so there is nothing to cancel.`);
  }
  const caller = createCaller({ pace: createCallPace({ rate: input.rate }), timeoutMs: input.timeoutMs });
  const before = await caller.call(`get broadcast ${broadcastId}`, true, (o) => input.resend.broadcasts.get(broadcastId, o));
  if (!['draft', 'queued', 'scheduled'].includes(String(before.status))) {
    throw new NewsletterError('cannot-cancel', `Broadcast ${broadcastId} is ${before.status}: there is nothing left to cancel.`);
  }
  steps.start('cancel', { statusBefore: before.status }, input.now());
  await caller.call(`cancel broadcast ${broadcastId}`, true, (o) => input.resend.broadcasts.cancel(broadcastId, o));
  const after = await caller.call(`get broadcast ${broadcastId}`, true, (o) => input.resend.broadcasts.get(broadcastId, o));
  steps.done('cancel', broadcastId, { statusBefore: before.status, status: after.status }, input.now());
  return { broadcastId, status: after.status };
}
