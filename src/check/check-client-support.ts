import { DoIUseEmail, doIUseEmail } from '@jsx-email/doiuse-email';
import type { Finding } from './finding.ts';
import { CLIENT_GLOBS, CLIENTS, groupClientSupport, structureOf, type DoiuseOutput } from './group-client-support.ts';

/**
 * What caniemail (through @jsx-email/doiuse-email) says of the email's HTML and CSS in
 * Gmail, Apple Mail, Outlook and Yahoo, grouped by feature (group-client-support.ts).
 * Synchronous, ~200 ms on a 27 KB newsletter, and the caniemail data stays loaded
 * (~30 MB): right for a command that runs once. The preview server runs the same in a
 * worker thread instead (src/preview/client-support-worker.mjs).
 */
export function checkClientSupport(html: string): Finding[] {
  const key = structureOf(html);
  const cached = cache.get(key);
  if (cached) return cached;
  const findings = groupClientSupport(runDoiuse(html), featureLinks());
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(key, findings);
  return findings;
}

/** Results by the HTML's structure (an edit to the prose reuses them); bounded. */
const cache = new Map<string, Finding[]>();
const CACHE_SIZE = 16;

function runDoiuse(html: string): DoiuseOutput {
  const result = doIUseEmail(html, { emailClients: [...CLIENT_GLOBS] });
  return { errors: result.success ? [] : result.errors, warnings: result.warnings, notes: result.notes };
}

let links: Map<string, string> | undefined;
/**
 * Feature title → caniemail page. doiuse-email exposes the links only through
 * getSupportedFeatures(), which lists what every given client supports; asked one
 * client at a time, the union covers each feature some client of ours supports — all
 * the ones worth a finding.
 */
function featureLinks(): Map<string, string> {
  if (!links) {
    links = new Map();
    for (const client of Object.keys(CLIENTS)) {
      for (const f of new DoIUseEmail({ emailClients: [client] }).getSupportedFeatures()) links.set(f.name, f.link);
    }
  }
  return links;
}
