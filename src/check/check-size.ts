import type { Finding } from './finding.ts';

/**
 * Gmail clips a message whose HTML passes about 102 KB. The same number as
 * src/render/build-edition.ts, not imported from there so that the checks do not load
 * the renderer (the preview loads it separately, in a module graph it can refresh).
 */
export const GMAIL_CLIP_BYTES = 102 * 1024;

/**
 * Gmail shows "[Message clipped]" past ~102 KB of HTML and hides the rest, the footer
 * with the sender's identity and the 수신거부 link among it: an error. Past half, a
 * warning, since personalization (names, unsubscribe URLs) adds bytes per recipient and
 * Hangul takes 3 bytes a character.
 */
export function checkSize(htmlBytes: number): Finding[] {
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  if (htmlBytes > GMAIL_CLIP_BYTES) {
    return [
      {
        check: 'size',
        severity: 'error',
        message: `the HTML is ${kb(htmlBytes)}, past Gmail's ~102 KB clip: Gmail hides the rest, footer and 수신거부 link included — shorten the edition or split it`,
      },
    ];
  }
  if (htmlBytes > GMAIL_CLIP_BYTES / 2) {
    return [
      {
        check: 'size',
        severity: 'warning',
        message: `the HTML is ${kb(htmlBytes)}, past half of Gmail's ~102 KB clip — keep an eye on it; personalization adds bytes per recipient`,
      },
    ];
  }
  return [];
}
