import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Resend } from 'resend';
import type { Email } from '../render/email.ts';
import type { CampaignList } from '../send/campaign-list.ts';
import { recordListSource } from '../send/campaign-list.ts';
import type { CampaignLease } from '../store/campaign-lease.ts';
import { createJournal } from '../store/journal.ts';
import type { Store } from '../store/open-store.ts';
import type { Message } from '../transport/transport.ts';
import type { Recipient } from '../subscribers/schema.ts';
import { broadcastContent } from './broadcast-content.ts';
import { stepJournal, type BroadcastStep } from './broadcast-steps.ts';
import { writeContactFiles, type ContactFiles } from './contact-files.ts';
import { handOff, type HandOffResult, type ImportProgress } from './hand-off.ts';
import { createCaller, createCallPace } from './resend-calls.ts';
import { suppressedSince } from './suppressed-since.ts';

/**
 * `npx newsletter send <edition> --transport broadcast`: the list becomes contact files
 * (the plan's pass: counted, nothing sent), the plan is shown and confirmed, then the
 * campaign is handed to Resend (hand-off.ts) and the files, which hold the list, are
 * deleted.
 */

export interface BroadcastPlan {
  campaign: string;
  contacts: number;
  suppressed: number;
  parts: number;
  bytes: number;
  properties: string[];
  /** Steps an earlier run finished: a resume. */
  done: string[];
}

export type BroadcastOutcome =
  | { kind: 'already-sent'; broadcastId: string | undefined; steps: BroadcastStep[] }
  | { kind: 'dry-run'; plan: BroadcastPlan }
  | { kind: 'nothing'; plan: BroadcastPlan }
  | { kind: 'sent'; plan: BroadcastPlan; result: HandOffResult };

export interface RunBroadcastOptions {
  campaign: string;
  subject: string;
  email: Email;
  personalize: (recipient: Recipient) => Message;
  from: string;
  replyTo: string | undefined;
  list: CampaignList;
  consentSource: string | undefined;
  store: Store;
  resend: Resend | undefined;
  rate: number | 'auto';
  timeoutMs: number;
  scheduledAt: string | undefined;
  dryRun: boolean;
  /** Where the contact files are written (they are deleted once the broadcast is sent). */
  workDir: string;
  maxPartBytes?: number;
  pollMs?: number;
  lease: CampaignLease | undefined;
  now: () => number;
  signal?: AbortSignal;
  /** Shown the plan; throws to stop before anything is sent. */
  confirm: (plan: BroadcastPlan) => Promise<void>;
  onImport?: (progress: ImportProgress) => void;
  onNotice?: (message: string) => void;
}

export async function runBroadcast(options: RunBroadcastOptions): Promise<BroadcastOutcome> {
  const { store, campaign } = options;
  const guard = options.lease === undefined ? undefined : () => options.lease?.assertHeld();
  const steps = stepJournal(store, campaign, guard);
  const sent = steps.get('send');
  if (sent?.state === 'done') return { kind: 'already-sent', broadcastId: steps.get('create')?.resendId, steps: steps.all() };

  const content = broadcastContent(options.email, options.personalize);
  const dir = options.dryRun ? await mkdtemp(join(tmpdir(), 'newsletter-broadcast-')) : options.workDir;
  try {
    const files: ContactFiles = await writeContactFiles({
      recipients: options.list.pass(),
      properties: content.properties,
      valuesOf: content.valuesOf,
      store,
      dir,
      ...(options.maxPartBytes === undefined ? {} : { maxBytes: options.maxPartBytes }),
    });
    options.list.checkAfterPlan();
    const plan: BroadcastPlan = {
      campaign,
      contacts: files.contacts,
      suppressed: files.suppressed,
      parts: files.parts.length,
      bytes: files.parts.reduce((n, p) => n + p.bytes, 0),
      properties: content.properties,
      done: steps.all().filter((s) => s.state === 'done').map((s) => s.step),
    };
    if (options.dryRun) return { kind: 'dry-run', plan };
    if (files.contacts === 0) return { kind: 'nothing', plan };
    await options.confirm(plan);

    const journal = createJournal(store, guard === undefined ? {} : { guard });
    journal.beginCampaign({ id: campaign, subject: options.subject, transport: 'broadcast', ...(options.scheduledAt === undefined ? {} : { scheduledAt: options.scheduledAt }), at: options.now() });
    recordListSource(store, campaign, options.list.source, options.consentSource);
    const caller = createCaller({
      pace: createCallPace({ rate: options.rate }),
      timeoutMs: options.timeoutMs,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.onNotice === undefined ? {} : { onNotice: options.onNotice }),
    });
    const result = await handOff({
      resend: options.resend as Resend,
      caller,
      steps,
      campaign,
      content,
      files,
      from: options.from,
      replyTo: options.replyTo,
      scheduledAt: options.scheduledAt,
      now: options.now,
      ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
      suppressedSince: (iso) => suppressedSince(store, iso),
      ...(options.onImport === undefined ? {} : { onImport: options.onImport }),
      ...(options.onNotice === undefined ? {} : { onNotice: options.onNotice }),
    });
    journal.endCampaign(campaign, 'done', `broadcast ${result.broadcastId} ${result.status}`, options.now());
    await rm(dir, { recursive: true, force: true });
    return { kind: 'sent', plan, result };
  } finally {
    if (options.dryRun) await rm(dir, { recursive: true, force: true });
  }
}
