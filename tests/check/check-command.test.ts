import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { browserAvailable } from '../support/browser.ts';
import { spamAssassinAvailable } from '../support/spamassassin.ts';

const exec = promisify(execFile);

/** Runs the real `newsletter check`; resolves with its exit code and output. */
async function check(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec('node', ['bin/newsletter.js', 'check', ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const fixture = (name: string) => `tests/check/fixtures/2025-01-06-${name}.md`;

describe('npx newsletter check', () => {
  it('exits 0 for a good edition, with client-support warnings grouped by feature', async () => {
    const { code, stdout } = await check(fixture('good'));
    expect(code).toBe(0);
    expect(stdout).toMatch(/^✓ tests\/check\/fixtures\/2025-01-06-good\.md: 0 errors, \d+ warnings/);
    // One line per feature, naming the clients, with the caniemail page.
    expect(stdout).toMatch(/warning clients {7}@media \(used \d+×\): not supported in [^\n]*Outlook \(Windows/);
    expect(stdout).toContain('https://www.caniemail.com/features/css-at-media/');
  });

  it('runs the accessibility check and the spam score, or says how to install what they need', async () => {
    const { code, stdout } = await check(fixture('good'), '--json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { findings: { check: string; severity: string; rule?: string; url?: string; message: string }[] };
    const a11y = report.findings.filter((f) => f.check === 'accessibility');
    const spam = report.findings.filter((f) => f.check === 'spam');
    if (browserAvailable()) {
      // Only axe's two page-level rules, as info, each linked to its explanation.
      expect(a11y.map((f) => [f.severity, f.rule])).toEqual([['info', 'axe/landmark-one-main'], ['info', 'axe/region']]);
      expect(a11y.every((f) => f.url?.startsWith('https://dequeuniversity.com/rules/axe/4.14/'))).toBe(true);
    } else {
      expect(a11y.at(-1)?.message).toContain('apt-get install chromium');
    }
    if (spamAssassinAvailable()) {
      expect(spam).toEqual([expect.objectContaining({ severity: 'info', rule: 'spamassassin', message: expect.stringMatching(/^SpamAssassin score [01](\.\d)? \(a warning from 2, an error from 5\): .*HTML_MESSAGE 0/) })]);
      const text = await check(fixture('good'));
      expect(text.stdout).toMatch(/\n {2}info {4}spam {10}SpamAssassin score/);
    } else {
      expect(spam[0]?.message).toContain('apt-get install spamassassin');
    }
  }, 60_000);

  it('exits 1 when the accessibility check finds a serious problem: an editor\'s link that says only "여기"', async () => {
    // The EMC checks need no browser, so this holds with or without Chromium.
    const dir = mkdtempSync(join(tmpdir(), 'check-a11y-'));
    try {
      const file = join(dir, '2025-01-06-vague-link.md');
      writeFileSync(file, readFileSync(fixture('good'), 'utf8').replace(/\n## /, '\n자료는 [여기](https://may-i.io/report)에 있습니다.\n\n## '));
      const { code, stdout } = await check(file, '--json');
      expect(code).toBe(1);
      const report = JSON.parse(stdout) as { findings: { check: string; severity: string; rule?: string; message: string }[] };
      expect(report.findings.filter((f) => f.check === 'accessibility' && f.severity === 'error')).toEqual([
        // The link as readers get it: with the campaign's UTM tags.
        expect.objectContaining({ rule: 'emc/link-text', message: expect.stringContaining('the link "여기" to https://may-i.io/report?utm_source=newsletter&utm_medium=email&utm_campaign=2025-01-06-vague-link does not say where it goes') }),
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('exits 1 for a broken edition and names file, line and field', async () => {
    const { code, stdout } = await check(fixture('broken'));
    expect(code).toBe(1);
    expect(stdout).toContain('tests/check/fixtures/2025-01-06-broken.md:3 preheader: is empty');
    expect(stdout).toContain('tests/check/fixtures/2025-01-06-broken.md:4 date: must be a date written YYYY-MM-DD');
  });

  it('exits 1 for an advertisement whose subject does not begin with (광고)', async () => {
    const { code, stdout } = await check(fixture('ad-without-prefix'), '--json');
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as { ok: boolean; errors: number; findings: { check: string; where?: string; message: string }[] };
    expect(report.ok).toBe(false);
    expect(report.errors).toBe(1);
    expect(report.findings[0]).toMatchObject({ check: 'schema', where: 'tests/check/fixtures/2025-01-06-ad-without-prefix.md:2' });
    expect(report.findings[0]?.message).toContain('"(광고)"');
  });

  it('exits 1 for a placeholder link and points at its line', async () => {
    const { code, stdout } = await check(fixture('placeholder-link'), '--json');
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as { findings: { check: string; severity: string; where?: string; message: string }[] };
    const errors = report.findings.filter((f) => f.severity === 'error');
    expect(errors).toEqual([
      expect.objectContaining({ check: 'links', where: 'tests/check/fixtures/2025-01-06-placeholder-link.md:22' }),
    ]);
    expect(errors[0]?.message).toContain('example.com, a placeholder host');
  });

  it('exits 2 without an edition file', async () => {
    const { code, stderr } = await check();
    expect(code).toBe(2);
    expect(stderr).toContain('give exactly one edition file');
  });
});
