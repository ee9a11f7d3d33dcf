import { logConsent } from '../store/consent-log.ts';
import type { Store } from '../store/open-store.ts';
import { suppress, type SuppressionInput } from '../store/suppressions.ts';
import { getSubscriberRow } from '../subscribers/stored-list.ts';
import { koreanDate } from './korean-date.ts';
import type { ListSettings } from './list-settings.ts';
import { senderPayload } from './notice-message.ts';
import { enqueueNotice } from './notices.ts';

/**
 * A refusal (수신거부: the one-click link, the unsubscribe page, `subscribers
 * unsubscribe`): the suppression, which stops every send at once (§50②: no grace
 * period), the subscriber's status, the consent log and the §50⑦ result notice, in the
 * caller's transaction (the server's group commit), so none of them exists without the
 * others. A repeat of a refusal already recorded writes nothing and owes no second notice.
 *
 * Without list settings (no content/list.yaml) the notice cannot name its sender, so
 * none is journaled: `serve` warns at start that notices are off.
 */
export function recordRefusal(store: Store, input: SuppressionInput & { address: string; at: number }, settings: ListSettings | undefined): { added: boolean } {
  const before = getSubscriberRow(store, input.address);
  const result = suppress(store, input);
  if (!result.added) return result;
  const withdrawal = before?.status === 'active';
  logConsent(store, input.address, withdrawal ? 'withdrawal' : 'refusal', input.at, {
    source: input.source,
    ...(input.campaign === undefined ? {} : { campaign: input.campaign }),
  });
  if (settings !== undefined) {
    enqueueNotice(
      store,
      {
        kind: 'refusal-result',
        email: before?.email ?? input.address,
        name: before?.name ?? undefined,
        eventAt: input.at,
        payload: { ...senderPayload(settings), date: koreanDate(input.at) },
      },
      input.at,
    );
  }
  return result;
}
