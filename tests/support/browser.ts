import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium; playwright's own browser download cannot run here. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Whether browser tests can run. Locally, a missing Chromium skips them with a hint; under
 * CI (which installs it) a missing Chromium fails, so they are never silently skipped.
 */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI) throw new Error(`${CHROMIUM} is missing under CI: .ci/run must apt-get install chromium fonts-noto-cjk`);
  console.warn(`browser tests skipped: ${CHROMIUM} not found — install it with \`apt-get install chromium fonts-noto-cjk\``);
  return false;
}

/**
 * Headless Chromium with the flags this closed network needs: without the
 * background-networking flags it keeps trying to reach its vendor's hosts.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
