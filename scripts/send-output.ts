import { systemClock } from '../src/send/clock.ts';
import { formatProgress } from '../src/send/format-report.ts';
import type { SendProgress } from '../src/send/send-campaign.ts';

/**
 * What `send` shows while it sends, in order: the plan first, then the progress (a bar
 * on a terminal, a line every 2 s elsewhere) and the notices. The send may start before
 * the plan's pass ends (scripts/send.ts): until the plan is shown, progress is not drawn
 * and notices wait, so a reader still sees the plan before anything about the send.
 */
export interface SendOutput {
  /** Shows the plan's lines; `total` is what the progress counts towards. */
  plan(lines: readonly string[], total: number): void;
  progress(p: SendProgress): void;
  notice(message: string): void;
  /** Clears the bar, before the report or a message of its own. */
  clear(): void;
}

export function sendOutput(options: { json: boolean; say: (line: string) => void }): SendOutput {
  const onTty = process.stderr.isTTY === true && !options.json;
  let total: number | undefined;
  const held: string[] = [];
  let lastPlain = 0;
  let barShown = false;
  const clear = () => {
    if (barShown) process.stderr.write('\r\x1b[K');
    barShown = false;
  };
  return {
    plan(lines, planTotal) {
      for (const line of lines) options.say(line);
      total = planTotal;
      for (const message of held.splice(0)) console.error(message);
    },
    progress(p) {
      if (total === undefined) return;
      if (onTty) {
        process.stderr.write(`\r\x1b[K${formatProgress(p, total, { bar: true })}`);
        barShown = true;
      } else if (!options.json && systemClock.now() - lastPlain >= 2000) {
        lastPlain = systemClock.now();
        console.error(formatProgress(p, total, { bar: false }));
      }
    },
    notice(message) {
      if (total === undefined) {
        held.push(message);
        return;
      }
      clear();
      console.error(message);
    },
    clear,
  };
}
