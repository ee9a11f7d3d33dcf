import { NewsletterError } from './errors.ts';

/**
 * Every default of the send path, in one place (listmonk's `New()` sets them all in one
 * function; p-queue documents each with `@default`). Only scripts/ calls `resolveConfig`
 * with `process.env`; everything under src/ receives the resolved values as arguments.
 */
export interface Config {
  /**
   * Base URL of the unsubscribe links (`/u/TOKEN`) and the web version (`/archive/<slug>`).
   * Env: `NEWSLETTER_PUBLIC_URL`. Sending through Resend requires it, as an https URL;
   * the outbox and dry runs fall back to `devPublicUrl`.
   * @default undefined
   */
  publicUrl: string | undefined;
  /** What the outbox and dry runs put in links when `publicUrl` is unset. @default 'http://localhost:8787' */
  devPublicUrl: string;
  /**
   * Key of the unsubscribe tokens' HMAC. Env: `NEWSLETTER_SECRET`. Sending through Resend
   * requires it; the outbox and dry runs fall back to `devSecret`.
   * @default undefined
   */
  secret: string | undefined;
  /**
   * A fixed, public, development-only secret: outbox tokens stay stable from run to run
   * (a resumed outbox send rebuilds byte-identical payloads), and never verify in production.
   * @default 'newsletter-local-development-secret'
   */
  devSecret: string;
  /** The journal (SQLite). Env: `NEWSLETTER_DB`. @default 'data/newsletter.db' */
  dbPath: string;
  /** Where the outbox writes, one folder per campaign. Env: `NEWSLETTER_OUTBOX`. @default 'out/outbox' */
  outboxDir: string;
  /**
   * The list settings: sender and consent wording (sign-up form, consent notices).
   * Env: `NEWSLETTER_LIST`. @default 'content/list.yaml'
   */
  listPath: string;
  /** Env: `RESEND_API_KEY`. When unset, the send command defaults to the outbox. @default undefined */
  resendApiKey: string | undefined;
  /** Env: `RESEND_BASE_URL` (tests point it at the local server). @default undefined (the SDK's own) */
  resendBaseUrl: string | undefined;
  /**
   * Requests per second, or `'auto'`: the team's limit as Resend's `ratelimit-limit` header
   * says it (5/s by default, 2/s for older teams, more for raised ones; no burst) — one
   * request alone until the first answer tells. A number forces it (an answer's lower
   * limit still wins). Flag: `--rate auto|N`. The outbox has no limit: `outboxRatePerSecond`.
   * @default 'auto'
   */
  ratePerSecond: number | 'auto';
  /** `'auto'` when answers carry no `ratelimit-limit` (a proxy dropped it): the lowest a Resend team has had. @default 2 */
  autoFallbackRate: number;
  /** The outbox's pace under `'auto'` (it has no provider to ask). @default 10 */
  outboxRatePerSecond: number;
  /**
   * Added to the 1 s window: requests leave here and are counted there a few ms apart, so
   * pacing exactly at the limit would now and then earn a 429. Costs ~2% of throughput.
   * @default 25
   */
  rateMarginMs: number;
  /** Messages per batch call; Resend's batch endpoint takes at most 100. @default 100 */
  batchSize: number;
  /**
   * Batch calls waiting for an answer at once. One is enough for a fast provider; a few
   * keep the pace when each call takes longer than the rate's interval (Resend answers in
   * ~200–500 ms, the interval at 10/s is 100 ms). The rate limiter still paces the starts.
   * @default 4
   */
  concurrency: number;
  /**
   * Failed batch attempts in a row (5xx, 429, timeouts, dropped connections) after which
   * the campaign pauses, resumable by running the same command again. Like listmonk's
   * `app.max_send_errors`, but counted in a row, so a few scattered 500s never pause it.
   * @default 10
   */
  maxConsecutiveFailures: number;
  /** Each transport call is aborted after this long and retried (same key, same payload). @default 30000 */
  timeoutMs: number;
  /** Backoff: full jitter over `min(backoffMaxMs, backoffBaseMs · 2^attempt)`. @default 500 */
  backoffBaseMs: number;
  /** @default 30000 */
  backoffMaxMs: number;
  /** How often a sending run renews its campaign lease (src/send/hold-campaign.ts). @default 5000 */
  leaseHeartbeatMs: number;
  /**
   * A lease whose heartbeat is older than this is taken over by the next run, on any host
   * (on the holder's own host a dead pid or a reboot is noticed at once). Six heartbeats:
   * an event loop is never held that long by a healthy run.
   * @default 30000
   */
  leaseStaleMs: number;
  /**
   * Env: `NEWSLETTER_BROADCAST_PART_BYTES`. The largest contact file a broadcast uploads in
   * one import (Resend allows 50 MB). @default 48000000
   */
  broadcastPartBytes: number;
  /** Env: `NEWSLETTER_BROADCAST_POLL_MS`. How often a contact import is polled. @default 1000 */
  broadcastPollMs: number;
}

export const defaults: Config = {
  publicUrl: undefined,
  devPublicUrl: 'http://localhost:8787',
  secret: undefined,
  devSecret: 'newsletter-local-development-secret',
  dbPath: 'data/newsletter.db',
  outboxDir: 'out/outbox',
  listPath: 'content/list.yaml',
  resendApiKey: undefined,
  resendBaseUrl: undefined,
  ratePerSecond: 'auto',
  autoFallbackRate: 2,
  outboxRatePerSecond: 10,
  rateMarginMs: 25,
  batchSize: 100,
  concurrency: 4,
  maxConsecutiveFailures: 10,
  timeoutMs: 30_000,
  backoffBaseMs: 500,
  backoffMaxMs: 30_000,
  leaseHeartbeatMs: 5_000,
  leaseStaleMs: 30_000,
  broadcastPartBytes: 48_000_000,
  broadcastPollMs: 1_000,
};

/** The flags that override a default (already parsed to numbers by the command). */
export type ConfigFlags = Partial<Pick<Config, 'ratePerSecond' | 'batchSize' | 'dbPath' | 'outboxDir' | 'listPath'>>;

/**
 * Defaults, then the environment, then flags. An empty variable counts as unset (a
 * `RESEND_API_KEY=` line in a .env file should not mean "send with an empty key").
 */
export function resolveConfig(env: Record<string, string | undefined>, flags: ConfigFlags = {}): Config {
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const config: Config = {
    ...defaults,
    publicUrl: read('NEWSLETTER_PUBLIC_URL')?.replace(/\/+$/, ''),
    secret: read('NEWSLETTER_SECRET'),
    dbPath: read('NEWSLETTER_DB') ?? defaults.dbPath,
    listPath: read('NEWSLETTER_LIST') ?? defaults.listPath,
    outboxDir: read('NEWSLETTER_OUTBOX') ?? defaults.outboxDir,
    resendApiKey: read('RESEND_API_KEY'),
    resendBaseUrl: read('RESEND_BASE_URL'),
    broadcastPartBytes: readNumber(read('NEWSLETTER_BROADCAST_PART_BYTES')) ?? defaults.broadcastPartBytes,
    broadcastPollMs: readNumber(read('NEWSLETTER_BROADCAST_POLL_MS')) ?? defaults.broadcastPollMs,
  };
  for (const [key, value] of Object.entries(flags)) {
    if (value !== undefined) (config as unknown as Record<string, unknown>)[key] = value;
  }
  check(config);
  return config;
}

/** A number as written; anything else stays as it is, for `check` to name. */
function readNumber(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  return /^\d+$/.test(value) ? Number(value) : (value as unknown as number);
}

function check(config: Config): void {
  const problems: string[] = [];
  const positiveInt = (name: keyof Config, max = Infinity) => {
    const v = config[name];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) {
      problems.push(`Expected \`${name}\` to be a whole number from 1${max === Infinity ? ' and up' : ` to ${max}`}, got \`${String(v)}\`.`);
    }
  };
  if (config.ratePerSecond !== 'auto' && (!(config.ratePerSecond > 0) || !Number.isFinite(config.ratePerSecond))) {
    problems.push(`Expected \`ratePerSecond\` (--rate) to be auto or a number above 0, got \`${String(config.ratePerSecond)}\`.`);
  }
  positiveInt('batchSize', 100);
  positiveInt('concurrency');
  positiveInt('maxConsecutiveFailures');
  positiveInt('timeoutMs');
  positiveInt('broadcastPartBytes', 50 * 1024 * 1024);
  positiveInt('broadcastPollMs');
  if (config.publicUrl !== undefined && !/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(config.publicUrl)) {
    problems.push(`NEWSLETTER_PUBLIC_URL must be an absolute URL without query, such as https://news.may-i.io, got \`${config.publicUrl}\`.`);
  }
  if (config.resendBaseUrl !== undefined && !/^https?:\/\/\S+$/.test(config.resendBaseUrl)) {
    problems.push(`RESEND_BASE_URL must be an absolute http(s) URL, got \`${config.resendBaseUrl}\`.`);
  }
  if (problems.length > 0) throw new NewsletterError('bad-config', 'The configuration is not valid:', problems);
}
