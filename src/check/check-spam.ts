import { spawn } from 'node:child_process';
import type { Finding } from './finding.ts';

/** SpamAssassin's own threshold: at 5 a default install marks the message as spam. */
export const SPAM_ERROR = 5;
/** Well below the threshold, but a sign that something reads as spam to a filter. */
export const SPAM_WARNING = 2;

export interface SpamRule {
  name: string;
  points: number;
  description: string;
}

export interface SpamReport {
  score: number;
  rules: SpamRule[];
}

export const SPAMASSASSIN_HINT = 'install it with `apt-get install spamassassin` (it runs locally, -L, with no network tests)';

/**
 * Scores one message (its MIME bytes) with `spamassassin -L -t`: local tests only (no DNS
 * blocklists or URIBL, nothing leaves the machine), and the test report appended.
 * Resolves `undefined` when the command is not installed.
 */
export function runSpamAssassin(eml: Buffer, command = 'spamassassin', timeoutMs = 60_000): Promise<SpamReport | undefined> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, ['-L', '-t'], { stdio: ['pipe', 'pipe', 'pipe'], timeout: timeoutMs });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? resolve(undefined) : reject(error)));
    child.on('close', (code) => {
      const report = parseSpamReport(Buffer.concat(out).toString('utf8'));
      if (report) resolve(report);
      else reject(new Error(`spamassassin exited ${code} without a report: ${Buffer.concat(err).toString('utf8').trim().slice(0, 300)}`));
    });
    // A closed stdin (the child failed to start) must not crash the process with EPIPE.
    child.stdin.on('error', () => {});
    child.stdin.end(eml);
  });
}

/**
 * The "Content analysis details" block `-t` appends:
 *   Content analysis details:   (0.5 points, 5.0 required)
 *    pts rule name              description
 *   ---- ---------------------- --------------------------------------------------
 *    0.5 SUBJ_ALL_CAPS          Subject is all capitals
 * A description may go on over lines indented past the rule name.
 */
export function parseSpamReport(output: string): SpamReport | undefined {
  const head = /Content analysis details:\s+\((-?\d+(?:\.\d+)?) points?,/.exec(output);
  if (!head?.[1]) return undefined;
  const after = output.slice(head.index);
  const table = after.slice(after.search(/^-{4} -+ -+\s*$/m)).split('\n').slice(1);
  const rules: SpamRule[] = [];
  for (const line of table) {
    const rule = /^\s*(-?\d+(?:\.\d+)?)\s+([A-Z0-9_]+)\s+(.*)$/.exec(line);
    if (rule?.[1] && rule[2]) {
      rules.push({ points: Number(rule[1]), name: rule[2], description: (rule[3] ?? '').trim() });
      continue;
    }
    const more = /^\s{20,}(\S.*)$/.exec(line);
    const last = rules[rules.length - 1];
    if (more?.[1] && last) last.description += ` ${more[1].trim()}`;
    else if (line.trim() === '' && rules.length > 0) break;
  }
  return { score: Number(head[1]), rules };
}

/** The score as a finding: an error at 5 or more, a warning at 2 or more, else info. */
export function spamFindings(report: SpamReport | undefined): Finding[] {
  if (!report) return [{ check: 'spam', severity: 'warning', message: `spam score not computed: spamassassin is not installed — ${SPAMASSASSIN_HINT}` }];
  const severity: Finding['severity'] = report.score >= SPAM_ERROR ? 'error' : report.score >= SPAM_WARNING ? 'warning' : 'info';
  const rules = report.rules.length === 0 ? 'no rule fired' : report.rules.map((r) => `${r.name} ${r.points} (${r.description})`).join('; ');
  const advice = severity === 'info' ? '' : ` — fix what the rules name; at ${SPAM_ERROR} a default SpamAssassin files it as spam`;
  return [{ check: 'spam', severity, message: `SpamAssassin score ${report.score} (a warning from ${SPAM_WARNING}, an error from ${SPAM_ERROR}): ${rules}${advice}`, rule: 'spamassassin' }];
}
