/**
 * Time, passed in. Only scripts/ (and tests and benches) construct one; the send loop
 * asks it for the time and for waits, so a test can drive the loop with its own.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /**
   * Waits `ms`. Resolves early (never rejects) when `signal` aborts: the caller checks
   * `signal.aborted` afterwards, which keeps the send loop free of abort exceptions.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep(ms, signal) {
    return new Promise<void>((resolve) => {
      if (signal?.aborted || ms <= 0) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    });
  },
};
