import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { openStore } from '../../src/store/open-store.ts';

// The list's commands as a user runs them: child processes, real argv and environment,
// a real journal file, the outbox (real .eml files and their index).

const exec = promisify(execFile);
const AD = 'content/2025-07-08-ai-issues-2025-h1.md';
let dir: string;
let db: string;
let outbox: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'newsletter-list-cli-'));
  db = join(dir, 'newsletter.db');
  outbox = join(dir, 'outbox');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function env(): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', NEWSLETTER_DB: db, NEWSLETTER_OUTBOX: outbox };
  for (const name of ['NEWSLETTER_SECRET', 'NEWSLETTER_PUBLIC_URL', 'RESEND_API_KEY', 'RESEND_BASE_URL', 'NEWSLETTER_LIST'] as const) delete e[name];
  return e;
}

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec('node', ['bin/newsletter.js', ...args], { env: env(), maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function csv(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** The outbox index of a folder: one entry per message written (a crash may repeat a line; the id is the same). */
function index(folder: string): { id: string; to: string; subject: string; idempotencyKey: string; file: string }[] {
  const file = join(outbox, folder, 'index.jsonl');
  if (!existsSync(file)) return [];
  const seen = new Map<string, { id: string; to: string; subject: string; idempotencyKey: string; file: string }>();
  for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
    const entry = JSON.parse(line) as { id: string; to: string; subject: string; idempotencyKey: string; file: string };
    seen.set(entry.id, entry);
  }
  return [...seen.values()];
}

describe('subscribers import, list, export, erase', () => {
  test('import reports bad rows by line, records the consent, never reactivates a refusal', async () => {
    const file = csv(
      'crm.csv',
      'email,name,consented_at,company\n' +
        'kim@example.com,김민지,2024-03-01,한빛\n' +
        'lee@example.com,이서준,,푸른마트\n' +
        'bad-address,누구,2024-01-01,\n' +
        'park@example.org,박지우,2099-01-01,\n' +
        'choi@example.net,최하윤,not a date,\n' +
        'KIM@example.com,김민지2,2024-03-02,\n' +
        'gone@example.com,,2024-01-01,\n',
    );
    expect((await cli(['suppress', 'add', 'gone@example.com'])).code).toBe(0);
    const imported = await cli(['subscribers', 'import', file, '--consent-source', 'CRM 마케팅 동의 2024']);
    expect(imported.code).toBe(1);
    expect(imported.stdout).toContain('7 rows');
    expect(imported.stdout).toContain('2 added');
    expect(imported.stdout).toContain('1 suppressed (not reactivated)');
    expect(imported.stdout).toContain('1 duplicates, 3 invalid');
    expect(imported.stderr).toContain(`${file}:4 email: "bad-address" is not an email address`);
    expect(imported.stderr).toContain(`${file}:5 consented_at: "2099-01-01" is in the future`);
    expect(imported.stderr).toContain(`${file}:6 consented_at: "not a date" is not a date`);
    expect(imported.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace

    const list = await cli(['subscribers', 'list', '--json']);
    const rows = JSON.parse(list.stdout) as { email: string; status: string; consentedAt: string; consentSource: string; fields: Record<string, string> }[];
    expect(rows.map((r) => [r.email, r.status, r.consentedAt, r.consentSource])).toEqual([
      ['kim@example.com', 'active', '2024-02-29T15:00:00.000Z', 'CRM 마케팅 동의 2024'], // 2024-03-01 KST
      ['lee@example.com', 'active', expect.stringMatching(/^\d{4}-/), 'CRM 마케팅 동의 2024'], // empty: now
    ]);
    expect(rows[0]!.fields).toEqual({ company: '한빛' });

    const missing = await cli(['subscribers', 'import', file]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--consent-source is required');

    const out = join(dir, 'export.csv');
    expect((await cli(['subscribers', 'export', '--out', out])).code).toBe(0);
    const exported = readFileSync(out, 'utf8').split('\n');
    expect(exported[0]).toBe('email,name,status,consent_method,consent_source,consent_version,consent_wording,consented_at,confirmed_at,signup_at,signup_ip,signup_user_agent,transaction_ended_at,reconfirm_due_at,status_at,created_at,company');
    expect(exported[1]).toMatch(/^kim@example\.com,김민지,active,import,CRM 마케팅 동의 2024,,,2024-02-29T15:00:00.000Z,.*,2026-03-01T15:00:00.000Z,.*,한빛$/); // 29 Feb + 2 years: 1 March

    const erased = await cli(['subscribers', 'erase', 'kim@example.com']);
    expect(erased.code).toBe(0);
    const store = openStore(db);
    try {
      const text = JSON.stringify([
        store.db.prepare('SELECT * FROM subscribers').all(),
        store.db.prepare('SELECT * FROM consent_log').all(),
        store.db.prepare('SELECT * FROM suppressions').all(),
      ]);
      expect(text).not.toContain('kim@example.com');
      expect(text).not.toContain('김민지');
      expect(store.db.prepare('SELECT count(*) FROM erasures').pluck().get()).toBe(1);
    } finally {
      store.close();
    }
    // Erased: never mailed again, even from a CSV that still lists it.
    const again = await cli(['subscribers', 'add', 'Kim@Example.com', '--consent-source', '다시']);
    expect(again.code).toBe(1);
    const send = await cli(['send', AD, '--to', csv('with-kim.csv', 'email,consented_at\nkim@example.com,2025-01-01\nnew@example.com,2025-01-01\n')]);
    expect(send.code).toBe(0);
    expect(send.stdout).toMatch(/suppressed\s+1/);
    expect(index('2025-07-08-ai-issues-2025-h1').map((e) => e.to)).toEqual(['new@example.com']);
  });
});

describe('send: the stored list, and a CSV advertisement without consent', () => {
  test('a CSV row without consented_at refuses the ad by line; --skip-unconsented and --consent-source', async () => {
    const file = csv('list.csv', 'email,name,consented_at\na@example.com,A,2025-01-02\nb@example.com,B,\nc@example.com,C,2025-02-03\nd@example.com,D,\n');
    const refused = await cli(['send', AD, '--to', file]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('refusing to send this advertisement — 2 row(s)');
    expect(refused.stderr).toContain(`${file}:3 consented_at: empty`);
    expect(refused.stderr).toContain(`${file}:5 consented_at: empty`);
    expect(index('2025-07-08-ai-issues-2025-h1')).toEqual([]); // nothing sent

    const skipped = await cli(['send', AD, '--to', file, '--skip-unconsented']);
    expect(skipped.code).toBe(0);
    expect(skipped.stdout).toContain(`2 row(s) without consented_at are skipped (--skip-unconsented): ${file}:3, ${file}:5`);
    expect(index('2025-07-08-ai-issues-2025-h1').map((e) => e.to).sort()).toEqual(['a@example.com', 'c@example.com']);

    const attested = await cli(['send', AD, '--to', file, '--consent-source', '2025 박람회 신청서 동의란']);
    expect(attested.code).toBe(0);
    expect(index('2025-07-08-ai-issues-2025-h1').map((e) => e.to).sort()).toEqual(['a@example.com', 'b@example.com', 'c@example.com', 'd@example.com']);
    const store = openStore(db);
    try {
      expect(store.db.prepare('SELECT list_source, consent_source FROM campaigns').get()).toEqual({ list_source: file, consent_source: '2025 박람회 신청서 동의란' });
    } finally {
      store.close();
    }
  });

  test('without --to the stored list’s active subscribers get it; pending and unsubscribed do not', async () => {
    expect((await cli(['subscribers', 'import', csv('s.csv', 'email,name,consented_at\nx@example.com,X,2025-01-01\ny@example.com,Y,2025-01-01\nz@example.com,Z,2025-01-01\n'), '--consent-source', 'form 2025'])).code).toBe(0);
    const store = openStore(db);
    try {
      store.db.prepare(`INSERT INTO subscribers (address, email, status, status_at, created_at, updated_at) VALUES ('p@example.com', 'p@example.com', 'pending', 'x', 'x', 'x')`).run();
    } finally {
      store.close();
    }
    expect((await cli(['subscribers', 'unsubscribe', 'y@example.com'])).code).toBe(0);
    const sent = await cli(['send', AD]);
    expect(sent.code).toBe(0);
    expect(sent.stdout).toContain('the stored list (2 not active');
    expect(index('2025-07-08-ai-issues-2025-h1').map((e) => e.to).sort()).toEqual(['x@example.com', 'z@example.com']);
    // y's 수신거부 notice went to the notices outbox.
    expect(index('notices').map((e) => [e.to, e.subject])).toEqual([['y@example.com', '[메이아이 (MAY-I)] 광고성 정보 수신거부 처리 결과 안내']]);
  });
});

describe('consent due / remind (§50⑧)', () => {
  test('due within 30 days or overdue; remind once per two-year cycle; a rerun sends nothing new', async () => {
    const file = csv('c.csv', 'email,consented_at\nearly@example.com,2023-06-01\nsoon@example.com,2023-07-20\nlater@example.com,2023-09-01\nnone@example.com,\n');
    expect((await cli(['subscribers', 'import', file, '--consent-source', 'form'])).code).toBe(0);
    const due = JSON.parse((await cli(['consent', 'due', '--at', '2025-07-01T00:00:00Z', '--json'])).stdout) as { email: string; overdue: boolean; dueAt: string }[];
    expect(due.map((d) => [d.email, d.overdue, d.dueAt])).toEqual([
      ['early@example.com', true, '2025-05-31T15:00:00.000Z'],
      ['soon@example.com', false, '2025-07-19T15:00:00.000Z'],
    ]);
    const remind = await cli(['consent', 'remind', '--at', '2025-07-01T00:00:00Z']);
    expect(remind.code).toBe(0);
    expect(remind.stdout).toContain('2 reconfirmation notice(s) journaled; 2 notice(s) sent');
    const mails = index('notices');
    expect(mails.map((m) => m.to).sort()).toEqual(['early@example.com', 'soon@example.com']);
    expect(mails.every((m) => m.subject === '[메이아이 (MAY-I)] 광고성 정보 수신동의 여부 확인 안내')).toBe(true);
    const eml = readFileSync(join(outbox, 'notices', mails[0]!.file), 'utf8');
    expect(eml).not.toContain('(광고)');

    expect((await cli(['consent', 'remind', '--at', '2025-07-01T00:00:00Z'])).stdout).toContain('0 reconfirmation notice(s) journaled; 0 notice(s) sent');
    expect(JSON.parse((await cli(['consent', 'due', '--at', '2025-07-10T00:00:00Z', '--json'])).stdout)).toEqual([]);
    // A month later `later` is due; two years on, early is due again (its second cycle).
    expect((JSON.parse((await cli(['consent', 'due', '--at', '2025-08-10T00:00:00Z', '--json'])).stdout) as { email: string }[]).map((d) => d.email)).toEqual(['later@example.com']);
    const next = JSON.parse((await cli(['consent', 'due', '--at', '2027-05-15T00:00:00Z', '--json'])).stdout) as { email: string; dueAt: string }[];
    expect(next.map((d) => [d.email, d.dueAt])).toEqual([
      ['later@example.com', '2025-08-31T15:00:00.000Z'], // never reminded: overdue, first
      ['early@example.com', '2027-05-31T15:00:00.000Z'],
    ]);
  });

  test('killed mid-run, a rerun completes it: each subscriber reminded exactly once', async () => {
    const rows = Array.from({ length: 1500 }, (_, i) => `r${String(i).padStart(4, '0')}@example.com,2023-06-01`);
    expect((await cli(['subscribers', 'import', csv('many.csv', `email,consented_at\n${rows.join('\n')}\n`), '--consent-source', 'form'])).code).toBe(0);
    const child = spawn('node', ['bin/newsletter.js', 'consent', 'remind', '--at', '2025-07-01T00:00:00Z'], { env: env(), stdio: 'ignore' });
    // Kill it once some notices are out and others are not.
    const started = Date.now();
    while (index('notices').length < 100 && Date.now() - started < 20_000) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const before = index('notices').length;
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(1500);
    const rerun = await cli(['consent', 'remind', '--at', '2025-07-01T00:00:00Z']);
    expect(rerun.code).toBe(0);
    const all = index('notices');
    const perAddress = new Map<string, Set<string>>();
    for (const m of all) perAddress.set(m.to, (perAddress.get(m.to) ?? new Set()).add(m.idempotencyKey));
    expect(perAddress.size).toBe(1500);
    expect([...perAddress.values()].every((keys) => keys.size === 1)).toBe(true);
    expect((await cli(['notices', '--list-only'])).stdout).toContain('0 notice(s) owed');
  }, 60_000);
});
