/**
 * The local Resend-compatible server in a process of its own, for bench/throughput.ts:
 * in the sender's process it would eat the sender's CPU (it parses, validates and hashes
 * every 3 MB batch), and Resend does that work on its own machines, not ours.
 *
 * Started with `fork`; sends `{ url }` once listening. Answers `'stats'` with what it saw,
 * and closes on `'close'`.
 */
import { startResendServer } from '../tests/support/resend-server.ts';

const [rate = '10', error500 = '0', seed = '1'] = process.argv.slice(2);
// retainContent: false — 20,000 emails of 27 KB are ~540 MB this benchmark never reads.
const server = await startResendServer({
  ratePerSecond: Number(rate),
  faults: { error500: Number(error500) },
  seed: Number(seed),
  retainContent: false,
});
process.send?.({ url: server.url });
process.on('message', async (message) => {
  if (message === 'stats') {
    const to = server.received.map((r) => r.to[0]);
    process.send?.({
      received: to.length,
      distinct: new Set(to).size,
      requests: server.requests.length,
      rateLimited429: server.requests.filter((r) => r.status === 429).length,
      validationErrors: server.validationErrors.length,
      cpuMs: Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1000),
      // When each admitted request was counted (ms): how close the pacing came to the limit.
      admitted: server.requests.filter((r) => r.status === 200).map((r) => r.time),
    });
  } else if (message === 'close') {
    await server.close();
    process.exit(0);
  }
});
