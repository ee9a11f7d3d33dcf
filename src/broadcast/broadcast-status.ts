import type { Resend } from 'resend';
import { maskAddress } from '../subscribers/mask-address.ts';
import type { Caller } from './resend-calls.ts';

/**
 * What Resend says of a campaign's broadcast: its state, the counts (one metrics call,
 * filtered to the broadcast), each clicked link, and the bounced and complained
 * recipients (masked; the first page of each).
 */
export interface BroadcastStatus {
  id: string;
  status: string;
  createdAt: string | undefined;
  sentAt: string | undefined;
  scheduledAt: string | undefined;
  counts: { sent: number; delivered: number; opened: number; uniqueOpened: number; clicked: number; uniqueClicked: number; bounced: number; complained: number; unsubscribed: number };
  links: { url: string; clicks: number; uniqueClicks: number }[];
  bounced: { address: string; bounceType: string | undefined }[];
  complained: string[];
}

export async function broadcastStatus(resend: Resend, caller: Caller, id: string): Promise<BroadcastStatus> {
  const b = await caller.call(`get broadcast ${id}`, true, (o) => resend.broadcasts.get(id, o));
  const since = b.created_at === undefined ? undefined : new Date(Date.parse(b.created_at.replace(' ', 'T').replace(/\+00$/, 'Z')) || Date.now() - 6 * 86_400_000).toISOString();
  const metrics = await caller.call(`metrics of broadcast ${id}`, true, (o) => resend.emails.metrics({ broadcastId: [id], ...(since === undefined ? {} : { startDate: since }) }, o));
  const t = metrics.totals;
  const links: BroadcastStatus['links'] = [];
  let after: string | undefined;
  for (;;) {
    const page = await caller.call(`clicked links of broadcast ${id}`, true, (o) => resend.broadcasts.clickedLinks(id, { limit: 100, ...(after === undefined ? {} : { after }) }, o));
    for (const l of page.data) links.push({ url: l.url, clicks: l.clicks, uniqueClicks: l.unique_clicks });
    const last = page.data.at(-1);
    if (!page.has_more || last === undefined) break;
    after = last.id;
  }
  links.sort((a, c) => c.clicks - a.clicks || a.url.localeCompare(c.url));
  const bouncedPage = await caller.call(`bounced recipients of broadcast ${id}`, true, (o) => resend.broadcasts.recipients(id, { type: 'bounced', limit: 100 }, o));
  const complainedPage = await caller.call(`complained recipients of broadcast ${id}`, true, (o) => resend.broadcasts.recipients(id, { type: 'complained', limit: 100 }, o));
  return {
    id,
    status: b.status,
    createdAt: b.created_at ?? undefined,
    sentAt: b.sent_at ?? undefined,
    scheduledAt: b.scheduled_at ?? undefined,
    counts: {
      sent: t.sent ?? 0,
      delivered: t.delivered ?? 0,
      opened: t.opened ?? 0,
      uniqueOpened: t.unique_opened ?? 0,
      clicked: t.clicked ?? 0,
      uniqueClicked: t.unique_clicked ?? 0,
      bounced: t.bounced ?? 0,
      complained: t.complained ?? 0,
      unsubscribed: t.unsubscribed ?? 0,
    },
    links,
    bounced: bouncedPage.data.map((r) => ({ address: maskAddress(r.email), bounceType: (r as { bounce_type?: string }).bounce_type })),
    complained: complainedPage.data.map((r) => maskAddress(r.email)),
  };
}

export function formatBroadcastStatus(s: BroadcastStatus): string[] {
  const c = s.counts;
  const n = (v: number) => v.toLocaleString('en-US');
  return [
    `  broadcast     ${s.id}: ${s.status}${s.sentAt ? ` (sent ${s.sentAt})` : s.scheduledAt ? ` (scheduled ${s.scheduledAt})` : ''}`,
    `  resend says   sent ${n(c.sent)} · delivered ${n(c.delivered)} · opened ${n(c.uniqueOpened)} (${n(c.opened)} opens, an upper bound) · clicked ${n(c.uniqueClicked)} (${n(c.clicked)} clicks) · bounced ${n(c.bounced)} · complained ${n(c.complained)} · unsubscribed ${n(c.unsubscribed)}`,
    ...s.links.slice(0, 10).map((l) => `  link          ${n(l.clicks)} clicks (${n(l.uniqueClicks)} people)  ${l.url}`),
    ...(s.bounced.length > 0 ? [`  bounced       ${s.bounced.map((b) => `${b.address}${b.bounceType ? ` (${b.bounceType})` : ''}`).join(', ')}`] : []),
    ...(s.complained.length > 0 ? [`  complained    ${s.complained.join(', ')}`] : []),
  ];
}
