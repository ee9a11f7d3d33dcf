import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium fonts-noto-cjk`); env `CHROMIUM_PATH` overrides it in scripts/. */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** How to get the browser the accessibility check runs in, for the message that says it is missing. */
export const CHROMIUM_HINT = 'install it with `apt-get install chromium fonts-noto-cjk` (or set CHROMIUM_PATH to a Chromium binary)';

/**
 * Headless Chromium with the flags a closed network needs: without the
 * background-networking flags it keeps trying to reach its vendor's hosts.
 * `undefined` when there is no browser at `path` (the caller says how to install one).
 */
export async function launchChromium(path: string): Promise<Browser | undefined> {
  if (!existsSync(path)) return undefined;
  // Loaded on first use: a build or a send never needs a browser.
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: path,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
