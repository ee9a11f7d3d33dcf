import { NewsletterError } from '../errors.ts';
import { logConsent } from '../store/consent-log.ts';
import type { Store } from '../store/open-store.ts';
import { isSuppressed } from '../store/suppressions.ts';
import { firstReconfirmation } from './anniversary.ts';
import { hasConsentBasis } from './consent-columns.ts';
import type { Recipient } from './schema.ts';
import { getSubscriberRow, transactionCutoff, type ConsentMethod } from './stored-list.ts';
import { preparedStatements } from '../store/prepared.ts';

/** What an add or an import attests: where the consent was recorded, and how. */
export interface ConsentAttestation {
  method: Extract<ConsentMethod, 'import' | 'cli'>;
  /** --consent-source: where the consent is on record (a form, a contract, an event sign-up sheet). */
  source: string;
  /** The wording version the subscribers agreed to, when the caller knows it. */
  version?: string;
}

export type AddOutcome =
  /** New in the list, active. */
  | 'added'
  /** Was pending (or refused earlier and since lifted): now active with this consent. */
  | 'activated'
  /** Already active: name and merge fields updated, the original consent record kept. */
  | 'updated'
  /** On the suppression list (refused, bounced, complained, erased): not added — refusal wins (§50②). */
  | 'suppressed'
  /** Neither a consent date nor a transaction within six months: no basis for an ad. */
  | 'no-basis';

/**
 * One subscriber from an import row or `subscribers add`: `fields.consented_at` (ISO,
 * from the loader) is when they consented, missing means `at`; `fields.transaction_ended_at`
 * records the 거래관계 exception instead of (or beside) a consent. Both leave `fields`.
 * Not a transaction of its own: the import wraps pages of rows in one.
 */
export function addSubscriber(store: Store, recipient: Recipient, attestation: ConsentAttestation, at: number): AddOutcome {
  if (isSuppressed(store, recipient.email)) return 'suppressed';
  const { consented_at: consentedGiven, transaction_ended_at: transactionEnded, ...fields } = recipient.fields;
  const now = new Date(at).toISOString();
  const consentedAt = consentedGiven ?? (transactionEnded === undefined ? now : undefined);
  if (!hasConsentBasis(consentedAt, transactionEnded, transactionCutoff(at))) return 'no-basis';
  const existing = getSubscriberRow(store, recipient.email);
  const s = statements(store);
  if (existing?.status === 'active') {
    s.update.run({ address: existing.address, email: recipient.email, name: recipient.name ?? null, fields: JSON.stringify(fields), at: now });
    return 'updated';
  }
  const row = {
    address: recipient.email.toLowerCase(),
    email: recipient.email,
    name: recipient.name ?? null,
    fields: JSON.stringify(fields),
    method: attestation.method,
    source: attestation.source,
    version: attestation.version ?? null,
    consented_at: consentedAt ?? null,
    transaction_ends_at: transactionEnded ?? null,
    reconfirm_due_at: consentedAt === undefined ? null : firstReconfirmation(consentedAt),
    at: now,
  };
  if (existing === undefined) s.insert.run(row);
  else s.activate.run(row);
  logConsent(store, recipient.email, attestation.method === 'import' ? 'import' : 'consent', at, {
    method: attestation.method,
    source: attestation.source,
    ...(attestation.version === undefined ? {} : { version: attestation.version }),
    ...(consentedAt === undefined ? {} : { consentedAt }),
    ...(transactionEnded === undefined ? {} : { transactionEndedAt: transactionEnded }),
  });
  return existing === undefined ? 'added' : 'activated';
}

export function checkConsentSource(source: string | undefined, command: string): string {
  const text = source?.trim() ?? '';
  if (text === '' || /[\r\n]/.test(text) || text.length > 500) {
    throw new NewsletterError(
      'bad-flag',
      `newsletter ${command}: --consent-source is required: one line saying where these subscribers' consent to 광고성 정보 is on record (such as "2025 박람회 신청서, 동의란 체크" or "CRM export 2025-06-30, marketing opt-in"), kept with each consent record. See \`npx newsletter ${command} --help\`.`,
    );
  }
  return text;
}

const statements = preparedStatements(prepare);

function prepare(db: Store['db']) {
  return {
    insert: db.prepare(
      `INSERT INTO subscribers (address, email, name, fields, status, consent_method, consent_source, consent_version,
         consented_at, transaction_ends_at, reconfirm_due_at, status_at, created_at, updated_at)
       VALUES (@address, @email, @name, @fields, 'active', @method, @source, @version,
         @consented_at, @transaction_ends_at, @reconfirm_due_at, @at, @at, @at)`,
    ),
    activate: db.prepare(
      `UPDATE subscribers SET email = @email, name = @name, fields = @fields, status = 'active',
         consent_method = @method, consent_source = @source, consent_version = @version,
         consented_at = @consented_at, confirmed_at = NULL, transaction_ends_at = @transaction_ends_at,
         reconfirm_due_at = @reconfirm_due_at, confirm_nonce = NULL, status_at = @at, updated_at = @at
       WHERE address = @address`,
    ),
    update: db.prepare('UPDATE subscribers SET email = @email, name = @name, fields = @fields, updated_at = @at WHERE address = @address'),
  };
}
