/**
 * The local Resend-compatible server in a process of its own (see fork-resend-server.ts),
 * for the throughput benchmark and the pacing test. Sharing the sender's process, it
 * shares the sender's thread: it notices a request's arrival only when the sender's own
 * work lets it, tens of ms late on a busy machine, which no remote provider does. And it
 * parses, validates and hashes every 3.5 MB batch, work Resend does on its own machines.
 *
 *   argv: <ratePerSecond> <error500 probability> <seed> <warm: 1|0>
 *
 * Sends `{ url }` once listening. Answers `'stats'` with what it saw and `'requests'` with
 * its request log; closes on `'close'`.
 */
import { startResendServer } from './resend-server.ts';

const [rate = '10', error500 = '0', seed = '1', warm = '1'] = process.argv.slice(2);
// retainContent: false — 20,000 emails of 27 KB are ~540 MB nobody here reads.
const server = await startResendServer({
  ratePerSecond: Number(rate),
  // Faults once warm (below).
  faults: {},
  seed: Number(seed),
  retainContent: false,
});
if (warm === '1') {
  // Resend is a warm service; a fresh process is not. Its first few 3.5 MB batches take
  // 100–300 ms each to parse and check (cold code), and while it is at it the sender's next
  // uploads stall, so the benchmark would measure this process's start-up as the sender's
  // pacing. Five batches under a key of their own (its own rate window), then forgotten.
  const html = `<p>${'안녕하세요, 메이아이 뉴스레터입니다. '.repeat(1200)}</p>`;
  for (let i = 0; i < 5; i++) {
    const body = Array.from({ length: 100 }, (_, j) => ({ from: 'Warm-up <warm@example.com>', to: `warm${i}-${j}@example.com`, subject: '예열', html, text: html }));
    const answer = await fetch(`${server.url}/emails/batch`, {
      method: 'POST',
      headers: { authorization: 'Bearer re_warmup', 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!answer.ok || server.validationErrors.length > 0) throw new Error(`warm-up batch refused: ${answer.status} ${await answer.text()} ${server.validationErrors.join('; ')}`);
    await answer.arrayBuffer();
  }
  server.received.length = 0;
  server.requests.length = 0;
}
server.setFaults({ error500: Number(error500) });
process.send?.({ url: server.url });
process.on('message', async (message) => {
  if (message === 'stats') {
    const to = server.received.map((r) => r.to[0]);
    process.send?.({
      received: to.length,
      distinct: new Set(to).size,
      requests: server.requests.length,
      rateLimited429: server.requests.filter((r) => r.status === 429).length,
      validationErrors: server.validationErrors,
      cpuMs: Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1000),
      // When each admitted request was counted (ms): how close the pacing came to the limit.
      admitted: server.requests.filter((r) => r.status === 200).map((r) => r.time),
      audience: {
        contacts: server.audience.contacts.size,
        delivered: server.audience.deliveredCount,
        broadcasts: server.audience.broadcasts.size,
        sends: [...server.audience.sendCalls.values()].reduce((a, b) => a + b, 0),
      },
    });
  } else if (message === 'requests') {
    process.send?.(server.requests);
  } else if (message === 'close') {
    await server.close();
    process.exit(0);
  }
});
