import type { Store } from '../store/open-store.ts';
import { addSubscriber, type AddOutcome, type ConsentAttestation } from './add-subscribers.ts';
import type { Recipient } from './schema.ts';

export type ImportCounts = Record<AddOutcome, number>;

/** Rows per transaction: one fsync per page instead of one per row. */
const ROWS_PER_TRANSACTION = 2000;

/**
 * Streams validated, de-duplicated rows (the CSV loader's output) into the stored list,
 * a page of rows per transaction, so a million rows take one pass and flat memory. A
 * crash loses at most the page being written; rerunning the import is safe (existing
 * subscribers are `updated`, never doubled).
 */
export async function importSubscribers(
  store: Store,
  recipients: AsyncIterable<Recipient>,
  attestation: ConsentAttestation,
  at: number,
  onProgress?: (rows: number) => void,
): Promise<ImportCounts> {
  const counts: ImportCounts = { added: 0, activated: 0, updated: 0, suppressed: 0, 'no-basis': 0 };
  const writePage = store.db.transaction((page: Recipient[]) => {
    for (const r of page) counts[addSubscriber(store, r, attestation, at)]++;
  });
  let page: Recipient[] = [];
  let rows = 0;
  for await (const recipient of recipients) {
    page.push(recipient);
    if (page.length === ROWS_PER_TRANSACTION) {
      writePage.immediate(page);
      rows += page.length;
      page = [];
      onProgress?.(rows);
    }
  }
  if (page.length > 0) {
    writePage.immediate(page);
    onProgress?.(rows + page.length);
  }
  return counts;
}
