import { randomBytes } from 'node:crypto';
import { openAsBlob } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Resend } from 'resend';
import { NewsletterError } from '../errors.ts';
import type { BroadcastContent } from './broadcast-content.ts';
import type { StepJournal } from './broadcast-steps.ts';
import type { ContactFiles, ContactPart } from './contact-files.ts';
import { importLineProblem } from './import-problem.ts';
import { AmbiguousCall, type Caller } from './resend-calls.ts';

/**
 * Hands one campaign to Resend as a Broadcast, step by step, each step journaled before
 * and after its call (broadcast-steps.ts):
 *
 *   segment         a Segment of this campaign's own (so exactly the imported contacts get it)
 *   properties      the contact properties the merge tags read
 *   import:N        each contact file, upserted into the segment, polled to completion
 *   create          the broadcast, as a draft, under a name unique to this campaign
 *   send            send it (or schedule it)
 *
 * A rerun after a crash at any instant skips what is `done` and, for a step left
 * `started`, asks Resend first: the segment and the broadcast are found again by the
 * unique name we gave them, a send by the broadcast's status (anything but `draft` means
 * the send went through). So one campaign is one broadcast, sent once.
 */

export interface HandOffInput {
  resend: Resend;
  caller: Caller;
  steps: StepJournal;
  campaign: string;
  content: BroadcastContent;
  files: ContactFiles;
  from: string;
  replyTo: string | undefined;
  scheduledAt: string | undefined;
  now: () => number;
  /** How often an import is polled. @default 1000 */
  pollMs?: number;
  /**
   * Addresses suppressed at or after an ISO time. A rerun may find contacts in the segment
   * that an earlier run imported and that have unsubscribed, bounced or complained since:
   * they are taken out of the segment before the broadcast is sent.
   */
  suppressedSince: (iso: string) => string[];
  onImport?: (progress: ImportProgress) => void;
  onNotice?: (message: string) => void;
}

export interface ImportProgress {
  part: number;
  parts: number;
  status: string;
  rows: number;
  counts: ImportCounts | undefined;
}

export interface ImportCounts {
  total: number;
  created: number;
  updated: number;
  skipped: number;
  failed: number;
}

export interface HandOffResult {
  segmentId: string;
  broadcastId: string;
  imports: { part: number; id: string; rows: number; counts: ImportCounts | undefined; skipped: boolean }[];
  /** True when this run called send; false when an earlier run had. */
  sentNow: boolean;
  status: string;
}

export async function handOff(input: HandOffInput): Promise<HandOffResult> {
  const segmentId = await ensureSegment(input);
  await ensureProperties(input);
  const imports = [];
  for (const part of input.files.parts) imports.push(await importPart(input, part, segmentId));
  await pruneSegment(input, segmentId);
  const broadcastId = await ensureBroadcast(input, segmentId);
  const { sentNow, status } = await ensureSent(input, broadcastId);
  return { segmentId, broadcastId, imports, sentNow, status };
}

/** A name nobody else uses, kept in the step's detail so a rerun looks for the same one. */
function uniqueName(input: HandOffInput, step: string, label: string): string {
  const started = input.steps.get(step);
  const name = started?.detail['name'];
  if (typeof name === 'string') return name;
  return `${label} ${input.campaign} ${randomBytes(4).toString('hex')}`;
}

async function ensureSegment(input: HandOffInput): Promise<string> {
  const { steps, caller, resend } = input;
  const step = steps.get('segment');
  if (step?.state === 'done' && step.resendId !== undefined) return step.resendId;
  const name = uniqueName(input, 'segment', 'newsletter');
  if (step?.state === 'started') {
    const found = await findByName(caller, 'list segments', (after, o) => resend.segments.list({ limit: 100, ...(after === undefined ? {} : { after }) }, o), name);
    if (found !== undefined) {
      steps.done('segment', found, { name }, input.now());
      return found;
    }
  }
  steps.start('segment', { name }, input.now());
  for (;;) {
    try {
      const created = await caller.call('create segment', false, (o) => resend.segments.create({ name }, o));
      steps.done('segment', created.id, { name }, input.now());
      return created.id;
    } catch (error) {
      if (!(error instanceof AmbiguousCall)) throw error;
      const found = await findByName(caller, 'list segments', (after, o) => resend.segments.list({ limit: 100, ...(after === undefined ? {} : { after }) }, o), name);
      if (found !== undefined) {
        steps.done('segment', found, { name }, input.now());
        return found;
      }
    }
  }
}

async function ensureProperties(input: HandOffInput): Promise<void> {
  const { steps, caller, resend, content } = input;
  const wanted = content.properties;
  const done = steps.get('properties');
  if (done?.state === 'done' && JSON.stringify(done.detail['keys']) === JSON.stringify(wanted)) return;
  steps.start('properties', { keys: wanted }, input.now());
  const existing = new Set<string>();
  let after: string | undefined;
  for (;;) {
    const page = await caller.call('list contact properties', true, (o) => resend.contactProperties.list({ limit: 100, ...(after === undefined ? {} : { after }) }, o));
    for (const p of page.data) existing.add(p.key);
    const last = page.data.at(-1);
    if (!page.has_more || last === undefined) break;
    after = last.id;
  }
  for (const key of wanted) {
    if (existing.has(key)) continue;
    try {
      await caller.call(`create contact property ${key}`, true, (o) => resend.contactProperties.create({ key, type: 'string', fallbackValue: '' }, o));
    } catch (error) {
      // Made meanwhile (another run, a retry whose first answer was lost): what we wanted.
      if (!(error instanceof NewsletterError && /already exists/i.test(error.message))) throw error;
    }
  }
  steps.done('properties', undefined, { keys: wanted }, input.now());
}

async function importPart(input: HandOffInput, part: ContactPart, segmentId: string): Promise<HandOffResult['imports'][number]> {
  const { steps, caller, resend, files } = input;
  const key = `import:${part.index}`;
  const step = steps.get(key);
  const same = step !== undefined && step.detail['sha256'] === part.sha256 && step.detail['segment'] === segmentId;
  if (same && step.state === 'done' && step.resendId !== undefined) {
    return { part: part.index, id: step.resendId, rows: part.rows, counts: step.detail['counts'] as ImportCounts | undefined, skipped: true };
  }
  const detail = { sha256: part.sha256, rows: part.rows, bytes: part.bytes, segment: segmentId };
  let id = same && step.state === 'started' ? step.resendId : undefined;
  if (id === undefined) {
    steps.start(key, detail, input.now());
    const properties = Object.fromEntries(files.columns.slice(1).map((column) => [column, { column, type: 'string' as const }]));
    try {
      // An upsert of the same file is the same result: safe to repeat.
      const created = await caller.call(`import ${part.path}`, true, async (o) =>
        resend.contacts.imports.create(
          { file: await openAsBlob(part.path, { type: 'text/csv' }), columnMap: { email: 'email', properties }, onConflict: 'upsert', segments: [{ id: segmentId }] },
          o,
        ),
      );
      id = created.id;
    } catch (error) {
      throw (await importLineProblem(error, part)) ?? error;
    }
    steps.setId(key, id);
  }
  const importId = id;
  for (;;) {
    const state = await caller.call(`check import ${importId}`, true, (o) => resend.contacts.imports.get(importId, o));
    input.onImport?.({ part: part.index, parts: files.parts.length, status: state.status, rows: part.rows, counts: state.counts });
    if (state.status === 'completed') {
      if (state.counts.failed > 0) input.onNotice?.(`Resend could not import ${state.counts.failed} of ${part.rows} rows of ${part.path} (import ${importId}); they are not in the broadcast.`);
      steps.done(key, importId, { ...detail, counts: state.counts }, input.now());
      return { part: part.index, id: importId, rows: part.rows, counts: state.counts, skipped: false };
    }
    if (state.status === 'failed') {
      throw new NewsletterError('import-failed', `Resend's import ${importId} of ${part.path} (${part.rows} contacts) failed: ${JSON.stringify(state.counts)}. Nothing was sent; run the same command again to retry the import.`);
    }
    await sleep(input.pollMs ?? 1000);
  }
}

async function pruneSegment(input: HandOffInput, segmentId: string): Promise<void> {
  const { steps, caller, resend } = input;
  if (steps.get('send')?.state !== undefined) return; // too late, and the send's own check decides
  const since = steps.get('segment')?.startedAt;
  if (since === undefined) return;
  for (const email of input.suppressedSince(since)) {
    try {
      await caller.call(`remove a suppressed contact from segment ${segmentId}`, true, (o) => resend.contacts.segments.remove({ email, segmentId }, o));
    } catch (error) {
      // Not a contact, or not in the segment: nothing to take out.
      if (!(error instanceof NewsletterError && /not[ _]found|404/i.test(error.message))) throw error;
    }
  }
}

async function ensureBroadcast(input: HandOffInput, segmentId: string): Promise<string> {
  const { steps, caller, resend, content } = input;
  const step = steps.get('create');
  if (step?.state === 'done' && step.resendId !== undefined) return step.resendId;
  const name = uniqueName(input, 'create', 'newsletter');
  const find = () => findByName(caller, 'list broadcasts', (after, o) => resend.broadcasts.list({ limit: 100, ...(after === undefined ? {} : { after }) }, o), name);
  if (step?.state === 'started') {
    const found = await find();
    if (found !== undefined) {
      steps.done('create', found, { name, segment: segmentId }, input.now());
      return found;
    }
  }
  steps.start('create', { name, segment: segmentId }, input.now());
  for (;;) {
    try {
      const created = await caller.call('create broadcast', false, (o) =>
        resend.broadcasts.create(
          {
            name,
            segmentId,
            from: input.from,
            ...(input.replyTo === undefined ? {} : { replyTo: [input.replyTo] }),
            subject: content.subject,
            html: content.html,
            text: content.text,
          },
          o,
        ),
      );
      steps.done('create', created.id, { name, segment: segmentId }, input.now());
      return created.id;
    } catch (error) {
      if (!(error instanceof AmbiguousCall)) throw error;
      const found = await find();
      if (found !== undefined) {
        steps.done('create', found, { name, segment: segmentId }, input.now());
        return found;
      }
      input.onNotice?.(`${error.message} It is not among the team's broadcasts: creating it again.`);
    }
  }
}

async function ensureSent(input: HandOffInput, broadcastId: string): Promise<{ sentNow: boolean; status: string }> {
  const { steps, caller, resend } = input;
  const step = steps.get('send');
  const detail = input.scheduledAt === undefined ? {} : { scheduledAt: input.scheduledAt };
  const statusNow = async () => (await caller.call(`get broadcast ${broadcastId}`, true, (o) => resend.broadcasts.get(broadcastId, o))).status;
  if (step?.state === 'done') return { sentNow: false, status: await statusNow() };
  if (step?.state === 'started') {
    // Anything but a draft means an earlier run's send went through.
    const status = await statusNow();
    if (status !== 'draft') {
      steps.done('send', broadcastId, detail, input.now());
      return { sentNow: false, status };
    }
  }
  steps.start('send', detail, input.now());
  for (;;) {
    try {
      await caller.call(`send broadcast ${broadcastId}`, false, (o) =>
        resend.broadcasts.send(broadcastId, input.scheduledAt === undefined ? undefined : { scheduledAt: input.scheduledAt }, o),
      );
      steps.done('send', broadcastId, detail, input.now());
      return { sentNow: true, status: await statusNow() };
    } catch (error) {
      if (!(error instanceof AmbiguousCall)) throw error;
      const status = await statusNow();
      if (status !== 'draft') {
        steps.done('send', broadcastId, detail, input.now());
        return { sentNow: true, status };
      }
    }
  }
}

type Page = { data: { id: string; name: string | null }[]; has_more: boolean };
type Listing = (after: string | undefined, options: { signal: AbortSignal }) => Promise<{ data: Page | null; error: { message: string; statusCode: number | null; name: string } | null; headers: Record<string, string> | null }>;
async function findByName(caller: Caller, label: string, list: Listing, name: string): Promise<string | undefined> {
  let after: string | undefined;
  for (;;) {
    const page = await caller.call(label, true, (o) => list(after, o));
    const hit = page.data.find((x) => x.name === name);
    if (hit !== undefined) return hit.id;
    const last = page.data.at(-1);
    if (!page.has_more || last === undefined) return undefined;
    after = last.id;
  }
}
