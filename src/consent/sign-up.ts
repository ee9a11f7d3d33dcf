import { logConsent, registerWording } from '../store/consent-log.ts';
import type { Store } from '../store/open-store.ts';
import { addressHash, removeSuppression } from '../store/suppressions.ts';
import { firstReconfirmation } from '../subscribers/anniversary.ts';
import { getSubscriberRow } from '../subscribers/stored-list.ts';
import { newNonce, signConfirmToken, verifyConfirmToken } from './confirm-token.ts';
import { koreanDate } from './korean-date.ts';
import { consentWording, type ListSettings } from './list-settings.ts';
import { senderPayload } from './notice-message.ts';
import { enqueueNotice } from './notices.ts';
import type { SignUpValues } from './sign-up-form.ts';
import { preparedStatements } from '../store/prepared.ts';

export interface SignUpContext {
  store: Store;
  settings: ListSettings;
  /** Signs the confirmation tokens (NEWSLETTER_SECRET). */
  secret: string;
  /** Where the form was: the consent record's source. */
  formUrl: string;
}

/** A repeated sign-up of a pending address within this window sends no second email. */
export const RESEND_CONFIRMATION_AFTER_MS = 10 * 60_000;

/**
 * A posted, valid sign-up. The answer page is the same whatever happens here (no
 * enumeration); what differs is only what is written and mailed:
 * - new, pending (after the quiet window), or refused earlier: a pending subscriber with
 *   the sign-up's IP, user agent and wording version, and a confirmation email (a new
 *   token replaces any older one, which stops working);
 * - already active: nothing written, nothing sent.
 * The address gets no newsletter until the confirmation.
 */
export function signUp(
  context: SignUpContext,
  values: SignUpValues,
  request: { ip: string | undefined; userAgent: string | undefined },
  at: number,
): { outcome: 'pending' | 'already-active' | 'recently-sent'; noticeId?: string } {
  const { store, settings, secret } = context;
  return store.db
    .transaction(() => {
      registerWording(store, settings.consent.version, consentWording(settings), at, 'content/list.yaml consent');
      const existing = getSubscriberRow(store, values.email);
      if (existing?.status === 'active') return { outcome: 'already-active' as const };
      if (existing?.status === 'pending' && existing.signup_at !== null && at - Date.parse(existing.signup_at) < RESEND_CONFIRMATION_AFTER_MS) {
        return { outcome: 'recently-sent' as const };
      }
      const nonce = newNonce();
      const row = {
        address: values.email.toLowerCase(),
        email: values.email,
        name: values.name ?? null,
        source: context.formUrl,
        version: settings.consent.version,
        ip: request.ip?.slice(0, 64) ?? null,
        ua: request.userAgent?.slice(0, 400) ?? null,
        nonce,
        at: new Date(at).toISOString(),
      };
      if (existing === undefined) statements(store).insertPending.run(row);
      else statements(store).repend.run(row);
      logConsent(store, values.email, 'signup', at, { method: 'form', source: context.formUrl, version: settings.consent.version, ip: row.ip, userAgent: row.ua });
      const token = signConfirmToken(secret, { address: values.email, issuedAt: at, nonce });
      const { id } = enqueueNotice(
        store,
        {
          kind: 'confirm',
          email: values.email,
          name: values.name,
          eventAt: at,
          payload: {
            ...senderPayload(settings),
            token,
            expiresOn: koreanDate(at + settings.confirmDays * 86_400_000),
            wordingKo: settings.consent.ko,
            wordingEn: settings.consent.en,
          },
        },
        at,
      );
      return { outcome: 'pending' as const, noticeId: id };
    })
    .immediate();
}

export type ConfirmCheck =
  | { ok: true; email: string }
  | { ok: false; reason: 'invalid' | 'expired' | 'used' };

/** GET /confirm/<token>: is the token good (signed, fresh, not used)? Writes nothing. */
export function checkConfirmation(store: Store, secret: string, token: string, now: number, maxAgeMs: number): ConfirmCheck {
  const verified = verifyConfirmToken(secret, token, now, maxAgeMs);
  if (!verified.ok) return verified;
  const row = getSubscriberRow(store, verified.claims.address);
  if (row === undefined || row.confirm_nonce !== verified.claims.nonce) return { ok: false, reason: row === undefined ? 'invalid' : 'used' };
  return { ok: true, email: row.email };
}

/**
 * POST /confirm/<token>: the double opt-in completes the consent. One transaction: the
 * subscriber becomes active with its consent record (when, how, wording version, the
 * sign-up's IP and user agent, the confirmation time), any earlier refusal or erasure of
 * the address is lifted (this consent is newer), the log gains the consent and the §50⑦
 * 수신동의 result notice is journaled. The token's nonce is cleared: a second POST is refused.
 */
export function confirmSignUp(context: Omit<SignUpContext, 'formUrl'>, token: string, now: number): ConfirmCheck {
  const { store, settings, secret } = context;
  return store.db
    .transaction((): ConfirmCheck => {
      const check = checkConfirmation(store, secret, token, now, settings.confirmDays * 86_400_000);
      if (!check.ok) return check;
      const row = getSubscriberRow(store, check.email)!;
      const at = new Date(now).toISOString();
      statements(store).activate.run({ address: row.address, at, due: firstReconfirmation(at) });
      removeSuppression(store, row.address);
      statements(store).unErase.run(addressHash(row.address));
      logConsent(store, row.address, 'consent', now, {
        method: 'form',
        source: row.consent_source,
        version: row.consent_version,
        ip: row.signup_ip,
        userAgent: row.signup_user_agent,
        signupAt: row.signup_at,
        confirmedAt: at,
      });
      enqueueNotice(store, { kind: 'consent-result', email: row.email, name: row.name ?? undefined, eventAt: now, payload: { ...senderPayload(settings), date: koreanDate(now) } }, now);
      return { ok: true, email: row.email };
    })
    .immediate();
}

const statements = preparedStatements(prepare);

function prepare(db: Store['db']) {
  return {
    insertPending: db.prepare(
      `INSERT INTO subscribers (address, email, name, fields, status, consent_method, consent_source, consent_version,
         signup_at, signup_ip, signup_user_agent, confirm_nonce, status_at, created_at, updated_at)
       VALUES (@address, @email, @name, '{}', 'pending', 'form', @source, @version, @at, @ip, @ua, @nonce, @at, @at, @at)`,
    ),
    repend: db.prepare(
      `UPDATE subscribers SET email = @email, name = coalesce(@name, name), status = 'pending', consent_method = 'form',
         consent_source = @source, consent_version = @version, signup_at = @at, signup_ip = @ip, signup_user_agent = @ua,
         confirm_nonce = @nonce, status_at = @at, updated_at = @at
       WHERE address = @address`,
    ),
    activate: db.prepare(
      `UPDATE subscribers SET status = 'active', consented_at = @at, confirmed_at = @at, transaction_ends_at = NULL,
         reconfirm_due_at = @due, confirm_nonce = NULL, status_at = @at, updated_at = @at
       WHERE address = @address`,
    ),
    unErase: db.prepare('DELETE FROM erasures WHERE address_hash = ?'),
  };
}
