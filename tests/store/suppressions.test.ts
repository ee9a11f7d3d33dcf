import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.ts';
import { eraseSubscriber } from '../../src/subscribers/erase-subscriber.ts';
import { countSuppressions, isSuppressed, listSuppressions, removeSuppression, suppress, suppressionSnapshot } from '../../src/store/suppressions.ts';

const T0 = Date.parse('2025-07-08T00:00:00Z');

describe('suppressions', () => {
  it('suppresses an address in any case, keeps the first record, lists, counts and lifts', () => {
    const store = openStore(':memory:');
    expect(isSuppressed(store, 'ann@example.com')).toBe(false);
    expect(suppress(store, { address: 'Ann@Example.COM', reason: 'unsubscribed', campaign: 'c1', source: 'unsubscribe-link', at: T0 })).toEqual({ added: true });
    expect(isSuppressed(store, 'ann@example.com')).toBe(true);
    expect(isSuppressed(store, 'ANN@EXAMPLE.COM')).toBe(true);
    // A later bounce does not overwrite the unsubscribe.
    expect(suppress(store, { address: 'ann@example.com', reason: 'bounced', source: 'webhook', at: T0 + 1 })).toEqual({ added: false });
    suppress(store, { address: 'bob@example.com', reason: 'complained', source: 'webhook', at: T0 + 2 });
    expect(listSuppressions(store)).toEqual([
      { address: 'ann@example.com', reason: 'unsubscribed', campaign: 'c1', source: 'unsubscribe-link', createdAt: '2025-07-08T00:00:00.000Z' },
      { address: 'bob@example.com', reason: 'complained', campaign: undefined, source: 'webhook', createdAt: '2025-07-08T00:00:00.002Z' },
    ]);
    expect(listSuppressions(store, { reason: 'complained' }).map((s) => s.address)).toEqual(['bob@example.com']);
    expect(countSuppressions(store)).toEqual({ unsubscribed: 1, bounced: 0, complained: 1, manual: 0 });
    expect(removeSuppression(store, 'BOB@example.com')).toBe(true);
    expect(removeSuppression(store, 'bob@example.com')).toBe(false);
    expect(isSuppressed(store, 'bob@example.com')).toBe(false);
    store.close();
  });

  it('answers a whole pass from a snapshot as isSuppressed does: any case, erased addresses by their hash; row by row above its size', () => {
    const store = openStore(':memory:');
    suppress(store, { address: 'Ann@Example.com', reason: 'bounced', source: 'webhook', at: T0 });
    eraseSubscriber(store, 'gone@example.com', T0);
    const addresses = ['ann@example.com', 'ANN@example.COM', 'Gone@Example.com', 'bob@example.com'];
    const expected = [true, true, true, false];
    expect(addresses.map((a) => isSuppressed(store, a))).toEqual(expected);
    expect(addresses.map(suppressionSnapshot(store))).toEqual(expected);
    expect(addresses.map(suppressionSnapshot(store, { maxInMemory: 1 }))).toEqual(expected);
    // A snapshot: what is suppressed after it is taken is the live check's to see.
    const before = suppressionSnapshot(store);
    suppress(store, { address: 'bob@example.com', reason: 'manual', source: 'cli', at: T0 });
    expect([before('bob@example.com'), suppressionSnapshot(store)('bob@example.com')]).toEqual([false, true]);
    store.close();
  });

  it('refuses a bad reason or address with a message naming the field', () => {
    const store = openStore(':memory:');
    // @ts-expect-error: not a reason
    expect(() => suppress(store, { address: 'a@example.com', reason: 'annoyed', source: 'cli', at: T0 })).toThrowError(/reason/);
    expect(() => suppress(store, { address: 'nobody', reason: 'manual', source: 'cli', at: T0 })).toThrowError(/address: must be an email address/);
    store.close();
  });
});
