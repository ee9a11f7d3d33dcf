import type { ListSummary } from '../send/format-report.ts';
import type { ImportProgress } from './hand-off.ts';
import type { BroadcastOutcome, BroadcastPlan } from './run-broadcast.ts';

/** The lines a person reads: the plan before, the import's progress during, the outcome after. */

const n = (value: number) => value.toLocaleString('en-US');
const mb = (bytes: number) => `${(bytes / 1_000_000).toFixed(1)} MB`;

export function formatBroadcastPlan(input: { slug: string; subject: string; plan: BroadcastPlan; list?: ListSummary; warnings: string[]; scheduledAt: string | undefined }): string[] {
  const { plan } = input;
  const lines = [
    `Broadcast ${input.slug} through Resend`,
    `  subject       ${input.subject}`,
    ...(input.list === undefined ? [] : [`  list          ${input.list.file}: ${n(input.list.rows)} rows, ${n(input.list.invalidCount)} invalid, ${n(input.list.duplicates)} duplicates`]),
    `  contacts      ${n(plan.contacts)} to import (${plan.parts} file${plan.parts === 1 ? '' : 's'}, ${mb(plan.bytes)}), ${n(plan.suppressed)} suppressed left out`,
    `  properties    ${plan.properties.join(', ') || '(none)'}`,
    ...(plan.done.length > 0 ? [`  resuming      done before: ${plan.done.join(', ')}`] : []),
    ...(input.scheduledAt === undefined ? [] : [`  scheduled at  ${input.scheduledAt} (Resend sends then)`]),
    ...input.warnings.map((w) => `  warning       ${w}`),
  ];
  return lines;
}

export function formatImportProgress(p: ImportProgress, options: { bar: boolean }): string {
  const done = p.counts === undefined ? 0 : p.counts.created + p.counts.updated + p.counts.skipped + p.counts.failed;
  const share = p.rows === 0 ? 1 : Math.min(1, done / p.rows);
  const width = 24;
  const bar = options.bar ? `[${'#'.repeat(Math.round(share * width)).padEnd(width, '.')}] ` : '';
  return `import ${p.part}/${p.parts} ${bar}${n(done)}/${n(p.rows)} ${p.status}`;
}

export function formatBroadcastOutcome(outcome: BroadcastOutcome, slug: string): string[] {
  switch (outcome.kind) {
    case 'already-sent':
      return [`Nothing to do: ${slug} was handed to Resend before as broadcast ${outcome.broadcastId ?? '(unknown id)'} and sent. \`npx newsletter status ${slug}\` shows what happened since.`];
    case 'dry-run':
      return [`Dry run: ${n(outcome.plan.contacts)} contacts in ${outcome.plan.parts} file(s) (${mb(outcome.plan.bytes)}); nothing uploaded, nothing recorded.`];
    case 'nothing':
      return ['Nothing to send: no subscriber on the list may be sent this edition.'];
    case 'sent': {
      const { result } = outcome;
      const counts = result.imports.reduce(
        (sum, i) => ({
          created: sum.created + (i.counts?.created ?? 0),
          updated: sum.updated + (i.counts?.updated ?? 0),
          skipped: sum.skipped + (i.counts?.skipped ?? 0),
          failed: sum.failed + (i.counts?.failed ?? 0),
        }),
        { created: 0, updated: 0, skipped: 0, failed: 0 },
      );
      return [
        `Imported: ${n(counts.created)} created · ${n(counts.updated)} updated · ${n(counts.skipped)} skipped · ${n(counts.failed)} failed (segment ${result.segmentId})`,
        `Broadcast ${result.broadcastId}: ${result.status}${result.sentNow ? '' : ' (sent by an earlier run)'}. \`npx newsletter status ${slug}\` shows deliveries, opens and clicks.`,
      ];
    }
  }
}
