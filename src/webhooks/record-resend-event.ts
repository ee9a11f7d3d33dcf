import type { Statement } from 'better-sqlite3';
import type { Store } from '../store/open-store.ts';
import { suppress, type SuppressionReason } from '../store/suppressions.ts';
import { campaignOfBroadcast } from '../broadcast/broadcast-steps.ts';
import { campaignOf, contactUnsubscribed, deliveryTypeOf, eventTimeOf, recipientsOf, type ResendEvent } from './resend-event.ts';
import { bounceKindOf, reportableLink, rollUp } from './event-rollups.ts';
import { ensureWebhookTables } from './webhook-events-table.ts';

export interface RecordedEvent {
  /** The svix-id was seen before: nothing was written. */
  duplicate: boolean;
  campaign: string | undefined;
  /** Addresses this event added to the suppression list (already-suppressed ones not counted). */
  suppressed: string[];
}

/** The source written to `suppressions.source` for what webhooks add. */
export const WEBHOOK_SOURCE = 'resend-webhook';

/**
 * Applies one verified event, once. The svix-id row, the delivery record and any
 * suppression are one IMMEDIATE transaction, so a retry that arrives while the first
 * delivery is still being written either sees all of it (and is a duplicate) or none.
 *
 * `email.bounced` and `email.complained` (the reader pressed "spam") suppress every
 * address of the message — a bounce unless Resend calls it `Transient` (a full mailbox, a
 * server down for now: the next edition may well arrive; Resend documents the event as a
 * permanent rejection, and its spec allows Permanent, Transient and Undetermined). Every
 * new event tied to a campaign and a message also goes into the report's roll-ups
 * (event-rollups.ts), in the same transaction.
 */
export function recordResendEvent(
  store: Store,
  svixId: string,
  event: ResendEvent,
  at: number,
  options: {
    /**
     * `contact.updated` with `unsubscribed: true`: the reader left through Resend's own
     * unsubscribe page (a broadcast's List-Unsubscribe header points there). Called inside
     * this event's transaction; `serve` records the refusal and its §50⑦ notice.
     */
    onContactUnsubscribed?: (address: string) => { added: boolean };
  } = {},
): RecordedEvent {
  const insert = insertStatement(store.db);
  // A batch send's messages carry the campaign tag; a broadcast's carry its broadcast_id.
  const broadcastId = typeof event.data['broadcast_id'] === 'string' ? event.data['broadcast_id'] : undefined;
  const campaign = campaignOf(event) ?? (broadcastId === undefined ? undefined : campaignOfBroadcast(store, broadcastId));
  const apply = store.db.transaction((): RecordedEvent => {
    const clicked = event.data.click?.link;
    const link = clicked === undefined ? undefined : reportableLink(clicked);
    const fresh = insert.run(svixId, event.type, campaign ?? null, event.data.email_id ?? null, event.created_at ?? null, new Date(at).toISOString(), link ?? null).changes === 1;
    if (!fresh) return { duplicate: true, campaign, suppressed: [] };
    const type = deliveryTypeOf(event);
    const bounce = event.data.bounce;
    if (type !== undefined && campaign !== undefined && event.data.email_id !== undefined) {
      const detail = bounce === undefined ? undefined : [bounce.subType, bounce.message].filter((p) => p !== undefined && p !== '').join(': ').slice(0, 300);
      rollUp(store.db, { campaign, emailId: event.data.email_id, type, at: eventTimeOf(event, at), link, bounceType: bounce?.type, detail, to: recipientsOf(event)[0] });
    }
    const hard = type === 'bounced' && bounceKindOf(bounce?.type) !== 'soft';
    const reason: SuppressionReason | undefined = hard ? 'bounced' : type === 'complained' ? 'complained' : undefined;
    const suppressed: string[] = [];
    const leaving = contactUnsubscribed(event);
    if (leaving !== undefined && options.onContactUnsubscribed?.(leaving).added === true) suppressed.push(leaving);
    if (reason !== undefined) {
      for (const address of recipientsOf(event)) {
        const input = { address, reason, source: WEBHOOK_SOURCE, at, ...(campaign === undefined ? {} : { campaign }) };
        if (suppress(store, input).added) suppressed.push(address);
      }
    }
    return { duplicate: false, campaign, suppressed };
  });
  return apply.immediate();
}

const statements = new WeakMap<Store['db'], Statement<unknown[]>>();
function insertStatement(db: Store['db']) {
  let statement = statements.get(db);
  if (statement === undefined) {
    ensureWebhookTables(db);
    statement = db.prepare<unknown[]>(
      `INSERT INTO webhook_events (svix_id, type, campaign, email_id, event_at, received_at, link)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (svix_id) DO NOTHING`,
    );
    statements.set(db, statement);
  }
  return statement;
}
