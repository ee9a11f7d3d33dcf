import { createWriteStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { resolveConfig } from '../src/config.ts';
import { NewsletterError } from '../src/errors.ts';
import type { Store } from '../src/store/open-store.ts';
import { listSuppressions, removeSuppression, suppress, suppressionReasons, type Suppression, type SuppressionReason } from '../src/store/suppressions.ts';
import { describeInvalidRow, readSubscribers } from '../src/subscribers/load-subscribers.ts';
import { emailProblem } from '../src/subscribers/schema.ts';
import { parseFlags, type Command } from './cli.ts';
import { withStore } from './resources.ts';

const HELP = `Usage: npx newsletter suppress <list|add|remove|import|export> [options]

The suppression list: addresses no send ever mails again, whatever the campaign. The
server adds to it (unsubscribe links, bounces, complaints); these commands read and
edit it by hand.

  list [--reason r] [--json]            every suppressed address, oldest first
  add <address>… [--reason r] [--campaign id]
                                        suppress addresses (reason: manual by default)
  remove <address>…                     lift a suppression (a reader who asks to come back)
  import <file.csv> [--reason r]        suppress every address of a CSV with an \`email\`
                                        column; optional columns reason, campaign, source,
                                        created_at (what export writes). Rows already
                                        suppressed are left as they are.
  export [--out file.csv]               the list as CSV (to stdout without --out)

Options:
  --reason <r>   ${suppressionReasons.join(' | ')}
  --campaign <id>
  --db <file>    the journal (default: NEWSLETTER_DB or data/newsletter.db)
  --json         list: print JSON
  -h, --help     show this help`;

export const command: Command = {
  help: HELP,
  async run(argv) {
    const { values, positionals } = parseFlags('suppress', argv, {
      reason: { type: 'string' },
      campaign: { type: 'string' },
      out: { type: 'string' },
      db: { type: 'string' },
      json: { type: 'boolean', default: false },
    });
    const [action, ...args] = positionals;
    const reason = values.reason === undefined ? undefined : readReason(values.reason);
    const config = resolveConfig(process.env, values.db === undefined ? {} : { dbPath: values.db });
    const needs = (min: number, what: string) => {
      if (args.length < min) throw new NewsletterError('bad-flag', `newsletter suppress ${action}: give ${what}. See \`npx newsletter suppress --help\`.`);
    };

    switch (action) {
      case 'list':
        return withStore(config.dbPath, (store) => list(store, reason, values.json ?? false));
      case 'add':
        needs(1, 'at least one address, e.g. `npx newsletter suppress add kim@example.com`');
        return withStore(config.dbPath, (store) => add(store, args, reason ?? 'manual', values.campaign));
      case 'remove':
        needs(1, 'at least one address, e.g. `npx newsletter suppress remove kim@example.com`');
        return withStore(config.dbPath, (store) => remove(store, args));
      case 'import':
        needs(1, 'the CSV file, e.g. `npx newsletter suppress import bounces.csv`');
        if (args.length > 1) throw new NewsletterError('bad-flag', 'newsletter suppress import: give one file at a time.');
        return withStore(config.dbPath, (store) => importCsv(store, args[0] as string, reason ?? 'manual'));
      case 'export':
        return withStore(config.dbPath, (store) => exportCsv(store, values.out));
      default:
        throw new NewsletterError(
          'bad-flag',
          action === undefined
            ? 'newsletter suppress: say what to do: list, add, remove, import or export. See `npx newsletter suppress --help`.'
            : `newsletter suppress: unknown action \`${action}\` — use list, add, remove, import or export.`,
        );
    }
  },
};


function readReason(value: string): SuppressionReason {
  if ((suppressionReasons as readonly string[]).includes(value)) return value as SuppressionReason;
  throw new NewsletterError('bad-flag', `newsletter suppress: expected --reason to be one of ${suppressionReasons.join(', ')}, got \`${value}\`.`);
}

function list(store: Store, reason: SuppressionReason | undefined, json: boolean): number {
  const rows = listSuppressions(store, reason === undefined ? {} : { reason });
  if (json) {
    console.log(JSON.stringify(rows, null, 2));
    return 0;
  }
  if (rows.length === 0) {
    console.log(reason === undefined ? 'No suppressed addresses.' : `No addresses suppressed as ${reason}.`);
    return 0;
  }
  const table = rows.map((r) => [r.createdAt.slice(0, 19).replace('T', ' '), r.reason, r.source, r.campaign ?? '-', r.address]);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...table.map((row) => (row[i] as string).length)));
  for (const row of table) console.log(row.map((cell, i) => (i < 4 ? cell.padEnd(widths[i] as number) : cell)).join('  '));
  console.log(`${rows.length} suppressed`);
  return 0;
}

function add(store: Store, addresses: string[], reason: SuppressionReason, campaign: string | undefined): number {
  let failed = 0;
  for (const raw of addresses) {
    const address = raw.trim();
    const problem = emailProblem(address);
    if (problem !== undefined) {
      console.error(`${address}: ${problem.replace(/ — fix or delete the row$/, '')} — check the spelling.`);
      failed++;
      continue;
    }
    const { added } = suppress(store, { address, reason, source: 'cli', at: Date.now(), ...(campaign === undefined ? {} : { campaign }) });
    console.log(added ? `suppressed ${address.toLowerCase()} (${reason})` : `${address.toLowerCase()} was already suppressed — left as it was`);
  }
  return failed === 0 ? 0 : 1;
}

function remove(store: Store, addresses: string[]): number {
  let missing = 0;
  for (const raw of addresses) {
    const address = raw.trim().toLowerCase();
    if (removeSuppression(store, address)) console.log(`removed ${address}: later sends will mail it again`);
    else {
      console.error(`${address} is not on the suppression list — nothing to remove (check the spelling with \`npx newsletter suppress list\`).`);
      missing++;
    }
  }
  return missing === 0 ? 0 : 1;
}

/**
 * Reads the CSV with the subscriber-list loader (delimiter sniffing, BOM, line numbers,
 * address validation, de-duplication), so it takes what `export` writes and any list
 * with an `email` column. One transaction per 1,000 rows: a million-row import is
 * a thousand fsyncs, not a million, and a running send waits milliseconds at most.
 */
async function importCsv(store: Store, file: string, defaultReason: SuppressionReason): Promise<number> {
  await access(file).catch(() => {
    throw new NewsletterError('import-missing', `${file} does not exist or cannot be read — check the path of the CSV to import.`);
  });
  const { recipients, report } = readSubscribers(file);
  const problems: string[] = [];
  let added = 0;
  let already = 0;
  let batch: Parameters<typeof suppress>[1][] = [];
  const commit = store.db.transaction((items: Parameters<typeof suppress>[1][]) => {
    for (const item of items) {
      if (suppress(store, item).added) added++;
      else already++;
    }
  });
  const now = Date.now();
  let row = 0;
  for await (const r of recipients) {
    row++;
    const reasonCell = r.fields['reason']?.trim();
    if (reasonCell !== undefined && reasonCell !== '' && !(suppressionReasons as readonly string[]).includes(reasonCell)) {
      problems.push(`${file}: ${r.email}: reason \`${reasonCell}\` is not one of ${suppressionReasons.join(', ')} — fix the cell or leave it empty`);
      continue;
    }
    const created = Date.parse(r.fields['created_at'] ?? '');
    const campaign = r.fields['campaign']?.trim();
    batch.push({
      address: r.email,
      reason: (reasonCell || defaultReason) as SuppressionReason,
      source: r.fields['source']?.trim() || 'cli-import',
      // Keep the original date on a re-import of an export: it is what an audit asks for.
      at: Number.isFinite(created) ? created : now,
      ...(campaign ? { campaign } : {}),
    });
    if (batch.length === 1000) {
      commit.immediate(batch);
      batch = [];
    }
  }
  commit.immediate(batch);
  for (const invalid of report.invalid) problems.push(describeInvalidRow(file, invalid));
  for (const warning of report.warnings) console.error(`warning: ${warning}`);
  for (const problem of problems.slice(0, 20)) console.error(problem);
  if (problems.length > 20) console.error(`… and ${problems.length - 20} more`);
  const skipped = problems.length + report.invalidCount - report.invalid.length;
  console.log(`${file}: ${row} addresses read, ${added} newly suppressed, ${already} already suppressed${report.duplicates > 0 ? `, ${report.duplicates} duplicate rows` : ''}${skipped > 0 ? `, ${skipped} rows skipped` : ''}`);
  if (skipped > 0) {
    console.error('Fix the rows above and import the file again: addresses already imported are left as they are.');
    return 1;
  }
  return 0;
}

const CSV_COLUMNS = ['email', 'reason', 'campaign', 'source', 'created_at'] as const;

async function exportCsv(store: Store, out: string | undefined): Promise<number> {
  const rows = listSuppressions(store);
  const lines = [CSV_COLUMNS.join(','), ...rows.map((r) => csvRow(r))];
  const text = `${lines.join('\n')}\n`;
  if (out === undefined) {
    process.stdout.write(text);
    return 0;
  }
  await new Promise<void>((resolve, reject) => {
    const stream = createWriteStream(out);
    stream.on('error', (error) => reject(new NewsletterError('export-failed', `${out}: cannot write (${error.message}) — check the path.`)));
    stream.end(text, resolve);
  });
  console.error(`wrote ${rows.length} suppressed addresses to ${out}`);
  return 0;
}

function csvRow(s: Suppression): string {
  return [s.address, s.reason, s.campaign ?? '', s.source, s.createdAt].map(csvCell).join(',');
}

function csvCell(value: string): string {
  return /[",\r\n;\t]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
