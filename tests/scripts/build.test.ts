import { execFile } from 'node:child_process';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const exec = promisify(execFile);

/** Runs the real `newsletter` command; resolves with its exit code and output. */
async function newsletter(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec('node', ['bin/newsletter.js', ...args], { env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('npx newsletter build', () => {
  it('writes email.html, email.txt and web.html and reports the size', async () => {
    const out = await mkdtemp(join(tmpdir(), 'nl-build-'));
    const { code, stdout } = await newsletter('build', 'content/2025-07-08-ai-issues-2025-h1.md', '--out', out);
    expect(code).toBe(0);
    const dir = join(out, '2025-07-08-ai-issues-2025-h1');
    const html = await stat(join(dir, 'email.html'));
    expect(html.size).toBeLessThan(60 * 1024);
    expect((await readFile(join(dir, 'email.txt'), 'utf8')).startsWith('(광고)')).toBe(true);
    expect(await readFile(join(dir, 'web.html'), 'utf8')).not.toContain('{{');
    expect(stdout).toContain('subject  (광고) 4가지로 정리하는 2025 상반기 AI 이슈');
    expect(stdout).toMatch(new RegExp(`html +${(html.size / 1024).toFixed(1)} KB of Gmail's ~102 KB clip`));
  });

  it('rejects a malformed edition with one line per problem and no stack trace', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nl-bad-'));
    const file = join(dir, '2025-01-01-broken.md');
    await writeFile(
      file,
      [
        '---',
        'preheader: "미리보기"',
        'date: 2025-02-30',
        'advertisement: false',
        'from: { name: 발행처, email: news@example.com }',
        'publisher: { name: 발행처, url: "ftp://example.com" }',
        'contact: 연락처',
        'colour: blue',
        '---',
        '',
        '## 빈 이슈',
        '',
        '## 두 번째',
        '',
        '본문',
        '',
      ].join('\n'),
    );
    const { code, stdout, stderr } = await newsletter('build', file);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const lines = stderr.trim().split('\n');
    expect(lines[0]).toMatch(/2025-01-01-broken\.md: 6 problems in this edition:$/);
    expect(lines.slice(1).map((l) => l.trim().replace(/^.*broken\.md:/, ''))).toEqual([
      '1 subject: is missing — add it to the front matter',
      '3 date: must be a date written YYYY-MM-DD, such as 2025-07-08',
      '6 publisher.url: must be an absolute https:// URL — write it as https://example.com/…',
      '7 contact: must be { email, phone, address } — write contact: { email: news@example.com, phone: 02-123-4567, address: 서울시 … }',
      '8 front matter: unknown key "colour" — check the spelling; the known keys are listed in README.md',
      '11 sections[1].blocks: section is empty — write a summary under the heading',
    ]);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('answers a bad flag with a hint and exit code 2', async () => {
    const { code, stderr } = await newsletter('build', 'content/2025-07-08-ai-issues-2025-h1.md', '--outt', 'x');
    expect(code).toBe(2);
    expect(stderr).toContain("Unknown option '--outt'");
    expect(stderr).toContain('npx newsletter build --help');
  });

  it('prints help', async () => {
    const { code, stdout } = await newsletter('build', '--help');
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: npx newsletter build <edition.md> [--out dir]');
  });
});
