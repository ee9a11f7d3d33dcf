import { z } from 'zod';

/**
 * The part of a Resend webhook we act on. Resend's email events share one shape:
 * `{type, created_at, data: {email_id, to[], tags, …}}`, with `data.bounce` on
 * `email.bounced` and `data.click` on `email.clicked` (https://resend.com/docs/dashboard/webhooks/body-parameters).
 *
 * Loose on purpose: unknown fields pass, unknown types pass (they are recorded and
 * ignored), because a webhook we reject is a webhook Resend retries for days. Only what
 * we cannot do without is required.
 */

/** The email event types, without the `email.` prefix: the keys of `deliveryCounts`. */
export const deliveryEventTypes = [
  'sent',
  'delivered',
  'delivery_delayed',
  'opened',
  'clicked',
  'bounced',
  'complained',
  'failed',
  'scheduled',
  'suppressed',
] as const;
export type DeliveryEventType = (typeof deliveryEventTypes)[number];

// The docs describe tags as `[{name, value}]`; payloads in the wild also carry them as a
// plain `{name: value}` object. Both are read.
const tagsSchema = z.union([
  z.array(z.object({ name: z.string(), value: z.string() }).loose()),
  z.record(z.string(), z.unknown()),
]);

export const resendEventSchema = z
  .object({
    type: z.string().min(1).max(100),
    created_at: z.string().max(100).optional(),
    data: z
      .object({
        email_id: z.string().max(200).optional(),
        to: z.union([z.array(z.string().max(320)).max(100), z.string().max(320)]).optional(),
        tags: tagsSchema.optional(),
        bounce: z.object({ type: z.string().optional(), subType: z.string().optional(), message: z.string().optional() }).loose().optional(),
        click: z.object({ link: z.string().max(8192).optional() }).loose().optional(),
      })
      .loose()
      .default({}),
  })
  .loose();

export type ResendEvent = z.infer<typeof resendEventSchema>;

/** The `campaign` tag the send command puts on every message, if the event carries it. */
export function campaignOf(event: ResendEvent): string | undefined {
  const tags = event.data.tags;
  if (tags === undefined) return undefined;
  const value = Array.isArray(tags) ? tags.find((t) => t.name === 'campaign')?.value : tags['campaign'];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The recipients the event is about (one per message in our sends), lower-cased. */
export function recipientsOf(event: ResendEvent): string[] {
  const to = event.data.to;
  const list = to === undefined ? [] : Array.isArray(to) ? to : [to];
  // `Name <addr>` is not what Resend sends for `to`, but costs nothing to accept.
  return list.map((a) => (/<([^<>]+)>\s*$/.exec(a)?.[1] ?? a).trim().toLowerCase()).filter((a) => a.includes('@'));
}

/** `email.bounced` → `bounced`; undefined for a type that is not an email event. */
export function deliveryTypeOf(event: ResendEvent): DeliveryEventType | undefined {
  if (!event.type.startsWith('email.')) return undefined;
  const short = event.type.slice('email.'.length);
  return (deliveryEventTypes as readonly string[]).includes(short) ? (short as DeliveryEventType) : undefined;
}

/** `contact.updated` with `unsubscribed: true`: the contact's address, lower-cased. */
export function contactUnsubscribed(event: ResendEvent): string | undefined {
  if (event.type !== 'contact.updated' || event.data['unsubscribed'] !== true) return undefined;
  const email = event.data['email'];
  return typeof email === 'string' && email.includes('@') && email.length <= 320 ? email.trim().toLowerCase() : undefined;
}

/** The event's own time (`created_at`), else `fallback` (when it came): ms since the epoch. */
export function eventTimeOf(event: ResendEvent, fallback: number): number {
  const at = event.created_at === undefined ? Number.NaN : Date.parse(event.created_at);
  return Number.isFinite(at) ? at : fallback;
}
