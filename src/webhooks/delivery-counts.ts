import type { Database } from 'better-sqlite3';
import { deliveryEventTypes, type DeliveryEventType } from './resend-event.ts';
import { ensureWebhookTables } from './webhook-events-table.ts';

/** Per event type: how many messages had it, and how many events there were (opens repeat). */
export type DeliveryCounts = Record<DeliveryEventType, { messages: number; events: number }>;

/**
 * What Resend told us about a campaign's messages, for `newsletter status`:
 * `counts.delivered.messages` is the number of distinct messages delivered,
 * `counts.opened.events` every open (one reader opening twice counts twice there, once
 * in `messages`). Every type is present, zero when nothing came.
 *
 * Events are tied to the campaign by the `campaign` tag the send command puts on each
 * message; events without one are not counted here.
 */
export function deliveryCounts(db: Database, campaign: string): DeliveryCounts {
  ensureWebhookTables(db);
  const counts = Object.fromEntries(deliveryEventTypes.map((t) => [t, { messages: 0, events: 0 }])) as DeliveryCounts;
  const rows = db
    .prepare(
      `SELECT type, count(DISTINCT email_id) AS messages, count(*) AS events
       FROM webhook_events WHERE campaign = ? GROUP BY type`,
    )
    .all(campaign) as { type: string; messages: number; events: number }[];
  for (const row of rows) {
    const short = row.type.replace(/^email\./, '') as DeliveryEventType;
    if (Object.hasOwn(counts, short)) counts[short] = { messages: row.messages, events: row.events };
  }
  return counts;
}
