import { hasSubscribers } from 'node:diagnostics_channel';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { watchUpload } from '../../src/transport/upload-timing.ts';

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** Reads the whole body, then answers `answerAfterMs` later: a slow provider that got the request at once. */
async function slowAnswers(answerAfterMs: number): Promise<string> {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => setTimeout(() => res.end('{}'), answerAfterMs));
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server?.address() as AddressInfo).port}/`;
}

describe('watchUpload', () => {
  it("times the request carrying the key until its body left, not until the answer came", async () => {
    const url = await slowAnswers(300);
    const watch = watchUpload('batch-0001');
    const other = watchUpload('batch-0002'); // never sent
    const started = performance.now();
    await (await fetch(url, { method: 'POST', headers: { 'Idempotency-Key': 'batch-0001' }, body: 'x'.repeat(1_000_000) })).text();
    const callMs = performance.now() - started;

    expect(callMs).toBeGreaterThanOrEqual(300);
    expect(watch.uploadMs).toBeGreaterThanOrEqual(0);
    expect(watch.uploadMs).toBeLessThan(callMs - 250);
    expect(other.uploadMs).toBeUndefined();
    watch.dispose();
    other.dispose();
  });

  it('listens on the channel only while something is watched', () => {
    expect(hasSubscribers('undici:request:bodySent')).toBe(false);
    const a = watchUpload('a');
    const b = watchUpload('b');
    expect(hasSubscribers('undici:request:bodySent')).toBe(true);
    a.dispose();
    a.dispose(); // twice is harmless
    expect(hasSubscribers('undici:request:bodySent')).toBe(true);
    b.dispose();
    expect(hasSubscribers('undici:request:bodySent')).toBe(false);
  });
});
