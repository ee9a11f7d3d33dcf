import { join } from 'node:path';
import { NewsletterError } from '../errors.ts';
import type { Recipient } from '../subscribers/schema.ts';
import { loadSubscribers } from '../subscribers/load-subscribers.ts';

export interface SampleRecipients {
  recipients: Recipient[];
  /** Why the list could not be read, when it could not (the preview still works, with "none"). */
  problem?: string;
}

/** The file the personalization preview picks its rows from. */
export const SAMPLE_LIST = 'content/subscribers.sample.csv';

/** Reads the sample subscriber list; a missing or broken list is a note, not a failure. */
export async function loadSampleRecipients(root: string): Promise<SampleRecipients> {
  try {
    const { recipients, report } = await loadSubscribers(join(root, SAMPLE_LIST));
    const skipped = report.invalidCount + report.duplicates;
    return skipped > 0 ? { recipients, problem: `${skipped} row(s) of ${SAMPLE_LIST} skipped (invalid or duplicate)` } : { recipients };
  } catch (error) {
    if (error instanceof NewsletterError) return { recipients: [], problem: error.message.split('\n')[0] ?? error.message };
    throw error;
  }
}

/** How a row shows in the picker: `김민지 <minji.kim@example.com>`. */
export function recipientLabel(recipient: Recipient): string {
  return recipient.name ? `${recipient.name} <${recipient.email}>` : recipient.email;
}
