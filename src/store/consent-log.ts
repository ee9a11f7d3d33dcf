import { NewsletterError } from '../errors.ts';
import type { Store } from './open-store.ts';
import { preparedStatements } from './prepared.ts';

/**
 * The append-only record of every consent event of every address: the proof §50① asks
 * for ("who consented, when, how, to which wording") and the trail of what followed
 * (refusals, bounces, reconfirmation notices). Rows are never updated; `subscribers
 * erase` deletes an address's rows with the rest of its personal data.
 */
export type ConsentAction =
  | 'signup'
  | 'consent'
  | 'refusal'
  | 'withdrawal'
  | 'reconfirm-notice'
  | 'import'
  | 'updated';

export interface ConsentLogEntry {
  address: string;
  action: ConsentAction;
  at: string;
  detail: Record<string, unknown>;
}

export function logConsent(store: Store, address: string, action: ConsentAction, at: number, detail: Record<string, unknown> = {}): void {
  statements(store).insert.run(address.toLowerCase(), action, new Date(at).toISOString(), JSON.stringify(detail));
}

/** An address's log, oldest first. */
export function consentLogOf(store: Store, address: string): ConsentLogEntry[] {
  return (statements(store).byAddress.all(address.toLowerCase()) as { address: string; action: ConsentAction; at: string; detail: string }[]).map((r) => ({
    address: r.address,
    action: r.action,
    at: r.at,
    detail: JSON.parse(r.detail) as Record<string, unknown>,
  }));
}

/**
 * Records the wording a consent was given to, under its version. The same version with
 * other text means the wording was edited without a bump — the records already pointing
 * at that version would then claim a wording their subscribers never saw, so it is refused.
 */
export function registerWording(store: Store, version: string, text: string, at: number, where: string): void {
  const s = statements(store);
  const existing = s.wording.get(version) as string | undefined;
  if (existing === undefined) {
    s.addWording.run(version, text, new Date(at).toISOString());
    return;
  }
  if (existing !== text) {
    throw new NewsletterError(
      'consent-wording-changed',
      `${where}: the consent wording changed but consent.version is still "${version}" — subscribers who consented under "${version}" saw the earlier wording. Give the new wording a new version (such as "${new Date(at).toISOString().slice(0, 10)}").`,
    );
  }
}

/** The exact wording of a version, when the store has it. */
export function wordingText(store: Store, version: string): string | undefined {
  return statements(store).wording.get(version) as string | undefined;
}

const statements = preparedStatements(prepare);

function prepare(db: Store['db']) {
  return {
    insert: db.prepare('INSERT INTO consent_log (address, action, at, detail) VALUES (?, ?, ?, ?)'),
    byAddress: db.prepare('SELECT address, action, at, detail FROM consent_log WHERE address = ? ORDER BY id'),
    wording: db.prepare('SELECT text FROM consent_wordings WHERE version = ?').pluck(),
    addWording: db.prepare('INSERT INTO consent_wordings (version, text, created_at) VALUES (?, ?, ?)'),
  };
}
