import { describe, expect, it } from 'vitest';
import { AddressSet } from '../../src/subscribers/address-set.ts';

describe('AddressSet', () => {
  it('treats addresses differing only in case as the same', () => {
    const set = new AddressSet();
    expect(set.add('Ana@Example.com')).toBe(true);
    expect(set.add('ana@example.com')).toBe(false);
    expect(set.add('ANA@EXAMPLE.COM')).toBe(false);
    expect(set.add('ana@example.org')).toBe(true);
    expect(set.size).toBe(2);
  });

  it('keeps every distinct address through many resizes', () => {
    const set = new AddressSet(16);
    const n = 300_000;
    let added = 0;
    for (let i = 0; i < n; i++) if (set.add(`user${i}@example.com`)) added++;
    expect(added).toBe(n);
    let again = 0;
    for (let i = 0; i < n; i += 7) if (set.add(`USER${i}@example.com`)) again++;
    expect(again).toBe(0);
    expect(set.add(`user${n}@example.com`)).toBe(true);
    expect(set.size).toBe(n + 1);
  });
});
