import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startResendServer, type ResendServer } from '../support/resend-server.ts';
import { spawnNode } from '../support/spawn-node.ts';

// `newsletter send` refuses what the ad-mail law forbids (an advertisement without its
// sender's phone or address only through Resend), gives no night-time warning for email
// (시행령 제61조② exempts it), and sends a scheduled campaign one email per request (Resend's batch endpoint ignores
// scheduled_at). The real CLI, the real SDK, the local server.

const ROOT = new URL('../..', import.meta.url).pathname;
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const CLI = join(ROOT, 'scripts/newsletter.ts');
const FIXTURE = readFileSync(join(ROOT, 'tests/fixtures/send/2025-01-02-send-fixture.md'), 'utf8');

let server: ResendServer;
let dir: string;
beforeAll(async () => {
  server = await startResendServer({ ratePerSecond: 50 });
  dir = mkdtempSync(join(tmpdir(), 'send-compliance-'));
});
afterAll(async () => {
  expect(server.validationErrors).toEqual([]);
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

async function send(args: string[], db: string) {
  const { exited } = spawnNode(['--import', TSX, CLI, 'send', ...args, '--yes'], {
    cwd: dir,
    env: {
      TSX_TSCONFIG_PATH: join(ROOT, 'tsconfig.json'),
      RESEND_API_KEY: 're_compliance_test',
      RESEND_BASE_URL: server.url,
      NEWSLETTER_SECRET: 'compliance-test-secret-0123',
      NEWSLETTER_PUBLIC_URL: 'https://news.example.com',
      NEWSLETTER_DB: db,
    },
  });
  const run = await exited;
  return { ...run, code: run.code as number };
}

describe('newsletter send and the ad-mail rules', () => {
  it('refuses an advertisement whose subject lacks "(광고)", naming the line, and sends nothing', async () => {
    const edition = write('2025-01-03-ad-no-prefix.md', FIXTURE.replace('advertisement: false', 'advertisement: true'));
    const list = write('ad.csv', 'email\nad1@example.com\n');
    const before = server.received.length;
    const run = await send([edition, '--to', list], join(dir, 'a.db'));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/2025-01-03-ad-no-prefix\.md:2 subject: an advertisement must begin its subject with "\(광고\)"/);
    expect(run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(server.received.length).toBe(before);
  }, 60_000);

  it('refuses to send an advertisement missing a contact field through Resend, naming it; the outbox only warns', async () => {
    const ad = FIXTURE.replace('advertisement: false', 'advertisement: true').replace('subject: "작은 소식"', 'subject: "(광고) 작은 소식"');
    const edition = write('2025-01-05-ad-no-phone.md', ad.replace(/^contact: .*$/m, 'contact: { email: news@example.com, address: 테스트시 테스트로 1 }'));
    expect(readFileSync(edition, 'utf8')).toContain('contact: { email: news@example.com, address:');
    const list = write('contact.csv', 'email,consented_at\ncontact1@example.com,2025-01-01\n');
    const before = server.received.length;
    const refused = await send([edition, '--to', list], join(dir, 'c.db'));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/2025-01-05-ad-no-phone\.md:\d+ contact\.phone is missing — an advertisement's body must give the sender's phone number/);
    expect(refused.stderr).not.toContain('contact.address');
    expect(server.received.length).toBe(before);
    const outbox = await send([edition, '--to', list, '--transport', 'outbox', '--dry-run'], join(dir, 'c2.db'));
    expect(outbox.code).toBe(0);
    expect(outbox.stdout).toMatch(/warning +\S+2025-01-05-ad-no-phone\.md:\d+ contact\.phone is missing/);
  }, 60_000);

  it('schedules through POST /emails one email a request, with no night-time warning for email (시행령 제61조②)', async () => {
    const edition = write(
      '2025-01-04-scheduled-ad.md',
      FIXTURE.replace('advertisement: false', 'advertisement: true').replace('subject: "작은 소식"', 'subject: "(광고) 작은 소식"'),
    );
    const list = write('scheduled.csv', ['email,consented_at', ...Array.from({ length: 3 }, (_, i) => `sched${i}@example.com,2025-01-01`)].join('\n'));
    // 23:00 in Seoul, a year ahead: the hours §50③ restricts for other media, not for email.
    const at = `${new Date().getUTCFullYear() + 1}-07-08T23:00:00+09:00`;
    const run = await send([edition, '--to', list, '--schedule', at], join(dir, 's.db'));
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(/21:00|§50③/);
    const mine = server.received.filter((r) => r.to[0]?.startsWith('sched'));
    expect(mine).toHaveLength(3);
    for (const email of mine) {
      expect(email.endpoint).toBe('/emails');
      expect(Date.parse(email.scheduledAt ?? "")).toBe(Date.parse(at));
      expect(email.subject.startsWith('(광고)')).toBe(true);
    }
    // Three requests, each with a key of its own.
    expect(new Set(mine.map((e) => e.idempotencyKey)).size).toBe(3);
  }, 60_000);
});
