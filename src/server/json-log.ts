import type { ServerLog } from './create-app.ts';

/**
 * One JSON object per line, with the time first: what `journalctl`, `docker logs` and
 * log shippers read without a parser of ours. The clock is passed in (scripts/ owns it).
 */
export function jsonLog(write: (line: string) => void, now: () => number): ServerLog {
  return (entry) => write(`${JSON.stringify({ time: new Date(now()).toISOString(), ...entry })}\n`);
}
