import { createNoticePace, dispatchNotices, type DispatchOptions } from './dispatch-notices.ts';
import { summarizeNotices } from './notices.ts';

export interface NoticeLoop {
  /** A notice was journaled: send it soon (coalesced with a run under way). */
  kick(): void;
  /** Finishes the notice in flight, then stops. */
  stop(): Promise<void>;
}

/**
 * `serve`'s sender of owed notices: at start (whatever a crash left owed), whenever a
 * route journals one, and on a timer for retries. One run at a time; a kick during a run
 * makes one more run after it. Warns in the log while any notice is past its 14 days.
 */
export function startNoticeLoop(
  options: Omit<DispatchOptions, 'signal'> & { intervalMs?: number; log: (entry: { event: string } & Record<string, unknown>) => void },
): NoticeLoop {
  const controller = new AbortController();
  const intervalMs = options.intervalMs ?? 30_000;
  let running: Promise<void> | undefined;
  let again = false;
  let lastWarning = -Infinity;
  // One pace for the server's lifetime: the team's limit is learned once, and notices sent
  // by one run count in the window of the next.
  const pace = options.pace ?? createNoticePace(options.transport);

  const run = (): void => {
    if (controller.signal.aborted) return;
    if (running !== undefined) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        try {
          const report = await dispatchNotices({
            ...options,
            ...(pace === undefined ? {} : { pace }),
            signal: controller.signal,
            onResult: (row, result) => {
              options.log(
                result.ok
                  ? { event: 'notice-sent', kind: row.kind, id: result.id }
                  : { event: 'notice-failed', kind: row.kind, error: result.error.slice(0, 200), retry: result.retryAt !== undefined },
              );
            },
          });
          if (report.sent + report.failed + report.retrying > 0) options.log({ event: 'notices', ...report });
          const summary = summarizeNotices(options.store, options.now());
          if (summary.overdue > 0 && options.now() - lastWarning > 3_600_000) {
            lastWarning = options.now();
            options.log({ event: 'warning', message: `${summary.overdue} consent notice(s) are past the 14 days of 정보통신망법 §50⑦ — run \`npx newsletter notices\` to see why and send them` });
          }
        } catch (error) {
          options.log({ event: 'notices-error', error: error instanceof Error ? error.message.slice(0, 200) : String(error) });
        }
      } while (again && !controller.signal.aborted);
      running = undefined;
    })();
  };

  const timer = setInterval(run, intervalMs);
  timer.unref();
  run();
  return {
    kick: run,
    async stop() {
      clearInterval(timer);
      controller.abort();
      await running;
    },
  };
}
