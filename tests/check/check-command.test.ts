import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

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
    expect(stdout).toMatch(/warning clients {5}@media \(used \d+×\): not supported in [^\n]*Outlook \(Windows/);
    expect(stdout).toContain('https://www.caniemail.com/features/css-at-media/');
  });

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
