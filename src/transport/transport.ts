import { NewsletterError } from '../errors.ts';

/** One ready-to-send email: personalized, headers final. */
export interface Message {
  to: string;
  /** `Name <address>` */
  from: string;
  replyTo?: string;
  subject: string;
  html: string;
  text: string;
  /** List-Unsubscribe, List-Unsubscribe-Post, X-Entity-Ref-ID … (no CR/LF in values). */
  headers: Record<string, string>;
  /** ASCII only (Resend's rule). */
  tags: { name: string; value: string }[];
  /**
   * ISO 8601: the provider holds the email until then (Resend's `scheduled_at`). Resend's
   * batch endpoint does not take it, so a scheduled message travels alone (batch of one).
   */
  scheduledAt?: string;
}

/** The outcome of one message of a batch, in the batch's order. */
export type MessageOutcome = { ok: true; id: string } | { ok: false; reason: string };

export interface BatchResult {
  outcomes: MessageOutcome[];
  /** What the provider said of its rate limit, when it said anything. */
  rateLimit?: { limit?: number; remaining?: number; resetMs?: number };
  /**
   * Milliseconds from the call until the request had fully left this process, when the
   * transport can tell (Resend: yes; the outbox makes no request). The rate limiter's best
   * clue to when the provider counted the request.
   */
  uploadMs?: number;
}

export interface SendOptions {
  /** Deterministic per (campaign, batch): a retry or resume of the same batch reuses it. */
  idempotencyKey: string;
  signal?: AbortSignal;
  /**
   * The send loop's rate limiter. When given, the transport first builds the request (for
   * Resend: encodes a ~3.5 MB body), then awaits this once, right before the request
   * leaves, and sends nothing if it resolves false (it then throws a retryable
   * `aborted` TransportError). The provider counts a request when it arrives, so the slot
   * must be taken when the bytes are ready to go, not before the work of making them:
   * that work took 30–60 ms of this thread a batch, a different amount each time, and
   * every ms of it moved the request's arrival by as much.
   */
  acquireSlot?: () => Promise<boolean>;
}

/**
 * Where messages go. Like listmonk's Messenger: one small interface, a Resend and an
 * outbox implementation. A transport sends one batch per call and does not retry:
 * pacing and retries live in the send loop, which asks the error whether to retry.
 */
export interface Transport {
  readonly name: 'resend' | 'outbox';
  /** The most messages one `sendBatch` call takes (Resend: 100). */
  readonly maxBatch: number;
  sendBatch(messages: Message[], options: SendOptions): Promise<BatchResult>;
  close(): Promise<void>;
}

/**
 * A batch that failed as a whole. `retryable` answers the send loop's only question:
 * try the same batch again (same key, same payload), or stop the campaign.
 */
export class TransportError extends NewsletterError {
  readonly retryable: boolean;
  readonly status: number | undefined;
  /** From `retry-after` / `ratelimit-reset`, when the provider said. */
  readonly retryAfterMs: number | undefined;
  /** The `ratelimit-*` headers of the error's answer, when it had them (a 429 has): the rate limiter learns from errors too. */
  readonly rateLimit: BatchResult['rateLimit'];

  constructor(message: string, options: { retryable: boolean; status?: number; retryAfterMs?: number; code?: string; rateLimit?: BatchResult['rateLimit'] }) {
    super(options.code ?? (options.retryable ? 'transport-retryable' : 'transport-fatal'), message);
    this.retryable = options.retryable;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.rateLimit = options.rateLimit;
  }
}
