import type { Config } from '../src/config.ts';
import { systemClock } from '../src/send/clock.ts';
import { openCampaignList, type CampaignList, type CampaignListOptions } from '../src/send/campaign-list.ts';
import { describeRate, formatPlan } from '../src/send/format-report.ts';
import { lateResumeWarning, planCampaign, type CampaignPlan } from '../src/send/plan-campaign.ts';
import { createJournal } from '../src/store/journal.ts';
import type { SendOutput } from './send-output.ts';

/** `send`'s plan: a pass over the list, counted against the journal, and its lines. */
export interface PlanStage {
  /** The list the send reads. */
  list: CampaignList;
  /** The plan, once its pass has ended. */
  plan: Promise<CampaignPlan>;
  /**
   * True when the send may start now, before the plan's pass has ended: its lines are shown
   * when it does (`shown`). False: the plan is in and shown.
   */
  early: boolean;
  /** Rejects if the plan's pass fails beside the send. */
  shown: Promise<void>;
  /** The warnings shown with the plan (the checks' alone until it is in). */
  warnings(): string[];
}

export interface PlanInput {
  listOptions: CampaignListOptions;
  slug: string;
  subject: string;
  transport: 'resend' | 'outbox';
  campaign: string;
  config: Config;
  /**
   * The send may start before the plan is in, as far as the caller is concerned: a send
   * through Resend with nothing to confirm (--yes). A dry run or the outbox gains nothing
   * from it: they are not paced by a provider, whose first answer the plan's pass can wait out.
   */
  mayOverlap: boolean;
  json: boolean;
  scheduledAt: string | undefined;
  checkWarnings: string[];
  output: SendOutput;
}

/**
 * The plan's pass stands before the send unless the caller allows otherwise
 * (`mayOverlap`), and always when what it finds can change what is done: a list it could
 * refuse (`CampaignList.mayRefuse`: any CSV, which can fail to parse at any row, or an empty
 * stored list), or a resume (its plan reads the journal that the send writes). Otherwise —
 * the stored list of a new campaign — the send starts as soon as the plan has one recipient
 * to send, and the rest of the list is counted beside the first requests, while the first
 * answer is awaited.
 */
export async function startPlan(input: PlanInput): Promise<PlanStage> {
  const { listOptions, transport, json } = input;
  const test = listOptions.test;
  const list = openCampaignList(listOptions);
  const overlap = input.mayOverlap && test === undefined && !list.mayRefuse() && createJournal(listOptions.store).campaign(input.campaign) === undefined;
  const planList = overlap ? openCampaignList(listOptions) : list;
  let sendable = () => {};
  const firstSendable = new Promise<void>((resolve) => (sendable = resolve));
  const plan = planCampaign({ slug: input.slug, transport, recipients: planList.pass(), store: listOptions.store, ...(overlap ? { onSendable: sendable } : {}) });
  plan.catch(() => {}); // awaited by the caller; a failure beside the send shows there

  let warnings = input.checkWarnings;
  const show = (p: CampaignPlan) => {
    planList.checkAfterPlan();
    const summary = planList.summary();
    warnings = [
      ...input.checkWarnings,
      ...summary.warnings,
      ...(transport === 'resend' ? [lateResumeWarning(p.firstAttemptAt, systemClock.now())].filter((w) => w !== undefined) : []),
    ];
    const lines: string[] = [];
    if (json) {
      // stdout holds only the JSON, at the end
    } else if (test !== undefined) {
      lines.push(`Test send of ${input.slug} to ${test.map((r) => r.email).join(', ')} through ${transport}: subject marked as a test, not recorded as the campaign.`);
    } else {
      const rate = describeRate(input.config.ratePerSecond, transport, input.config.outboxRatePerSecond);
      lines.push(...formatPlan({ slug: input.slug, subject: input.subject, transport, plan: p, ...(summary.list === undefined ? {} : { list: summary.list }), warnings, rate }));
      if (listOptions.consentSource !== undefined) lines.push(`  consent       attested: ${listOptions.consentSource} (kept with the campaign)`);
    }
    if (!json && input.scheduledAt !== undefined) lines.push(`  scheduled at  ${input.scheduledAt} (Resend delivers then)`);
    input.output.plan(lines, p.toSend);
  };

  // Overlapped: the send starts when the plan has a recipient to send, unless its pass ended first.
  const early = overlap && (await Promise.race([plan.then(() => false), firstSendable.then(() => true)]));
  if (!early) show(await plan);
  return { list, plan, early, shown: early ? plan.then(show) : Promise.resolve(), warnings: () => warnings };
}
