/**
 * A per-address limit for the sign-up form: at most `max` posts per `windowMs` from one
 * IP (a sliding log of each address's recent posts). Bounded memory: past `maxAddresses`
 * tracked IPs the oldest are forgotten, so a flood of spoofed sources cannot grow it.
 */
export interface IpRateLimit {
  /** Records a post; `ok: false` with the seconds until the next is allowed. */
  take(ip: string, now: number): { ok: true } | { ok: false; retryAfterS: number };
}

export function createIpRateLimit(options: { max: number; windowMs: number; maxAddresses?: number }): IpRateLimit {
  const { max, windowMs } = options;
  const maxAddresses = options.maxAddresses ?? 100_000;
  const log = new Map<string, number[]>();
  return {
    take(ip, now) {
      const recent = (log.get(ip) ?? []).filter((t) => now - t < windowMs);
      if (recent.length >= max) {
        log.set(ip, recent);
        return { ok: false, retryAfterS: Math.max(1, Math.ceil((recent[0]! + windowMs - now) / 1000)) };
      }
      recent.push(now);
      log.delete(ip); // re-insert: Map order is the eviction order
      log.set(ip, recent);
      if (log.size > maxAddresses) log.delete(log.keys().next().value as string);
      return { ok: true };
    },
  };
}
