import type { Hono } from 'hono';
import type { Store } from '../../store/open-store.ts';
import { createGroupCommit } from '../../store/group-commit.ts';
import { recordResendEvent, type RecordedEvent } from '../../webhooks/record-resend-event.ts';
import { resendEventSchema, type ResendEvent } from '../../webhooks/resend-event.ts';
import type { createSvixVerifier } from '../../webhooks/verify-svix-signature.ts';
import { errorName } from '../error-name.ts';
import { maskAddress } from '../../subscribers/mask-address.ts';
import type { ServerLog } from '../create-app.ts';

/** `POST /webhooks/resend`: Svix-verified Resend events; bounces and complaints suppress. */
export function webhookRoutes(
  app: Hono,
  options: {
    store: Store;
    verifyWebhook: ReturnType<typeof createSvixVerifier> | undefined;
    now: () => number;
    log: ServerLog;
    /** A reader who left through Resend's unsubscribe page: the refusal, recorded. */
    onContactUnsubscribed?: (address: string, at: number) => { added: boolean };
    /** After a refusal was recorded: its notice is waiting. */
    onNotice?: () => void;
  },
): void {
  const { store, verifyWebhook, now, log, onContactUnsubscribed } = options;
  // Group commit: the events of one event-loop turn in one transaction, each answered
  // after it is on disk (974 events/s with a commit each, bench/report.ts). Each event is
  // its own savepoint: one that fails is answered 503 alone, and Resend retries it.
  type Item = { id: string; event: ResendEvent; at: number };
  const writer = createGroupCommit(store, ({ id, event, at }: Item): { ok: RecordedEvent } | { error: unknown } => {
    try {
      return { ok: recordResendEvent(store, id, event, at, onContactUnsubscribed === undefined ? {} : { onContactUnsubscribed: (address) => onContactUnsubscribed(address, at) }) };
    } catch (error) {
      return { error };
    }
  });
  app.post('/webhooks/resend', async (c) => {
    if (verifyWebhook === undefined) return c.json({ error: 'webhooks are not configured: set RESEND_WEBHOOK_SECRET' }, 503);
    const raw = new Uint8Array(await c.req.arrayBuffer());
    const headers = { id: c.req.header('svix-id'), timestamp: c.req.header('svix-timestamp'), signature: c.req.header('svix-signature') };
    const verified = verifyWebhook(headers, raw, now());
    if (!verified.ok) {
      log({ event: 'webhook-rejected', reason: verified.reason });
      return c.json({ error: 'invalid signature' }, 401);
    }
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(raw).toString('utf8'));
    } catch {
      log({ event: 'webhook-rejected', reason: 'not-json', id: verified.id });
      return c.json({ error: 'body is not JSON' }, 400);
    }
    const parsed = resendEventSchema.safeParse(json);
    if (!parsed.success) {
      log({ event: 'webhook-rejected', reason: 'not-an-event', id: verified.id });
      return c.json({ error: 'body is not a Resend event' }, 400);
    }
    let result: RecordedEvent;
    try {
      const written = await writer.submit({ id: verified.id, event: parsed.data, at: now() });
      if ('error' in written) throw written.error;
      result = written.ok;
    } catch (error) {
      // 5xx: Resend retries later with the same svix-id, and nothing of this one was kept.
      log({ event: 'webhook-failed', id: verified.id, type: parsed.data.type, error: errorName(error) });
      return c.json({ error: 'could not record the event, retry later' }, 503);
    }
    if (result.suppressed.length > 0) options.onNotice?.();
    log({
      event: 'webhook',
      id: verified.id,
      type: parsed.data.type,
      campaign: result.campaign,
      duplicate: result.duplicate,
      suppressed: result.suppressed.map(maskAddress),
    });
    return c.json({ ok: true, duplicate: result.duplicate });
  });
}
