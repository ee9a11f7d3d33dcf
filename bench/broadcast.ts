/**
 * Issue 14: a list beyond one machine. The whole `send --transport broadcast` command of a
 * 1,000,000-recipient CSV against the local Resend-compatible server (its own process, at
 * 10 requests/s): from the spawn to Resend's acceptance of the broadcast's send (the
 * contact files written, uploaded as imports, the imports polled to completion, the
 * broadcast created and sent), and the command's peak RSS. Goal: under 60 s, < 300 MB.
 *
 * Beside it, in the same run, the batch transport (`--transport resend`) at 10 and at 5
 * requests/s: 1,000,000 through it would take ~17 and ~33 minutes, so it is measured on
 * 20,000 recipients and its emails/s gives the projected time for the same 1,000,000
 * (labelled as projected).
 *
 *   npx tsx bench/broadcast.ts [--recipients 1000000] [--batch-recipients 20000]
 *
 * The stand-in parses each import when it is uploaded and "sends" the broadcast when asked;
 * Resend's own import and fan-out times are not known here: the figure is our side of the
 * hand-off, plus a local server's parsing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { forkResendServer } from '../tests/support/fork-resend-server.ts';
import { benchEdition } from './_edition.ts';
import { runCli } from './_max-rss.ts';

const { values } = parseArgs({ options: { recipients: { type: 'string', default: '1000000' }, 'batch-recipients': { type: 'string', default: '20000' }, rates: { type: 'string', default: '10,5' } } });
const N = Number(values.recipients);
const BATCH_N = Number(values['batch-recipients']);
const work = mkdtempSync(join(tmpdir(), 'bench-broadcast-'));
const EDITION = benchEdition(work);

function writeList(size: number): string {
  const file = join(work, `list-${size}.csv`);
  const chunk: string[] = ['email,name,company'];
  writeFileSync(file, '');
  const out: string[] = [];
  for (let i = 0; i < size; i++) {
    chunk.push(`reader${i}@example.com,독자 ${i},회사 ${i % 97}`);
    if (chunk.length === 50_000) out.push(chunk.splice(0).join('\n'));
  }
  out.push(chunk.join('\n'));
  writeFileSync(file, `${out.join('\n')}\n`);
  return file;
}

const runSend = (args: string[], env: Record<string, string>) => runCli(args, { cwd: work, env });

const baseEnv = (url: string, db: string) => ({
  RESEND_API_KEY: 're_bench_broadcast',
  RESEND_BASE_URL: url,
  NEWSLETTER_SECRET: 'bench-secret-0123456789abcdef',
  NEWSLETTER_PUBLIC_URL: 'https://news.example.com',
  NEWSLETTER_DB: db,
});

try {
  const list = writeList(N);
  {
    const server = await forkResendServer({ ratePerSecond: 10 });
    const load = loadavg()[0];
    const run = await runSend(['send', EDITION, '--to', list, '--transport', 'broadcast', '--consent-source', 'bench: generated list', '--yes', '--json'], { ...baseEnv(server.url, join(work, 'broadcast.db')), NEWSLETTER_BROADCAST_POLL_MS: '250' });
    const stats = await server.stats();
    const requests = await server.requests();
    await server.close();
    const sendCall = requests.find((r) => r.method === 'POST' && /^\/broadcasts\/[^/]+\/send$/.test(r.path) && r.status === 200);
    const outcome = JSON.parse(run.stdout) as { plan: { parts: number; bytes: number } };
    console.log(JSON.stringify({
      bench: 'broadcast',
      transport: 'broadcast',
      recipients: N,
      serverRate: 10,
      handOffMs: sendCall === undefined ? null : Math.round(sendCall.time - run.startedAt),
      wallMs: Math.round(run.wallMs),
      maxRssMb: run.maxRssMb,
      importFiles: outcome.plan.parts,
      importMb: Number((outcome.plan.bytes / 1e6).toFixed(1)),
      requests: requests.length,
      rateLimited429: stats.rateLimited429,
      contactsImported: stats.audience.contacts,
      delivered: stats.audience.delivered,
      broadcasts: stats.audience.broadcasts,
      sends: stats.audience.sends,
      goal: { handOffMs: 60_000, maxRssMb: 300 },
      load1: Number(load?.toFixed(2)),
    }));
  }
  const batchList = writeList(BATCH_N);
  for (const rate of values.rates.split(',').map(Number)) {
    const server = await forkResendServer({ ratePerSecond: rate, warm: true });
    const load = loadavg()[0];
    const run = await runSend(['send', EDITION, '--to', batchList, '--transport', 'resend', '--consent-source', 'bench: generated list', '--yes', '--json'], baseEnv(server.url, join(work, `batch-${rate}.db`)));
    const stats = await server.stats();
    await server.close();
    const perSecond = (BATCH_N * 1000) / run.wallMs;
    console.log(JSON.stringify({
      bench: 'broadcast',
      transport: 'resend (batch)',
      recipients: BATCH_N,
      serverRate: rate,
      wallMs: Math.round(run.wallMs),
      maxRssMb: run.maxRssMb,
      emailsPerSecond: Math.round(perSecond),
      everyRecipientOnce: stats.received === BATCH_N && stats.distinct === BATCH_N,
      rateLimited429: stats.rateLimited429,
      projected1MMinutes: Number((N / perSecond / 60).toFixed(1)),
      load1: Number(load?.toFixed(2)),
    }));
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
