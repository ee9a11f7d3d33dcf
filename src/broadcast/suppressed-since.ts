import type { Store } from '../store/open-store.ts';
import { preparedStatements } from '../store/prepared.ts';

const statements = preparedStatements((db) => ({
  since: db.prepare<[string], string>('SELECT address FROM suppressions WHERE created_at >= ? ORDER BY created_at').pluck(),
}));

/** Addresses put on the suppression list at or after `iso` (an ISO 8601 time, as the table holds them). */
export function suppressedSince(store: Store, iso: string): string[] {
  return statements(store).since.all(iso);
}
