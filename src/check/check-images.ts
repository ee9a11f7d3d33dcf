import type { Finding } from './finding.ts';
import type { ScannedHtml } from './scan-html.ts';
import type { Locate } from './source-locator.ts';
import { urlProblem } from './url-problem.ts';

/**
 * Every image needs an absolute https `src` (mail clients fetch it from their own
 * servers; Gmail proxies only https), `alt` text (most clients block images until the
 * reader allows them, and screen readers read it), and a `width` attribute (Outlook for
 * Windows ignores CSS widths and shows the image at its natural size).
 */
export function checkImages(html: ScannedHtml, locate: Locate): Finding[] {
  const findings: Finding[] = [];
  for (const image of html.images) {
    const src = image.src ?? '';
    const name = src === '' ? 'an image without src' : `the image ${src.length > 70 ? `${src.slice(0, 67)}…` : src}`;
    const where = locate(src);
    const at = where ? { where } : {};
    const problem = urlProblem(src, 'image');
    if (problem) findings.push({ check: 'images', severity: 'error', message: problem, ...at });
    if (image.alt === undefined) {
      findings.push({ check: 'images', severity: 'error', message: `${name} has no alt attribute — write ![what it shows](url), or alt="" if it is only decoration`, ...at });
    } else if (image.alt.trim() === '') {
      findings.push({ check: 'images', severity: 'warning', message: `${name} has an empty alt: readers who block images see nothing — describe it unless it is only decoration`, ...at });
    }
    if (image.width === undefined || !/^\d+$/.test(image.width.trim())) {
      findings.push({
        check: 'images',
        severity: 'error',
        message: `${name} has ${image.width === undefined ? 'no width attribute' : `width="${image.width}", not a number of pixels`} — Outlook for Windows shows it at its natural size; give width="…" in pixels`,
        ...at,
      });
    }
  }
  return findings;
}
