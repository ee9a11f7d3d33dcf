import { execFileSync } from 'node:child_process';

/**
 * Whether SpamAssassin can run. Locally, a missing one skips its tests with a hint; under
 * CI (whose .ci/run installs it) a missing one fails, so they are never silently skipped.
 */
export function spamAssassinAvailable(): boolean {
  try {
    execFileSync('spamassassin', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env.CI) throw new Error('spamassassin is missing under CI: .ci/run must apt-get install spamassassin');
    console.warn('spam-score tests skipped: spamassassin not found — install it with `apt-get install spamassassin`');
    return false;
  }
}
