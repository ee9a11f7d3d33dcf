import type { CampaignSummary } from '../store/journal.ts';
import type { CampaignPlan } from './plan-campaign.ts';
import type { SendProgress, SendReport } from './send-campaign.ts';

/**
 * The send and status commands' words, as pure functions of the numbers, so that what a
 * person reads is tested like any other output. Lines, no trailing newline.
 */

const n = (value: number) => value.toLocaleString('en-US');
const plural = (count: number, one: string, many = `${one}s`) => `${n(count)} ${count === 1 ? one : many}`;

export interface ListSummary {
  file: string;
  rows: number;
  duplicates: number;
  invalidCount: number;
  /** Already formatted `file:line field: reason`, the first few. */
  invalidLines: string[];
}

/** The plan, shown before anything is sent. */
export function formatPlan(input: { slug: string; subject: string; transport: string; plan: CampaignPlan; list?: ListSummary; warnings: string[]; rate?: string }): string[] {
  const { plan, list } = input;
  const lines = [`Plan: ${input.slug} through ${input.transport}`, `  subject       ${input.subject}`];
  if (list !== undefined) {
    lines.push(`  list          ${list.file}: ${plural(list.rows, 'row')} → ${plural(plan.recipients, 'recipient')}`);
    lines.push(`  duplicates    ${n(list.duplicates)}${list.duplicates > 0 ? ' (dropped; the first row of each address is kept)' : ''}`);
    lines.push(`  invalid rows  ${n(list.invalidCount)}${list.invalidCount > 0 ? ' (skipped; --strict refuses the list instead):' : ''}`);
    for (const line of list.invalidLines) lines.push(`    ${line}`);
    const unlisted = list.invalidCount - list.invalidLines.length;
    if (unlisted > 0) lines.push(`    … and ${plural(unlisted, 'more row')}`);
  } else {
    lines.push(`  recipients    ${n(plan.recipients)}`);
  }
  lines.push(`  suppressed    ${n(plan.suppressed)}${plan.suppressed > 0 ? ' (unsubscribed, bounced or complained: skipped)' : ''}`);
  lines.push(`  already sent  ${n(plan.alreadySent)}${plan.resuming ? ` (resuming ${plan.campaign}, first sent ${plan.firstAttemptAt ?? 'never'})` : ''}`);
  if (plan.openBatches > 0) {
    lines.push(`  in flight     ${plural(plan.inOpenBatches, 'recipient')} in ${plural(plan.openBatches, 'batch', 'batches')} the last run left open: sent again first, with the same keys`);
  }
  lines.push(`  to send       ${n(plan.toSend)}`);
  if (input.rate !== undefined) lines.push(`  rate          ${input.rate}`);
  for (const warning of input.warnings) lines.push(`  warning       ${warning}`);
  return lines;
}

/** The plan's rate line: which rate the send will use, and where it comes from. */
export function describeRate(rate: number | 'auto', transport: 'resend' | 'outbox', outboxRate: number): string {
  if (transport === 'outbox') return `${n(rate === 'auto' ? outboxRate : rate)} requests/s (${rate === 'auto' ? 'the outbox has no limit to learn' : '--rate'})`;
  if (rate === 'auto') return "auto: the team's limit, from Resend's ratelimit-limit header on the first answer (one request alone until then; --rate N forces a rate)";
  return `${n(rate)} requests/s (--rate ${rate}; a lower ratelimit-limit from Resend still wins)`;
}

const RATE_SOURCES: Record<SendReport['rate']['source'], string> = {
  given: 'as given by --rate',
  'ratelimit-limit': "learned from Resend's ratelimit-limit",
  learning: 'no answer came to learn from',
  fallback: 'no answer said ratelimit-limit, so the safe fallback',
  outbox: 'the outbox pace',
};

/** One progress line: `[#####-----] 4,200/10,000 · 812 emails/s · ETA 7 s`. */
export function formatProgress(progress: SendProgress, total: number, options: { bar: boolean }): string {
  const done = progress.sent + progress.failed;
  const rate = progress.emailsPerSecond;
  const left = Math.max(0, total - done);
  const eta = rate > 0 ? `ETA ${formatDuration((left / rate) * 1000)}` : 'ETA …';
  const parts = [`${n(done)}/${n(total)}`, `${n(Math.round(rate))} emails/s`, eta];
  if (progress.failed > 0) parts.push(`${n(progress.failed)} failed`);
  if (progress.retries > 0) parts.push(`${plural(progress.retries, 'retry', 'retries')}`);
  if (!options.bar) return `sent ${parts.join(' · ')}`;
  const width = 24;
  const filled = total === 0 ? width : Math.min(width, Math.round((done / total) * width));
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${parts.join(' · ')}`;
}

/** The final report of a send. `resume` is the command that resumes it. */
export function formatReport(report: SendReport, options: { resume: string; test?: boolean }): string[] {
  const lines: string[] = [];
  const verb = report.dryRun ? 'Dry run: would send' : 'Sent';
  const what = options.test ? 'test messages' : 'emails';
  lines.push(
    `${verb} ${n(report.sent)} ${what} in ${formatDuration(report.elapsedMs)} (${n(Math.round(report.emailsPerSecond))} emails/s) through ${report.transport}.`,
  );
  if (report.resumedBatches > 0) lines.push(`  resumed       ${plural(report.resumedBatches, 'batch', 'batches')} left open by the last run`);
  if (report.alreadySent > 0) lines.push(`  already sent  ${n(report.alreadySent)} (not sent again)`);
  const s = report.skipped;
  lines.push(`  skipped       suppressed ${n(s.suppressed)} · invalid ${n(s.invalid)} · duplicate ${n(s.duplicate)}`);
  lines.push(`  failed        ${n(report.failedCount)}`);
  for (const group of groupFailures(report.failed)) {
    const more = group.addresses.length > 3 ? `, … (${n(group.addresses.length)})` : '';
    lines.push(`    ${group.reason}: ${group.addresses.slice(0, 3).join(', ')}${more}`);
  }
  if (report.failedCount > report.failed.length) lines.push(`    … ${n(report.failedCount - report.failed.length)} more in the journal`);
  if (report.attempts > 0) lines.push(`  rate          ${n(report.rate.perSecond)} requests/s, ${RATE_SOURCES[report.rate.source]}`);
  if (report.retries > 0) lines.push(`  retries       ${n(report.retries)} of ${plural(report.attempts, 'call')}`);
  for (const warning of report.warnings) lines.push(`  warning       ${warning}`);
  if (report.interrupted) {
    lines.push(`Interrupted. Everything sent so far is recorded; run the same command to resume:`, `  ${options.resume}`);
  } else if (report.paused !== undefined) {
    lines.push(`Paused: ${report.paused}`, `Nothing is lost: run the same command to resume once the provider is back:`, `  ${options.resume}`);
  } else if (report.stopped !== undefined) {
    lines.push(`Stopped: ${report.stopped}`, `Fix the cause, then run the same command to resume:`, `  ${options.resume}`);
  } else if (report.failedCount > 0 && !options.test) {
    lines.push(`Running the same command again retries the failed recipients (fix or remove their rows first).`);
  }
  return lines;
}

/** `npx newsletter status`: one campaign from the journal. */
export function formatSummary(summary: CampaignSummary): string[] {
  const c = summary.campaign;
  const r = summary.recipients;
  const b = summary.batches;
  const lines = [
    `Campaign ${c.id} (through ${c.transport})`,
    `  subject       ${c.subject}`,
    `  status        ${c.status}${c.statusReason === undefined ? '' : `: ${c.statusReason}`}`,
    `  created       ${c.createdAt}`,
    `  first sent    ${c.firstAttemptAt ?? 'not yet'}`,
    `  updated       ${c.updatedAt}`,
  ];
  if (c.scheduledAt !== undefined) lines.push(`  scheduled at  ${c.scheduledAt}`);
  lines.push(`  recipients    sent ${n(r.sent)} · failed ${n(r.failed)} · queued ${n(r.queued)} · skipped ${n(r.skipped)}`);
  lines.push(`  skipped       suppressed ${n(summary.skipped.suppressed)} · invalid ${n(summary.skipped.invalid)} · duplicate ${n(summary.skipped.duplicate)}`);
  lines.push(`  batches       done ${n(b.done)} · failed ${n(b.failed)} · open ${n(b.pending + b.in_flight)}${b.pending + b.in_flight > 0 ? ' (sent again first on resume, same keys)' : ''}`);
  for (const f of summary.failures) lines.push(`    ${f.reason}: ${n(f.count)} (${f.examples.join(', ')}${f.count > f.examples.length ? ', …' : ''})`);
  return lines;
}

function groupFailures(failed: SendReport['failed']): { reason: string; addresses: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const f of failed) {
    const list = groups.get(f.reason);
    if (list === undefined) groups.set(f.reason, [f.address]);
    else list.push(f.address);
  }
  return [...groups].map(([reason, addresses]) => ({ reason, addresses })).sort((a, b) => b.addresses.length - a.addresses.length);
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}
