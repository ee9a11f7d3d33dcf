import { rmSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RequestLog } from '../support/resend-server.ts';
import { mulberry32 } from '../support/mulberry32.ts';
import { startResendServer, type ResendServer } from '../support/resend-server.ts';
import { cli, EDITION, env, SLUG, tempRoot, workspace } from './broadcast-harness.ts';

// SIGKILL the broadcast at an instant — right after Resend answered a given call, before
// the journal can record the answer — then run the same command again: one segment, one
// broadcast, one send, every subscriber exactly one email.

let server: ResendServer;
let root: string;
beforeAll(async () => {
  server = await startResendServer({ ratePerSecond: 50 });
  root = tempRoot();
});
afterAll(async () => {
  expect(server.validationErrors).toEqual([]);
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

/** `when` a request's answer is the instant; or `nth`: after that many requests of the run. */
type Instant = { name: string; when?: (log: RequestLog, imports: number) => boolean; nth?: number };
const random = mulberry32(17);
const INSTANTS: Instant[] = [
  { name: 'the segment was created', when: (l) => l.method === 'POST' && l.path === '/segments' },
  { name: 'the second import was uploaded', when: (l, seen) => l.method === 'POST' && l.path === '/contacts/imports' && seen === 2 },
  { name: 'an import was being polled', when: (l) => l.method === 'GET' && l.path.startsWith('/contacts/imports/') },
  { name: 'the broadcast was created, before send', when: (l) => l.method === 'POST' && l.path === '/broadcasts' },
  { name: 'send was accepted', when: (l) => l.method === 'POST' && /^\/broadcasts\/[^/]+\/send$/.test(l.path) },
  ...[0, 1].map((k): Instant => {
    const nth = 2 + Math.floor(random() * 12);
    return { name: `random instant ${k + 1}: after request ${nth}`, nth };
  }),
];

it.each(INSTANTS.map((instant, i) => ({ ...instant, i })))('killed when $name: the rerun makes one broadcast, sent once', { timeout: 120_000 }, async (instant) => {
  const n = 120;
  const w = workspace(root, `crash${instant.i}`, Array.from({ length: n }, (_, j) => `k${instant.i}-${j}@example.com,독자 ${j},x`));
  const e = env(server, w.db, { NEWSLETTER_BROADCAST_PART_BYTES: '6000' });
  const firstRequest = server.requests.length;
  const delivered = server.audience.delivered.length;
  const broadcasts = server.audience.broadcasts.size;
  const segments = server.audience.segments.size;
  const { nth, when } = instant;
  let killed = false;
  let seen = 0;
  const run = await cli(['send', EDITION, '--to', w.list, '--transport', 'broadcast', '--yes'], {
    cwd: w.dir,
    env: e,
    kill(child) {
      server.onAnswer((log) => {
        if (killed) return;
        if (log.method === 'POST' && log.path === '/contacts/imports') seen++;
        const count = server.requests.length - firstRequest;
        if (nth !== undefined ? count >= nth : when?.(log, seen) === true) {
          killed = true;
          child.kill('SIGKILL');
        }
      });
    },
  });
  server.onAnswer(undefined);
  expect(killed, run.stderr).toBe(true);
  expect(run.signal).toBe('SIGKILL');

  const again = await cli(['send', EDITION, '--to', w.list, '--transport', 'broadcast', '--yes', '--json'], { cwd: w.dir, env: e });
  expect(again.code, again.stderr).toBe(0);
  expect(server.audience.segments.size - segments).toBe(1);
  expect(server.audience.broadcasts.size - broadcasts).toBe(1);
  const mine = [...server.audience.broadcasts.values()].slice(broadcasts);
  expect(server.audience.sendCalls.get(mine[0]?.id as string)).toBe(1);
  const got = server.audience.delivered.slice(delivered).map((m) => m.to);
  expect(got).toHaveLength(n);
  expect(new Set(got).size).toBe(n);
  expect(mine[0]?.name).toContain(`${SLUG}@broadcast`);
});
